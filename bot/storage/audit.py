"""The staff audit log: who did what, and when, to the bot's shared state."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_ACTION_CHARS = 64
MAX_DETAIL_CHARS = 500
MAX_NAME_CHARS = 200
# A kind such as "call.deadline_set": lower-case words joined by dots or underscores.
ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
ACTION = re.compile(ACTION_PATTERN)


class AuditEntry(Record):
    """One staff action: the actor's numeric id (0 for the command line), when, what, a detail."""

    label: ClassVar[str] = "audit entry"

    actor_id: int
    actor_name: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    at: AwareDatetime
    action: str = Field(min_length=1, max_length=MAX_ACTION_CHARS, pattern=ACTION_PATTERN)
    detail: str = Field(default="", max_length=MAX_DETAIL_CHARS)


def is_action_kind(value: object) -> bool:
    """Whether `value` is a short action kind such as "broadcast.sent"."""
    if not isinstance(value, str) or len(value) > MAX_ACTION_CHARS:
        return False
    return ACTION.fullmatch(value) is not None


def one_line(text: str, limit: int) -> str:
    """The text on one line (runs of whitespace made one space), cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
