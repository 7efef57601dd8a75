"""The staff audit log: recording what a staff member did, and /auditlog to read it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape

from telegram import Update

from bot.context import AppContext
from bot.storage.audit import AuditEntry
from faq.placeholders import zone_name
from handlers.access import staff_only
from handlers.replies import reply_html_lines

SHOWN_ENTRIES = 30
EMPTY_TEXT = "No staff action is recorded yet."
# What staff read for each kind; a kind not listed is shown as it is stored.
ACTION_NAMES = {
    "call.opening_set": "Opening set",
    "call.deadline_set": "Deadline set",
    "call.url_set": "Call page set",
    "call.name_set": "Call name set",
    "broadcast.sent": "Message sent to subscribers",
    "broadcast.scheduled": "Message scheduled",
    "broadcast.cancelled": "Scheduled message cancelled",
    "broadcast.stopped": "Sending stopped",
    "broadcast.resent": "Resent to those who failed",
    "export.registrations": "Registrations exported",
    "export.audit": "Audit log exported",
    "faq.reloaded": "FAQ reloaded",
    "faq.phrasing_added": "Phrasing added to the FAQ",
    "faq.cluster_ignored": "Unanswered questions ignored",
    "handoff.answered": "Question answered by staff",
}


async def record_action(update: Update, context: AppContext, action: str, detail: str) -> None:
    """Add what the staff member behind this update did to the audit log."""
    user = update.effective_user
    await context.services.store.record_staff_action(
        user.id if user else 0, action, detail, user.full_name if user else None
    )


@staff_only
async def show_audit_log(update: Update, context: AppContext) -> None:
    """/auditlog (staff): the latest staff actions, newest first."""
    message = update.effective_message
    if message is None:
        return
    entries = await context.services.store.staff_actions(limit=SHOWN_ENTRIES)
    if not entries:
        await message.reply_text(EMPTY_TEXT)
        return
    await reply_html_lines(message, audit_lines(entries, context.services.settings.zone))


def audit_lines(entries: Sequence[AuditEntry], zone: tzinfo) -> list[str]:
    """A heading, then two short HTML lines per entry: when and who, then what."""
    lines = [f"<b>Latest staff actions</b> (newest first, {escape(zone_name(zone))})"]
    for entry in entries:
        who = escape(entry.actor_name or "") or "Someone"
        who = "the command line" if entry.actor_id == 0 else f"{who} ({entry.actor_id})"
        what = escape(ACTION_NAMES.get(entry.action, entry.action))
        detail = f": {escape(entry.detail)}" if entry.detail else ""
        when = entry.at.astimezone(zone).strftime("%d %b %Y %H:%M")
        lines.append(f"<b>{when}</b> · {who}\n{what}{detail}")
    return lines
