"""The report a staff member gets when their announcement is done or was stopped."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.storage.outbox import Announcement

MAX_REASON_CHARS = 500


def duration_in_words(duration: timedelta) -> str:
    """A duration as "2 h 5 min", "3 min 20 s" or "12 s"."""
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def resend_label(failed: int) -> str:
    """The label of the button that sends an announcement again to those it failed to reach."""
    return f"🔁 Resend to the {failed} who failed"


def crash_notice(announcement: Announcement, reason: str) -> str:
    """Telegram HTML: the bot gave up on an announcement after failing on it again and again."""
    name = f"{escape(announcement.kind)} <code>{announcement.id}</code>"
    return (
        f"<b>Announcement {name} could not be sent</b>: the bot hit an error on it each time "
        f"it tried ({escape(reason[:MAX_REASON_CHARS])}). It is marked failed and the "
        f"announcements after it are being sent. Sent: {announcement.sent} of "
        f"{announcement.total}; not reached: {announcement.failed}. Tell the bot's maintainer; "
        "once it is fixed you can resend it to those not reached (/announcements)."
    )


def delivery_report(announcement: Announcement, now: datetime) -> str:
    """Telegram HTML (under 4096 characters): sent, blocked, failed, and how long it took."""
    took = duration_in_words(now - announcement.created_at)
    counts = (
        f"Sent: <b>{announcement.sent}</b> of {announcement.total}\n"
        f"Blocked the bot or gone: {announcement.blocked}\n"
        f"Failed after retries: {announcement.failed}\n"
        f"Time since it was queued: {took}"
    )
    name = f"{escape(announcement.kind)} <code>{announcement.id}</code>"
    if announcement.status == "stopped" or announcement.stop_reason:
        reason = escape((announcement.stop_reason or "unknown")[:MAX_REASON_CHARS])
        return (
            f"<b>Announcement {name} was stopped</b>: Telegram refused its text ({reason}). "
            f"Nothing more will be sent; correct the text and send it again.\n{counts}"
        )
    return f"<b>Announcement {name} is delivered.</b>\n{counts}"
