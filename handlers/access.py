"""Who may use a handler: staff and admin handlers check the numeric user id on every update."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.context import AppContext
from bot.settings import Settings

NOT_ALLOWED_TEXT = "This command is for the programme team only; send /help to see yours."
ADMINS_ONLY_TEXT = "This command is for the bot's admins only; send /help to see yours."

Handler = Callable[[Update, AppContext], Coroutine[Any, Any, None]]


def _restricted(
    allowed: Callable[[Settings, int | None], bool], refusal: str = NOT_ALLOWED_TEXT
) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(update: Update, context: AppContext) -> None:
            user = update.effective_user
            if allowed(context.services.settings, user.id if user else None):
                await handler(update, context)
                return
            query = update.callback_query
            if query is not None:
                await query.answer(refusal, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(refusal)

        return checked

    return decorate


staff_only = _restricted(Settings.is_staff)
"""For staff and admins: anyone else is told "not allowed" and nothing runs."""

admin_only = _restricted(Settings.is_admin, ADMINS_ONLY_TEXT)
"""For admins only: anyone else is told "not allowed" and nothing runs."""
