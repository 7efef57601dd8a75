"""The call's state: its name and dates, the phase they put it in, and whose values win."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from faq.model import CallSettings


class CallPhase(Enum):
    """Where the call stands; each value is the wording answers show for {call_status}."""

    TO_BE_ANNOUNCED = "not announced yet"
    OPENS_SOON = "not open yet"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CallState:
    """The call as the bot sees it now: name, and dates when known."""

    name: str
    opens: date | None
    deadline: date | None

    def phase(self, today: date) -> CallPhase:
        """The phase on `today`: a passed deadline closes the call whatever the opening says."""
        if self.deadline is not None and today > self.deadline:
            return CallPhase.CLOSED
        if self.opens is None:
            return CallPhase.TO_BE_ANNOUNCED
        if today < self.opens:
            return CallPhase.OPENS_SOON
        return CallPhase.OPEN


@dataclass(frozen=True)
class CallOverrides:
    """Values staff set in the bot; None where they set nothing."""

    name: str | None = None
    opens: date | None = None
    deadline: date | None = None


def current_call(from_file: CallSettings, overrides: CallOverrides) -> CallState:
    """The call in force: what staff set in the bot wins over the FAQ's call.yaml."""
    return CallState(
        name=overrides.name or from_file.name,
        opens=overrides.opens or from_file.opens,
        deadline=overrides.deadline or from_file.deadline,
    )
