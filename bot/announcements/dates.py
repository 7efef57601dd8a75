"""What staff type as a call date, read in the programme's zone, and the checks on a change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from enum import Enum

import dateparser

from bot.quoting import quoted, shortened
from faq.call import DEADLINE_AT, OPENS_AT, CallState

MAX_DATE_CHARS = 60
EXAMPLES = "2024-05-31, 31/05/2024 17:00, 31.05.2024 or 31 May 2024 17:00"
# Day before month (European usage); only absolute dates with day, month and year, so
# "tomorrow" or "31 May" are refused rather than guessed; no network, English only.
_SETTINGS = {
    "DATE_ORDER": "DMY",
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
# dateparser fills a missing time with 00:00 and does not say so; this tells "31 May 2024"
# (the whole day) from "31 May 2024 00:00". Times look like 17:00, 17.00, 17h00 or 5pm; the
# lookaheads keep the dots of a date such as 31.05.2024 from counting as a time.
# A numeric date with the year last (31/12/2026, 31.12.2026, 31-12-2026): day, then month.
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
_HAS_TIME = re.compile(r"\d[:.h]\d\d(?!\.\d)(?!\d)|\d\s*[ap]\.?m\b", re.IGNORECASE)
# What reads as an attempt at a time of day ("25:00", "23:60", "9:5", "25h00"), valid or not.
_TIME_LIKE = re.compile(r"(?<![\d:./-])(\d{1,2})[:h](\d{1,2})(?![\d:./])", re.IGNORECASE)


class DateInputError(ValueError):
    """A date staff typed that cannot be used, with one sentence saying why."""


class DateField(Enum):
    """Which call date a command sets, with the time a bare date stands for."""

    OPENS = "opening"
    DEADLINE = "deadline"

    @property
    def whole_day_at(self) -> time:
        """The time a date without one means: the start of the day to open, its end to close."""
        return OPENS_AT if self is DateField.OPENS else DEADLINE_AT


def has_time_of_day(text: str) -> bool:
    """True when the typed text gives a time of day, not only a date."""
    return _HAS_TIME.search(text) is not None


def check_time_of_day(text: str) -> None:
    """DateInputError when the text gives a time that no clock shows (25:00, 23:60, 9:5)."""
    for match in _TIME_LIKE.finditer(text):
        hours, minutes = match.group(1), match.group(2)
        if int(hours) > 23 or int(minutes) > 59 or len(minutes) != 2:
            raise DateInputError(
                f"{match.group(0)} is not a time of day: use HH:MM from 00:00 to 23:59."
            )


def check_day_first(text: str) -> None:
    """DateInputError when a numeric date's month part is over 12 (a US-style month/day)."""
    match = _NUMERIC_DATE.match(text.strip())
    if match is not None and int(match.group(3)) > 12:
        raise DateInputError(
            f"Dates are read day first (31/12/2026 is 31 December); {shortened(match.group(0))} "
            "is not a valid day/month."
        )


def parse_moment(text: str, zone: tzinfo, field: DateField) -> datetime:
    """The aware moment `text` names in `zone`; DateInputError in one sentence otherwise."""
    cleaned = " ".join(text.split())
    check_day_first(cleaned)
    check_time_of_day(cleaned)
    # No date is written in 60 characters or more: not worth the parser's time on a long text.
    readable = cleaned and len(cleaned) < MAX_DATE_CHARS
    parsed = dateparser.parse(cleaned, languages=["en"], settings=_SETTINGS) if readable else None
    if parsed is None:
        shown = f"{quoted(cleaned)} is not a date I can read" if cleaned else "Give a date"
        raise DateInputError(f"{shown}; write it day first, e.g. {EXAMPLES}.")
    if not has_time_of_day(cleaned):
        parsed = datetime.combine(parsed.date(), field.whole_day_at)
    return parsed.replace(microsecond=0, tzinfo=zone)


@dataclass(frozen=True)
class DateChange:
    """A checked change of one call date: the old and new moment, and whether it is past."""

    field: DateField
    old: datetime | None
    new: datetime
    in_past: bool
    # An opening moved while the call is open, to another passed moment: nothing to announce.
    already_open: bool = False


def check_change(call: CallState, field: DateField, new: datetime, now: datetime) -> DateChange:
    """The change, or DateInputError when it would put the deadline before the opening."""
    if field is DateField.DEADLINE and call.opens is not None and new < call.opens:
        raise DateInputError(
            "The deadline would be before the opening; set a later deadline or move the "
            "opening first with /setopening."
        )
    if field is DateField.OPENS and call.deadline is not None and new > call.deadline:
        raise DateInputError(
            "The opening would be after the deadline; set an earlier opening or move the "
            "deadline first with /setdeadline."
        )
    old = call.opens if field is DateField.OPENS else call.deadline
    already_open = field is DateField.OPENS and old is not None and old <= now and new <= now
    return DateChange(field=field, old=old, new=new, in_past=new < now, already_open=already_open)


def split_moment(text: str, zone: tzinfo) -> tuple[datetime, str]:
    """A date and time at the start of `text` and the words after it (for /schedule)."""
    words = text.split()
    check_day_first(text)
    # The longest run of leading words that reads as a date wins: "31 May 2024 17:00" is four.
    for count in range(min(len(words), 5), 0, -1):
        head = " ".join(words[:count])
        try:
            moment = parse_moment(head, zone, DateField.OPENS)
        except DateInputError:
            continue
        if not has_time_of_day(head):
            # The word after the date was meant as its time when it reads as one ("25:00").
            check_time_of_day(" ".join(words[count : count + 1]))
            raise DateInputError(
                f"Give a time after the date too, e.g. /schedule {shortened(head)} 10:00 "
                "followed by the message."
            )
        return moment, " ".join(words[count:])
    raise DateInputError(
        f"Start with the date and time, then the message, e.g. /schedule 31/05/2024 10:00 "
        f"Reminder: ...; dates may be written {EXAMPLES}."
    )
