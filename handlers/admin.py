"""Staff and admin commands; every call checks the numeric Telegram user id."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import AppContext
from bot.knowledge import ReloadOutcome

NOT_ALLOWED_TEXT = "This command is for the programme team only; send /help to see yours."
MAX_ERRORS_SHOWN = 15


def describe_reload(outcome: ReloadOutcome, kept_entries: int) -> str:
    """One message for admins about a FAQ reload: success, or each problem with file and line."""
    if outcome.error is None:
        return f"✅ FAQ reloaded: {outcome.entry_count} entries are live."
    problems = outcome.error.problems
    lines = [escape(str(p)) for p in problems[:MAX_ERRORS_SHOWN]]
    if len(problems) > MAX_ERRORS_SHOWN:
        lines.append(f"…and {len(problems) - MAX_ERRORS_SHOWN} more.")
    return (
        f"⚠️ The FAQ change was <b>not</b> applied; the last good version "
        f"({kept_entries} entries) stays live. Fix these and save again:\n"
        + "\n".join(f"• <code>{line}</code>" for line in lines)
    )


async def reload_faq(update: Update, context: AppContext) -> None:
    """/reloadfaq (admins): validate the FAQ folder now and report."""
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    if not context.services.settings.is_admin(user.id if user else None):
        await message.reply_text(NOT_ALLOWED_TEXT)
        return
    knowledge = context.services.knowledge
    outcome = await knowledge.reload()
    await message.reply_html(describe_reload(outcome, len(knowledge.current.entries)))


async def unanswered(update: Update, context: AppContext) -> None:
    """/unanswered (admins): the latest questions that ended in suggest or fallback."""
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    if not context.services.settings.is_admin(user.id if user else None):
        await message.reply_text(NOT_ALLOWED_TEXT)
        return
    rows = await context.services.store.unanswered_questions(limit=20)
    if not rows:
        await message.reply_text("No unanswered questions logged yet.")
        return
    lines = []
    for row in rows:
        best = ", ".join(f"{cid} {score:.0f}" for cid, score in row.get("candidates", [])[:2])
        lines.append(f"• {escape(row['question'])} <i>({row['decision']}; {escape(best)})</i>")
    await message.reply_html("<b>Latest unanswered questions</b>\n" + "\n".join(lines))


async def stats(update: Update, context: AppContext) -> None:
    """/stats (staff): how many cities pre-registered and how many subscribers."""
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    if not context.services.settings.is_staff(user.id if user else None):
        await message.reply_text(NOT_ALLOWED_TEXT)
        return
    store = context.services.store
    registrations = await store.count_registrations()
    subscribers = len(await store.active_subscribers())
    await message.reply_html(
        f"<b>So far</b>\n• Pre-registrations: {registrations}\n• Active subscribers: {subscribers}"
    )
