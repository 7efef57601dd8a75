"""How questions ended, counted per UTC day: no question text and no user id is kept."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal, get_args

from pydantic import Field, NonNegativeInt

from bot.storage.records import Record

Outcome = Literal["answer", "suggest", "fallback", "not_english"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
MAX_ENTRY_ID_CHARS = 100


class QuestionDay(Record):
    """One UTC day: questions by outcome, and how often each FAQ entry was the answer."""

    label: ClassVar[str] = "question day"

    day: date
    outcomes: dict[Outcome, NonNegativeInt] = Field(default_factory=dict)
    answered: dict[str, NonNegativeInt] = Field(default_factory=dict)

    def counted(self, outcome: Outcome, entry_id: str | None) -> QuestionDay:
        """This day with one more question of `outcome` (and of the entry that answered it)."""
        outcomes = {**self.outcomes, outcome: self.outcomes.get(outcome, 0) + 1}
        answered = dict(self.answered)
        if outcome == "answer" and entry_id is not None:
            answered[entry_id] = answered.get(entry_id, 0) + 1
        return QuestionDay(day=self.day, outcomes=outcomes, answered=answered)

    def outcome(self, outcome: Outcome) -> int:
        """How many questions that day ended in `outcome`."""
        return self.outcomes.get(outcome, 0)
