"""The log of questions the FAQ could not answer outright (no user id is kept)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_QUESTION_CHARS = 1000
KEPT_CANDIDATES = 3


class LoggedQuestion(Record):
    """A question, what the matcher decided, and its best candidates with their scores."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    decision: Literal["answer", "suggest", "fallback"]
    candidates: tuple[tuple[str, float], ...] = Field(default=(), max_length=KEPT_CANDIDATES)
    asked_at: AwareDatetime
