"""The words of every announcement, the /status line, and the time left, as Telegram HTML."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.announcements.dates import DateChange, DateField
from faq.call import CallPhase, CallState
from faq.placeholders import deadline_note, format_call_moment

STOP_LINE = "Stop these messages with /unsubscribe."
SUBSCRIBE_OFFER = "Send /subscribe and I will tell you when the dates are set."
SUBSCRIBE_OFFER_OPENING = "Send /subscribe and I will tell you when the call opens."
CHECK_PAGE = "Check the official call page before you submit."
# A deadline announced once it has passed (staff confirmed a past date): nothing to submit now.
CLOSED_SET = "This deadline has passed: the call has closed."
CLOSED_CHANGED = "The new deadline has passed: the call has closed."


def with_stop_line(html: str) -> str:
    """An announcement's HTML ending with how to stop them."""
    return f"{html.rstrip()}\n\n<i>{STOP_LINE}</i>"


def plural(count: int, word: str) -> str:
    """ "1 day", "3 days"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def days_and_hours(left: timedelta) -> str:
    """A duration as "12 days, 5 hours", under a day "2 hours, 5 minutes" or "3 minutes"
    (rounded down; never negative; "less than a minute" at the end)."""
    minutes_total = max(int(left.total_seconds()) // 60, 0)
    hours_total, minutes = divmod(minutes_total, 60)
    days, hours = divmod(hours_total, 24)
    if days:
        return f"{plural(days, 'day')}, {plural(hours, 'hour')}"
    if hours:
        return (
            f"{plural(hours, 'hour')}, {plural(minutes, 'minute')}"
            if minutes
            else plural(hours, "hour")
        )
    return plural(minutes, "minute") if minutes else "less than a minute"


def days_until(moment: datetime, now: datetime, call: CallState) -> int:
    """Calendar days from `now` to `moment` in the call's zone."""
    return (moment.astimezone(call.zone).date() - now.astimezone(call.zone).date()).days


def time_until(moment: datetime, now: datetime, call: CallState) -> str:
    """ "3 days" (calendar days in the call's zone) or, under a day away, "2 hours, 5 minutes"."""
    if moment - now < timedelta(days=1):
        return days_and_hours(moment - now)
    return plural(days_until(moment, now, call), "day")


def _when(moment: datetime | None, call: CallState) -> str:
    return format_call_moment(moment, call.zone)


def _name(call: CallState) -> str:
    return f"<b>{escape(call.name)}</b>"


def _link(call: CallState) -> str:
    if not call.url:
        return ""
    return f'\n<a href="{escape(call.url, quote=True)}">The official call page</a>'


def deadline_words(call: CallState, deadline: datetime | None = None) -> str:
    """A deadline (the call's, unless given) as HTML wherever it is shown: its moment, then
    call.yaml's note when the note is true of that day."""
    moment = deadline if deadline is not None else call.deadline
    return escape(_when(moment, call) + deadline_note(call, moment), quote=False)


def status_text(call: CallState, now: datetime) -> str:
    """Where the call stands, in one or two lines: every date known, even before the opening
    is."""
    phase = call.phase(now)
    if phase is CallPhase.CLOSED and call.deadline is not None:
        line = f"The call closed on {deadline_words(call)}."
    elif phase is CallPhase.OPENS_SOON and call.opens is not None:
        line = (
            f"The call opens on {_when(call.opens, call)} (in {time_until(call.opens, now, call)})."
        )
        if call.deadline is not None:
            line += f" Deadline: {deadline_words(call)}."
    elif phase is CallPhase.OPEN and call.deadline is not None:
        left = days_and_hours(call.deadline - now)
        line = f"The call is open: deadline {deadline_words(call)}; {left} left.\n{CHECK_PAGE}"
    elif phase is CallPhase.OPEN:
        line = "The call is open; the deadline is to be announced."
    elif call.deadline is not None:
        line = f"The opening date is to be announced. Deadline: {deadline_words(call)}."
    else:
        line = "The call's dates are to be announced."
    return f"{_name(call)}\n{line}{_link(call)}"


def call_opened_html(call: CallState) -> str:
    """The notice that the call is open."""
    deadline = (
        f"The deadline is {deadline_words(call)}. {CHECK_PAGE}"
        if call.deadline is not None
        else "The deadline is to be announced; I will tell you."
    )
    return with_stop_line(f"📣 {_name(call)} is now open.\n{deadline}{_link(call)}")


def deadline_set_html(call: CallState, deadline: datetime, *, passed: bool = False) -> str:
    """The announcement of a first deadline (`passed`: it is already past, the call closed)."""
    after = CLOSED_SET if passed else CHECK_PAGE
    return with_stop_line(
        f"🗓 The deadline of {_name(call)} is set: {deadline_words(call, deadline)}.\n"
        f"{after}{_link(call)}"
    )


def deadline_changed_html(
    call: CallState, old: datetime, new: datetime, *, passed: bool = False
) -> str:
    """The announcement of a moved deadline, old and new (`passed`: the new one is past)."""
    after = CLOSED_CHANGED if passed else CHECK_PAGE
    return with_stop_line(
        f"🗓 The deadline of {_name(call)} has changed: it is now "
        f"{deadline_words(call, new)}; it was {deadline_words(call, old)}. {after}{_link(call)}"
    )


def reminder_html(call: CallState, deadline: datetime, now: datetime) -> str:
    """A reminder before the deadline, with the time left."""
    return with_stop_line(
        f"⏰ Reminder: the deadline of {_name(call)} is {deadline_words(call, deadline)}; "
        f"{days_and_hours(deadline - now)} left. {CHECK_PAGE}{_link(call)}"
    )


SUBSCRIBE_LABEL_DATES = "🔔 Tell me when dates are set"
SUBSCRIBE_LABEL_OPENING = "🔔 Tell me when the call opens"
SUBSCRIBE_LABEL_REMINDER = "🔔 Remind me before the deadline"
SUBSCRIBE_LABEL_NEWS = "🔔 Tell me about news"
KEPT_DATA = "I keep only your chat id and the time you subscribed. Stop any time with /unsubscribe."
TEAM_NEWS = "pass on news from the team"


def subscribe_label(call: CallState, now: datetime) -> str:
    """The subscribe button's words for what subscribing brings in the call's phase."""
    phase = call.phase(now)
    if phase is CallPhase.CLOSED:
        return SUBSCRIBE_LABEL_NEWS
    if call.opens is None and call.deadline is not None:
        return SUBSCRIBE_LABEL_OPENING  # the deadline is known; the opening is what is awaited
    if call.opens is None or call.deadline is None:
        return SUBSCRIBE_LABEL_DATES
    if phase is CallPhase.OPENS_SOON:
        return SUBSCRIBE_LABEL_OPENING
    return SUBSCRIBE_LABEL_REMINDER


def _said(clauses: list[str]) -> str:
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def subscribed_html(call: CallState, now: datetime, offsets: tuple[timedelta, ...]) -> str:
    """The confirmation of a subscription: what will be sent in this phase (the opening notice,
    a deadline set or moved, the reminders still ahead, the team's news), and what is kept."""
    head = "🔔 <b>You are subscribed.</b> "
    if call.phase(now) is CallPhase.CLOSED:
        return (
            f"{head}The call has closed, so there are no deadline reminders to send; I will "
            f"tell you if the deadline moves and {TEAM_NEWS}.\n{KEPT_DATA}"
        )
    told: list[str] = []
    if call.opens is None:
        told.append("when the call opens")
    elif now < call.opens:
        told.append(f"when the call opens on {_when(call.opens, call)}")
    deadline = call.deadline
    told.append("when the deadline is set" if deadline is None else "if the deadline moves")
    clauses = [f"tell you {' and '.join(told)}"]
    if deadline is None or any(deadline - offset > now for offset in offsets):
        clauses.append("remind you before the deadline")
    clauses.append(TEAM_NEWS)
    known = "" if deadline is None else f"The deadline is {deadline_words(call)}. "
    return f"{head}{known}I will {_said(clauses)}.\n{KEPT_DATA}"


ALREADY_OPEN_TEXT = "The call is already open; subscribers are not told again."
PAST_WARNING = "⚠️ <b>This date is in the past.</b> Confirm only if that is what you mean."


def date_change_preview(
    call: CallState, change: DateChange, announcement: str | None, subscribers: int
) -> str:
    """What staff see before confirming a date: the change, a past warning, what is sent."""
    what = "opening" if change.field is DateField.OPENS else "deadline"
    lines = [f"Set the {what} to <b>{_when(change.new, call)}</b>?"]
    if change.old is not None:
        lines[0] += f" (currently {_when(change.old, call)})"
    if change.in_past:
        lines.append(PAST_WARNING)
    if change.already_open:
        lines.append(ALREADY_OPEN_TEXT)
    elif announcement is None:
        lines.append("Nothing is sent to subscribers.")
    else:
        timing = (
            "when the call opens"
            if change.field is DateField.OPENS and not change.in_past
            else "now"
        )
        lines.append(f"{plural(subscribers, 'subscriber')} will receive this {timing}:")
        lines.append(f"<blockquote>{announcement}</blockquote>")
    return "\n\n".join(lines)


def broadcast_preview(html: str, subscribers: int, when: str | None = None) -> str:
    """What staff see before sending (or scheduling) a message to every subscriber."""
    timing = f"on {when}" if when else "now"
    return (
        f"{plural(subscribers, 'subscriber')} will receive this {timing}:\n\n"
        f"<blockquote>{with_stop_line(html)}</blockquote>"
    )
