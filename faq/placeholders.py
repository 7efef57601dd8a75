"""Live values in answers ({call_deadline}...) and the final HTML of an answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from html import escape
from string import Formatter
from zoneinfo import available_timezones

from faq.call import WHOLE_DAY_TIMES, CallPhase, CallState
from faq.model import OTHER_CALL, DatedVariant, Entry, Link

PLACEHOLDERS = frozenset(
    {"call_name", "call_opens", "call_deadline", "call_status", "deadline_note"}
)
DATE_PLACEHOLDERS = {"call_opens": "opens", "call_deadline": "deadline"}
TO_BE_ANNOUNCED = "to be announced"
CALL_STATUSES = tuple(phase.value for phase in CallPhase)
LINKS_HEADING = "<b>Sources</b>"
SUBSCRIBE_COMMAND = "/subscribe"
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
# The longest {deadline_note} call.yaml may give (faq.loader.MAX_DEADLINE_NOTE_CHARS), with its
# brackets.
LONGEST_DEADLINE_NOTE = " (" + "x" * 160 + ")"


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
    """One of "not announced yet", "not open yet", "open", "closed": a call whose deadline is
    set before its opening date is "not open yet", as it is announced."""
    phase = call.phase(now)
    if phase is CallPhase.TO_BE_ANNOUNCED and call.deadline is not None:
        return CallPhase.OPENS_SOON.value
    return phase.value


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
        "deadline_note": deadline_note(call),
    }


def deadline_note(call: CallState, deadline: datetime | None = None) -> str:
    """The note shown right after a deadline (the call's, unless given) as " (note)"; "" while
    none is set, or when it falls on none of call.yaml's `deadline_note_days`."""
    shown = deadline if deadline is not None else call.deadline
    if shown is None or not call.deadline_note:
        return ""
    days = call.deadline_note_days
    if days is not None and shown.astimezone(call.zone).date() not in days:
        return ""
    return f" ({call.deadline_note})"


def fill_placeholders(answer: str, values: dict[str, str]) -> str:
    """Substitute html-escaped values into an answer and turn `{{`/`}}` into braces."""
    parts: list[str] = []
    for literal, name, _, _ in Formatter().parse(answer):
        parts.append(literal)
        if name is not None:
            parts.append(escape(values[name], quote=False))
    return "".join(parts)


def phase_key(phase: CallPhase) -> str:
    """The name a phase has in the FAQ's `by_phase:` ("to_be_announced", "closed"...)."""
    return phase.name.lower()


def _link_line(link: Link) -> str:
    title = escape(link.title, quote=False)
    if not link.url:
        return f"• {title}"
    return f'• <a href="{escape(link.url, quote=True)}">{title}</a>'


def links_block(entry: Entry, phase: str | None = None, variant: DatedVariant | None = None) -> str:
    """The sources list shown under an answer in this phase (or date variant; "" when it has no
    links), each once."""
    shown = entry.links_for(phase)
    if variant is not None and variant.links is not None:
        shown = variant.links
    lines = list(dict.fromkeys(_link_line(link) for link in shown))
    if not lines:
        return ""
    return "\n".join([LINKS_HEADING, *lines])


def render_with_values(
    entry: Entry,
    values: dict[str, str],
    *,
    phase: str | None = None,
    variant: DatedVariant | None = None,
) -> str:
    """An entry's answer HTML (the date variant's, else the phase's own when it has one) with
    these placeholder values and its links block."""
    if variant is not None:
        text = variant.answer
    else:
        text = entry.answer if phase is None else entry.answer_for(phase)
    body = fill_placeholders(text, values).strip()
    block = links_block(entry, phase, variant)
    return f"{body}\n\n{block}" if block else body


def _dates_unset(text: str, call: CallState) -> bool:
    used = set(placeholder_names(text))
    return any(
        name in used and getattr(call, attribute) is None
        for name, attribute in DATE_PLACEHOLDERS.items()
    )


def answer_key(entry: Entry, call: CallState, now: datetime) -> str:
    """The `by_phase:` key whose answers apply at `now`: "other_call" while the call's dates are
    not those the facts describe and the entry has answers for that, else the call's phase."""
    if not call.is_facts_call() and any(
        key == OTHER_CALL for key in (*dict(entry.by_phase), *(v.phase for v in entry.dated))
    ):
        return OTHER_CALL
    return phase_key(call.phase(now))


def answer_phase(entry: Entry, call: CallState, now: datetime) -> str | None:
    """The phase whose own answer applies at `now`, or None for the default answer: a phase's
    answer that shows a call date is used only once that date is set ("other_call" always)."""
    phase = answer_key(entry, call, now)
    if not entry.has_variant(phase):
        return None
    if phase == OTHER_CALL:
        return phase
    return None if _dates_unset(entry.answer_for(phase), call) else phase


def answer_choice(
    entry: Entry, call: CallState, now: datetime
) -> tuple[str | None, DatedVariant | None]:
    """The phase (None: the default) and date variant (None: undated) shown at `now`: a date
    variant of the call's phase once its day is reached in the call's zone, else the phase's
    own answer, else a date variant of the default, else the default. While the call's dates
    are not those of the facts' call, "other_call" stands for the phase."""
    day = now.astimezone(call.zone).date()
    phase = answer_key(entry, call, now)
    gated = entry.dated_at(phase, day)
    if gated is not None and (phase == OTHER_CALL or not _dates_unset(gated.answer, call)):
        return phase, gated
    chosen = answer_phase(entry, call, now)
    if chosen is not None:
        return chosen, None
    return None, entry.dated_at(None, day)


def shown_text(entry: Entry, call: CallState, now: datetime) -> str:
    """The answer text (before placeholders are filled) shown at `now`."""
    phase, variant = answer_choice(entry, call, now)
    if variant is not None:
        return variant.answer
    return entry.answer if phase is None else entry.answer_for(phase)


def render_answer(entry: Entry, call: CallState, now: datetime) -> str:
    """The HTML message for an entry: the answer for the call's phase and the day at `now` with
    live values, then its source links."""
    phase, variant = answer_choice(entry, call, now)
    return render_with_values(entry, placeholder_values(call, now), phase=phase, variant=variant)


def needs_subscribe_offer(entry: Entry, call: CallState, now: datetime | None = None) -> bool:
    """True when the answer shown shows a call date still to be announced, or, in an entry that
    varies by phase, offers /subscribe (it holds back facts the call has not reached yet).

    `now` defaults to the current time, as the bot's clock does."""
    at = now if now is not None else datetime.now(UTC)
    text = shown_text(entry, call, at)
    if (entry.by_phase or entry.dated) and SUBSCRIBE_COMMAND in text:
        return True
    return _dates_unset(text, call)
