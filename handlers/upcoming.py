"""Commands the FAQ already mentions whose full flows are still being built."""

from __future__ import annotations

from telegram import Update

from bot.context import AppContext
from handlers.faq import answer_entry, find_entry


async def eligibility(update: Update, context: AppContext) -> None:
    """/eligibility: the eligibility criteria from the FAQ."""
    entry = find_entry(context.services.knowledge.current, "eligibility")
    if entry is None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(
                "The eligibility answer is missing from the FAQ; send /faq to browse topics."
            )
        return
    await answer_entry(update, context, entry)


async def register(update: Update, context: AppContext) -> None:
    """/register: pre-registration is not open in the bot yet; say so and offer news."""
    if update.effective_message is not None:
        await update.effective_message.reply_html(
            "Pre-registering your city in this bot is <b>not open yet</b>. "
            "Use /subscribe and I will tell you when it is, and when the call opens."
        )
