"""/subscribe and /unsubscribe: news and deadline reminders, kept only with consent."""

from __future__ import annotations

from telegram import Update

from bot.announcements.texts import subscribed_html
from bot.context import AppContext

ALREADY_TEXT = "You are already subscribed; stop any time with /unsubscribe."
UNSUBSCRIBED_TEXT = (
    "You will get no more news or reminders. Subscribe again any time with /subscribe."
)
NOT_SUBSCRIBED_TEXT = (
    "You were not subscribed, so there is nothing to stop. Use /subscribe to start."
)


async def _reply(update: Update, context: AppContext, text: str) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, parse_mode="HTML")


async def subscribe(update: Update, context: AppContext) -> None:
    """Record the user's consent to news and reminders."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    added = await services.store.add_subscriber(chat.id)
    if not added:
        await _reply(update, context, ALREADY_TEXT)
        return
    call = await services.call_state()
    offsets = services.settings.reminder_offsets
    await _reply(update, context, subscribed_html(call, services.clock(), offsets))


async def unsubscribe(update: Update, context: AppContext) -> None:
    """Withdraw consent: no more news or reminders."""
    chat = update.effective_chat
    if chat is None:
        return
    removed = await context.services.store.remove_subscriber(chat.id)
    await _reply(update, context, UNSUBSCRIBED_TEXT if removed else NOT_SUBSCRIBED_TEXT)
