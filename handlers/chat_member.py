"""Track whether a user has blocked the bot, so broadcasts stop without deleting data."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.context import AppContext

GONE_STATUSES = {ChatMember.BANNED, ChatMember.LEFT}


async def track_block(update: Update, context: AppContext) -> None:
    """A my_chat_member update: mark the private chat blocked or reachable again."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    store = context.services.store
    if change.new_chat_member.status in GONE_STATUSES:
        await store.mark_chat_blocked(change.chat.id)
    else:
        await store.mark_chat_reachable(change.chat.id)
