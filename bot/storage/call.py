"""The call's name and dates as staff set them in the bot."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from bot.storage.records import Record
from faq.call import CallOverrides

CALL_RECORD_ID = 1


class CallRecord(Record):
    """Staff-set call values; a missing one falls back to the FAQ's call.yaml."""

    label: ClassVar[str] = "call setting"

    name: str | None = Field(default=None, min_length=1, max_length=200)
    opens: date | None = None
    deadline: date | None = None

    def overrides(self) -> CallOverrides:
        """The values as the FAQ's call rules take them."""
        return CallOverrides(name=self.name, opens=self.opens, deadline=self.deadline)

    @classmethod
    def of(cls, overrides: CallOverrides) -> CallRecord:
        """The record that stores these values."""
        return cls(name=overrides.name, opens=overrides.opens, deadline=overrides.deadline)
