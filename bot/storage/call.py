"""The call's name, dates and link as staff set them in the bot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from bot.storage.records import Record
from faq.call import CallOverrides

CALL_RECORD_ID = 1


def _date_or_moment(value: Any) -> Any:
    # Files written before times were kept hold "2025-04-01"; pydantic would read that as a
    # midnight datetime, losing that a bare deadline date means the end of that day.
    if isinstance(value, str):
        text = value.strip()
        return date.fromisoformat(text) if len(text) == len("YYYY-MM-DD") else text
    return value


CallDateField = Annotated[datetime | date | None, BeforeValidator(_date_or_moment)]


class CallRecord(Record):
    """Staff-set call values; a missing one falls back to the FAQ's call.yaml."""

    label: ClassVar[str] = "call setting"

    name: str | None = Field(default=None, min_length=1, max_length=200)
    opens: CallDateField = None
    deadline: CallDateField = None
    url: str | None = Field(default=None, min_length=1, max_length=2000)

    def overrides(self) -> CallOverrides:
        """The values as the FAQ's call rules take them."""
        return CallOverrides(name=self.name, opens=self.opens, deadline=self.deadline, url=self.url)

    @classmethod
    def of(cls, overrides: CallOverrides) -> CallRecord:
        """The record that stores these values."""
        return cls(
            name=overrides.name,
            opens=overrides.opens,
            deadline=overrides.deadline,
            url=overrides.url,
        )
