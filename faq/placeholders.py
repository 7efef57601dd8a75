"""Live values in answers ({call_deadline}...) and the final HTML of an answer."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from html import escape
from string import Formatter
from zoneinfo import available_timezones

from faq.call import WHOLE_DAY_TIMES, CallPhase, CallState
from faq.model import Entry

PLACEHOLDERS = frozenset({"call_name", "call_opens", "call_deadline", "call_status"})
DATE_PLACEHOLDERS = {"call_opens": "opens", "call_deadline": "deadline"}
TO_BE_ANNOUNCED = "to be announced"
CALL_STATUSES = tuple(phase.value for phase in CallPhase)
LINKS_HEADING = "<b>Sources</b>"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _zone_label(key: str) -> str:
    if "/" not in key or key.startswith("Etc/"):
        return key.removeprefix("Etc/")
    return key.rsplit("/", 1)[-1].replace("_", " ") + " time"


def zone_name(zone: tzinfo) -> str:
    """A time zone in words: "Brussels time", "New York time", or "UTC"."""
    key = getattr(zone, "key", None)
    if not isinstance(key, str):
        key = zone.tzname(None) or "UTC"
    return _zone_label(key)


# The longest value each placeholder can take (call_name excepted): used to bound answer length,
# with the longest zone label TIMEZONE may give.
_LONGEST_ZONE = max((_zone_label(key) for key in available_timezones()), key=len, default="UTC")
LONGEST_DATE = f"30 September 2099, 23:45 ({_LONGEST_ZONE})"
LONGEST_STATUS = max(CALL_STATUSES, key=len)


def format_call_date(d: date | None) -> str:
    """A date as "8 April 2024", or "to be announced" when unset."""
    if d is None:
        return TO_BE_ANNOUNCED
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_call_moment(moment: datetime | None, zone: tzinfo) -> str:
    """A moment in `zone` as "31 May 2024", or "31 May 2024, 17:00 (Brussels time)" when it
    is not a whole day."""
    if moment is None:
        return TO_BE_ANNOUNCED
    local = moment.astimezone(zone)
    day = format_call_date(local.date())
    if local.time().replace(second=0, microsecond=0) in WHOLE_DAY_TIMES:
        return day
    return f"{day}, {local:%H:%M} ({zone_name(zone)})"


def call_status(call: CallState, now: datetime) -> str:
    """One of "not announced yet", "not open yet", "open", "closed"."""
    return call.phase(now).value


def placeholder_names(answer: str) -> list[str]:
    """The placeholder names an answer uses, in order; ValueError on malformed braces."""
    return [name for _, name, _, _ in Formatter().parse(answer) if name is not None]


def placeholder_values(call: CallState, now: datetime) -> dict[str, str]:
    """Each placeholder's plain-text value for this call state, dates in the call's zone."""
    return {
        "call_name": call.name,
        "call_opens": format_call_moment(call.opens, call.zone),
        "call_deadline": format_call_moment(call.deadline, call.zone),
        "call_status": call_status(call, now),
    }


def fill_placeholders(answer: str, values: dict[str, str]) -> str:
    """Substitute html-escaped values into an answer and turn `{{`/`}}` into braces."""
    parts: list[str] = []
    for literal, name, _, _ in Formatter().parse(answer):
        parts.append(literal)
        if name is not None:
            parts.append(escape(values[name], quote=False))
    return "".join(parts)


def links_block(entry: Entry) -> str:
    """The sources list shown under an answer ("" when the entry has no links)."""
    if not entry.links:
        return ""
    lines = [
        f'• <a href="{escape(link.url, quote=True)}">{escape(link.title, quote=False)}</a>'
        for link in entry.links
    ]
    return "\n".join([LINKS_HEADING, *lines])


def render_with_values(entry: Entry, values: dict[str, str]) -> str:
    """An entry's answer HTML with these placeholder values and its links block."""
    body = fill_placeholders(entry.answer, values).strip()
    block = links_block(entry)
    return f"{body}\n\n{block}" if block else body


def render_answer(entry: Entry, call: CallState, now: datetime) -> str:
    """The HTML message for an entry: answer with live values, then its source links."""
    return render_with_values(entry, placeholder_values(call, now))


def needs_subscribe_offer(entry: Entry, call: CallState) -> bool:
    """True when the answer shows a call date that is still to be announced."""
    used = set(placeholder_names(entry.answer))
    return any(
        name in used and getattr(call, attribute) is None
        for name, attribute in DATE_PLACEHOLDERS.items()
    )
