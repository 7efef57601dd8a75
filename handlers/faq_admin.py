"""Admin commands for the FAQ: reload it now, and see what people asked that it did not answer."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import Update

from bot.context import AppContext
from bot.knowledge import ReloadOutcome, describe_reload
from bot.storage.questions import LoggedQuestion
from handlers.access import admin_only
from handlers.audit_log import record_action
from handlers.replies import reply_html_lines


@admin_only
async def reload_faq(update: Update, context: AppContext) -> None:
    """/reloadfaq (admins): validate the FAQ folder now and report."""
    if update.effective_message is None:
        return
    knowledge = context.services.knowledge
    outcome = await knowledge.reload()
    await record_action(update, context, "faq.reloaded", _reload_detail(outcome))
    for part in describe_reload(outcome, len(knowledge.current.entries)):
        await update.effective_message.reply_html(part)


def _reload_detail(outcome: ReloadOutcome) -> str:
    if outcome.error is None:
        return f"{outcome.entry_count} entries live"
    return f"refused, {len(outcome.error.problems)} problems; the last good version stays live"


@admin_only
async def unanswered(update: Update, context: AppContext) -> None:
    """/unanswered (admins): the latest questions that ended in suggest or fallback."""
    message = update.effective_message
    if message is None:
        return
    rows = await context.services.store.unanswered_questions(limit=20)
    if not rows:
        await message.reply_text("No unanswered questions logged yet.")
        return
    await reply_html_lines(message, unanswered_lines(rows))


def unanswered_lines(rows: Sequence[LoggedQuestion]) -> list[str]:
    """A heading, then one HTML line per logged question with its two best candidates."""
    lines = ["<b>Latest unanswered questions</b>"]
    for row in rows:
        best = ", ".join(f"{cid} {score:.0f}" for cid, score in row.candidates[:2])
        lines.append(f"• {escape(row.question)} <i>({row.decision}; {escape(best)})</i>")
    return lines
