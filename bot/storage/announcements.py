"""Announcements staff scheduled for later, and notices skipped because they were too late."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

ScheduledStatus = Literal["scheduled", "queued", "cancelled", "missed"]
# Why a call notice was skipped: its time had passed when the dates were set ("passed"), it was
# missed while the bot was down ("missed"), the call had closed ("closed"), or the call was open
# already when the opening moved ("already_open").
SkipReason = Literal["passed", "missed", "closed", "already_open"]


class ScheduledAnnouncement(Record):
    """A message staff wrote to go to every subscriber at a set time."""

    label: ClassVar[str] = "scheduled announcement"

    id: str = Field(min_length=1, max_length=32)
    html: str = Field(min_length=1)
    send_at: AwareDatetime
    created_by: int
    created_at: AwareDatetime
    status: ScheduledStatus = "scheduled"

    @property
    def key(self) -> str:
        """The outbox key, so a restart never queues it twice."""
        return f"scheduled:{self.id}"


class SkippedNotice(Record):
    """A reminder, opening notice or scheduled message not sent because its time was long past."""

    label: ClassVar[str] = "skipped notice"

    key: str = Field(min_length=1)
    due_at: AwareDatetime
    skipped_at: AwareDatetime
    # False while staff have not been told; set once they have, so they are told once.
    reported: bool = False
    # None for scheduled messages and for skips recorded before reasons were kept.
    reason: SkipReason | None = None
