"""/stats for staff: how many cities pre-registered and how many people get the news."""

from __future__ import annotations

from telegram import Update

from bot.context import AppContext
from handlers.access import staff_only


@staff_only
async def stats(update: Update, context: AppContext) -> None:
    """/stats (staff): how many cities pre-registered and how many subscribers."""
    if update.effective_message is None:
        return
    store = context.services.store
    registrations = await store.count_registrations()
    subscribers = len(await store.active_subscribers())
    await update.effective_message.reply_html(
        f"<b>So far</b>\n• Pre-registrations: {registrations}\n• Active subscribers: {subscribers}"
    )
