"""The automatic messages in staff's words: /announcements, and the date previews."""

from __future__ import annotations

import sys
from datetime import datetime, tzinfo
from html import escape

from bot.announcements.dates import DateChange
from bot.announcements.plan import (
    Fate,
    Outcomes,
    PlannedMessage,
    current_plan,
    notice_name,
    offset_words,
    plan_of_change,
)
from bot.announcements.scheduler import real_now
from bot.announcements.texts import plural
from bot.context import Services
from faq.call import CallState
from faq.placeholders import format_call_date, zone_name

# A blank line first: the section follows the scheduled and sent announcements.
LISTING_HEADING = "\n<b>Automatic messages</b>"
PREVIEW_HEADING = "<b>Automatic messages this change plans</b>"
# Why a notice was skipped, said after the fact (/announcements) or before it (a preview).
SKIPPED_SAID = {
    "missed": "missed while the bot was down, more than REMINDER_GRACE_HOURS ago",
    "closed": "the call had closed when the opening was set",
    "already_open": "the call was already open, subscribers had been told",
    None: "its time had passed",
}
SKIPPED_AHEAD = {
    "closed": "the call has closed",
    "already_open": "the call is already open, subscribers were told",
}


def exact_moment(moment: datetime, zone: tzinfo) -> str:
    """A moment in `zone` always with its time: "17 May 2030, 23:59"."""
    local = moment.astimezone(zone)
    return f"{format_call_date(local.date())}, {local:%H:%M}"


def _passed_reason(message: PlannedMessage, *, ahead: bool) -> str:
    offset = message.notice.offset
    if offset is None:
        return "its time had passed when the dates were set"
    count, unit = offset_words(offset)
    left = f"less than {plural(count, unit)} ahead"
    return f"the deadline is {left}" if ahead else f"the deadline was set {left}"


def skip_reason(message: PlannedMessage, *, ahead: bool = False) -> str:
    """Why a notice was (`ahead`: will be) skipped, in a few words."""
    if message.reason == "passed":
        return _passed_reason(message, ahead=ahead)
    if ahead and message.reason in SKIPPED_AHEAD:
        return SKIPPED_AHEAD[message.reason]
    return SKIPPED_SAID.get(message.reason, SKIPPED_SAID[None])


def plan_line(message: PlannedMessage, zone: tzinfo, subscribers: int, *, ahead: bool) -> str:
    """One automatic message as a line of HTML: what, when, and to whom or why not."""
    name = notice_name(message.notice)
    when = exact_moment(message.notice.at, zone)
    everyone = f"to all subscribers ({subscribers} now)"
    sent = message.announcement
    if message.fate is Fate.PLANNED:
        return f"⏰ {name}: {when}, {everyone}"
    if message.fate is Fate.SEND_NOW:
        return f"📣 {name} ({when}): sent now, {everyone}"
    if message.fate is Fate.DUE:
        return f"⏳ {name}: was due {when}, not sent yet"
    if message.fate is Fate.SENT and sent is not None:
        return (
            f"✅ {name} ({when}): sent to {sent.sent} of {plural(sent.total, 'subscriber')}"
            f" ({escape(sent.status)})"
        )
    if message.fate is Fate.CANCELLED:
        moved = "opening" if message.notice.offset is None else "deadline"
        return f"✖️ {name} ({when}): cancelled, the {moved} moves"
    return f"⏭ {name} ({when}): skipped, {skip_reason(message, ahead=ahead)}"


def plan_section(
    plan: list[PlannedMessage], zone: tzinfo, subscribers: int, *, ahead: bool
) -> list[str]:
    """A heading (with the time zone) and one line per message; nothing for an empty plan."""
    if not plan:
        return []
    heading = PREVIEW_HEADING if ahead else LISTING_HEADING
    lines = [f"{heading} (times in {zone_name(zone)})"]
    return lines + [plan_line(message, zone, subscribers, ahead=ahead) for message in plan]


async def outcomes(services: Services) -> Outcomes:
    """What became of the call's notices so far, from the outbox and the skip records."""
    queued = {
        announcement.key: announcement
        for announcement in await services.outbox.announcements(limit=sys.maxsize)
        if announcement.key is not None
    }
    skipped = {skip.key: skip.reason for skip in await services.store.skipped_notices()}
    return Outcomes(queued, skipped)


async def planned_lines(services: Services) -> list[str]:
    """/announcements' section on the call's automatic messages (none while no date is set)."""
    settings = services.settings
    plan = current_plan(
        await services.call_state(), settings.reminder_offsets, real_now(), await outcomes(services)
    )
    subscribers = len(await services.store.active_subscribers())
    return plan_section(plan, settings.zone, subscribers, ahead=False)


async def change_plan_html(services: Services, call: CallState, change: DateChange) -> str:
    """A date preview's paragraph on what the change plans, sends, skips or cancels."""
    settings = services.settings
    plan = plan_of_change(
        call,
        change,
        settings.reminder_offsets,
        real_now(),
        settings.reminder_grace,
        await outcomes(services),
    )
    subscribers = len(await services.store.active_subscribers())
    lines = plan_section(plan, settings.zone, subscribers, ahead=True)
    return "\n\n" + "\n".join(lines) if lines else ""
