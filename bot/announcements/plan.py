"""Every message the call's dates make the bot send on its own: when, and what becomes of it.

The same rule decides what start-up and a change of dates do with each notice (the scheduler)
and what staff are shown beforehand (/setopening, /setdeadline) and afterwards (/announcements).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from bot.announcements.dates import DateChange, DateField
from bot.announcements.reminders import Lateness, lateness, reminders_for
from bot.storage.announcements import SkipReason
from bot.storage.outbox import Announcement
from faq.call import CallPhase, CallState

OPENING = "call_opened"
REMINDER = "reminder"
_UNITS = (
    (timedelta(days=1), "day"),
    (timedelta(hours=1), "hour"),
    (timedelta(minutes=1), "minute"),
)


@dataclass(frozen=True)
class DueNotice:
    """A notice the call's dates make due at a moment: the opening, or one reminder."""

    key: str
    kind: str
    at: datetime
    # How long before the deadline, for a reminder.
    offset: timedelta | None = None


def opening_notice_key(opens: datetime) -> str:
    """The outbox key of the notice that the call opened at `opens`."""
    return f"call_opened:{opens.isoformat()}"


def due_notices(call: CallState, offsets: tuple[timedelta, ...]) -> list[DueNotice]:
    """Every notice the call's current dates give, earliest first."""
    notices = []
    if call.opens is not None:
        notices.append(DueNotice(opening_notice_key(call.opens), OPENING, call.opens))
    if call.deadline is not None:
        notices.extend(
            DueNotice(reminder.key, REMINDER, reminder.at, reminder.offset)
            for reminder in reminders_for(call.deadline, offsets)
        )
    return sorted(notices, key=lambda notice: notice.at)


class Step(Enum):
    """What to do now with a notice neither sent nor skipped before."""

    ARM = "arm a job for its time"
    SEND_NOW = "queue it now"
    SKIP = "record it as skipped"


def next_step(
    notice: DueNotice, call: CallState, now: datetime, grace: timedelta, *, at_startup: bool
) -> tuple[Step, SkipReason | None]:
    """The step for a notice at start-up or after a change of dates, and why one is skipped.

    At start-up a notice missed while the bot was down is sent within the grace period and
    skipped beyond it; after a change of dates a passed reminder is skipped (the date
    announcement said it all) and a passed opening is announced, unless the call has closed.
    """
    when = lateness(notice.at, now, grace)
    if when is Lateness.AHEAD:
        return Step.ARM, None
    if notice.kind == OPENING and call.phase(now) is CallPhase.CLOSED:
        return Step.SKIP, "closed"
    if notice.kind == OPENING and not at_startup:
        return Step.SEND_NOW, None
    if when is Lateness.LATE and at_startup:
        return Step.SEND_NOW, None
    return Step.SKIP, "missed" if at_startup else "passed"


class Fate(Enum):
    """What becomes (or became) of one automatic message."""

    PLANNED = "planned"
    SEND_NOW = "sent now"
    DUE = "due, not sent yet"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PlannedMessage:
    """One automatic message and its fate; the announcement that carried it, once queued."""

    notice: DueNotice
    fate: Fate
    reason: SkipReason | None = None
    announcement: Announcement | None = None


@dataclass(frozen=True)
class Outcomes:
    """What became of notices so far: announcements queued by key, and the skips' reasons."""

    queued: Mapping[str, Announcement]
    skipped: Mapping[str, SkipReason | None]


def _settled(notice: DueNotice, outcomes: Outcomes) -> PlannedMessage | None:
    if notice.key in outcomes.queued:
        return PlannedMessage(notice, Fate.SENT, announcement=outcomes.queued[notice.key])
    if notice.key in outcomes.skipped:
        return PlannedMessage(notice, Fate.SKIPPED, outcomes.skipped[notice.key])
    return None


def current_plan(
    call: CallState, offsets: tuple[timedelta, ...], now: datetime, outcomes: Outcomes
) -> list[PlannedMessage]:
    """The automatic messages of the call's dates as they stand, earliest first."""
    plan = []
    for notice in due_notices(call, offsets):
        settled = _settled(notice, outcomes)
        if settled is not None:
            plan.append(settled)
        else:
            plan.append(PlannedMessage(notice, Fate.PLANNED if notice.at > now else Fate.DUE))
    return plan


def changed_call(call: CallState, change: DateChange) -> CallState:
    """The call as it will be once the change is confirmed."""
    if change.field is DateField.OPENS:
        return replace(call, opens=change.new)
    return replace(call, deadline=change.new)


def plan_of_change(
    call: CallState,
    change: DateChange,
    offsets: tuple[timedelta, ...],
    now: datetime,
    grace: timedelta,
    outcomes: Outcomes,
) -> list[PlannedMessage]:
    """What confirming the change does to the automatic messages, earliest first: the new ones
    planned, sent now or skipped, and the ones still planned that it cancels."""
    new_call = changed_call(call, change)
    before = {notice.key: notice for notice in due_notices(call, offsets)}
    after = due_notices(new_call, offsets)
    plan = []
    for notice in after:
        if notice.key in before:
            continue  # not touched by this change
        settled = _settled(notice, outcomes)
        if settled is not None:
            plan.append(settled)
        elif notice.kind == OPENING and change.already_open:
            plan.append(PlannedMessage(notice, Fate.SKIPPED, "already_open"))
        else:
            step, reason = next_step(notice, new_call, now, grace, at_startup=False)
            fate = {Step.ARM: Fate.PLANNED, Step.SEND_NOW: Fate.SEND_NOW}.get(step, Fate.SKIPPED)
            plan.append(PlannedMessage(notice, fate, reason))
    kept = {notice.key for notice in after}
    plan.extend(
        PlannedMessage(notice, Fate.CANCELLED)
        for key, notice in before.items()
        if key not in kept and _settled(notice, outcomes) is None and notice.at > now
    )
    return sorted(plan, key=lambda message: message.notice.at)


def offset_words(offset: timedelta) -> tuple[int, str]:
    """An offset as a count and a unit: (14, "day"), (3, "hour"), (90, "minute")."""
    for unit, name in _UNITS:
        if offset % unit == timedelta(0):
            return offset // unit, name
    return int(offset.total_seconds()) // 60, "minute"


def notice_name(notice: DueNotice) -> str:
    """ "Opening notice", "14-day reminder", "3-hour reminder"."""
    if notice.offset is None:
        return "Opening notice"
    count, unit = offset_words(notice.offset)
    return f"{count}-{unit} reminder"
