"""The call's state: its name, moments and link, the phase they put it in, and whose values win."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import Enum

from faq.model import CallSettings

# A date without a time: the call opens at the start of that day and closes at its end.
OPENS_AT = time(0, 0)
DEADLINE_AT = time(23, 59)
WHOLE_DAY_TIMES = frozenset({OPENS_AT, DEADLINE_AT})

CallDate = date | datetime
"""A call date as written: a date, a naive date and time (in the call's zone), or aware."""


class CallPhase(Enum):
    """Where the call stands; each value is the wording answers show for {call_status}."""

    TO_BE_ANNOUNCED = "not announced yet"
    OPENS_SOON = "not open yet"
    OPEN = "open"
    CLOSED = "closed"


def as_moment(value: CallDate | None, zone: tzinfo, *, at: time) -> datetime | None:
    """An aware moment: a bare date gets the time `at`, a naive time is read in `zone`."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, at, tzinfo=zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


@dataclass(frozen=True)
class CallState:
    """The call as the bot sees it now: name, aware moments when known, link, display zone."""

    name: str
    opens: datetime | None
    deadline: datetime | None
    url: str | None = None
    zone: tzinfo = UTC
    deadline_note: str = ""  # what answers add beside a set deadline (call.yaml)
    # The deadline days the note is true of, in `zone`; None: beside any deadline.
    deadline_note_days: frozenset[date] | None = None
    # The days of the call the FAQ's facts describe (call.yaml); None: every call is that call.
    facts_call_days: frozenset[date] | None = None

    def is_facts_call(self) -> bool:
        """True while each date set (opening, deadline) falls, in `zone`, on a day of the call the
        facts describe; with none set, the call is still that one (its dates to be announced)."""
        if self.facts_call_days is None:
            return True
        return all(
            moment.astimezone(self.zone).date() in self.facts_call_days
            for moment in (self.opens, self.deadline)
            if moment is not None
        )

    def phase(self, now: datetime) -> CallPhase:
        """The phase at `now`: a passed deadline closes the call whatever the opening says."""
        if self.deadline is not None and now > self.deadline:
            return CallPhase.CLOSED
        if self.opens is None:
            return CallPhase.TO_BE_ANNOUNCED
        if now < self.opens:
            return CallPhase.OPENS_SOON
        return CallPhase.OPEN


@dataclass(frozen=True)
class CallOverrides:
    """Values staff set in the bot; None where they set nothing."""

    name: str | None = None
    opens: CallDate | None = None
    deadline: CallDate | None = None
    url: str | None = None


def current_call(from_file: CallSettings, overrides: CallOverrides, zone: tzinfo) -> CallState:
    """The call in force in `zone`: what staff set in the bot wins over the FAQ's call.yaml."""
    note_days = from_file.deadline_note_days
    facts_days = from_file.facts_call_days
    return CallState(
        name=overrides.name or from_file.name,
        opens=as_moment(overrides.opens or from_file.opens, zone, at=OPENS_AT),
        deadline=as_moment(overrides.deadline or from_file.deadline, zone, at=DEADLINE_AT),
        url=overrides.url or from_file.url,
        zone=zone,
        deadline_note=from_file.deadline_note,
        deadline_note_days=None if note_days is None else frozenset(note_days),
        facts_call_days=None if facts_days is None else frozenset(facts_days),
    )
