"""Question clusters admins dealt with in /unanswered: ignored for good, or added to the FAQ."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_KEY_CHARS = 1000


class HandledCluster(Record):
    """A cluster key, what the admin did with it, and when (the entry it went to, if added)."""

    label: ClassVar[str] = "handled question cluster"

    key: str = Field(min_length=1, max_length=MAX_KEY_CHARS)
    action: Literal["ignored", "added"]
    entry_id: str | None = None
    at: AwareDatetime
