"""When reminders fall before a deadline, their once-only keys, and what to do with late ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


def offset_label(offset: timedelta) -> str:
    """An offset as the setting writes it: "14d", "3h", "90m"."""
    minutes = int(offset.total_seconds()) // 60
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class Reminder:
    """One reminder of one deadline: when it is due and the outbox key that sends it once."""

    deadline: datetime
    offset: timedelta

    @property
    def at(self) -> datetime:
        """When it is due."""
        return self.deadline - self.offset

    @property
    def key(self) -> str:
        """The outbox key: one per deadline and offset, so a restart never sends it twice."""
        return f"reminder:{self.deadline.isoformat()}:{offset_label(self.offset)}"


def reminders_for(deadline: datetime, offsets: tuple[timedelta, ...]) -> list[Reminder]:
    """The deadline's reminders, earliest first."""
    return sorted((Reminder(deadline, offset) for offset in offsets), key=lambda r: r.at)


class Lateness(Enum):
    """What to do with something due at a given moment, seen at another."""

    AHEAD = "arm a job for it"
    LATE = "send it now: missed while the bot was down, still within the grace period"
    MISSED = "skip it and tell staff: too late to be useful"


def lateness(due: datetime, now: datetime, grace: timedelta) -> Lateness:
    """AHEAD when still to come, LATE within `grace` after it, MISSED beyond."""
    if due > now:
        return Lateness.AHEAD
    return Lateness.LATE if now - due <= grace else Lateness.MISSED
