"""Render every entry in every phase of the call, with a sample call state per phase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from faq.call import CallPhase, CallState
from faq.message_parts import MAX_MESSAGE_CHARS
from faq.model import Entry, KnowledgeBase
from faq.placeholders import phase_key, render_answer
from faq.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_length

# The moment every sample is seen from; the samples' dates are set around it.
SAMPLE_NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
# A zone with a long name and times that are not whole days, so dates render at their longest.
SAMPLE_ZONE = ZoneInfo("Europe/Brussels")


def sample_calls(name: str) -> dict[CallPhase, CallState]:
    """One call state per phase, as seen at SAMPLE_NOW."""
    at = SAMPLE_NOW

    def call(opens: timedelta | None, deadline: timedelta | None) -> CallState:
        return CallState(
            name=name,
            opens=at + opens if opens is not None else None,
            deadline=at + deadline if deadline is not None else None,
            url="https://example.org/call",
            zone=SAMPLE_ZONE,
        )

    return {
        CallPhase.TO_BE_ANNOUNCED: call(None, None),
        CallPhase.OPENS_SOON: call(timedelta(days=7, hours=5), timedelta(days=40, hours=7)),
        CallPhase.OPEN: call(-timedelta(days=23), timedelta(days=30, hours=7)),
        CallPhase.CLOSED: call(-timedelta(days=60), -timedelta(days=7, hours=-7)),
    }


@dataclass(frozen=True)
class RenderProblem:
    """An entry that cannot be sent in one phase."""

    entry: Entry
    phase: CallPhase
    message: str

    def __str__(self) -> str:
        where = self.entry.location
        return (
            f'{where.file}:{where.line}: entry "{self.entry.id}" in phase '
            f'"{phase_key(self.phase)}": {self.message}'
        )


def _problem_of(entry: Entry, call: CallState) -> str | None:
    try:
        html = render_answer(entry, call, SAMPLE_NOW)
        plain, _ = parse_telegram_html(html)
    except TelegramHtmlError as error:
        return f"Telegram would refuse it: {error.description}; fix the HTML"
    except (KeyError, ValueError, IndexError) as error:
        return f"the answer cannot be filled in ({error!r}); check its placeholders"
    if utf16_length(plain) > MAX_MESSAGE_CHARS:
        return f"it is {utf16_length(plain)} characters; Telegram allows {MAX_MESSAGE_CHARS}"
    if not plain.strip():
        return "it renders empty; write an answer"
    return None


def render_every_phase(kb: KnowledgeBase) -> list[RenderProblem]:
    """Every entry rendered in every phase; the problems found (none on a sound FAQ)."""
    problems: list[RenderProblem] = []
    for phase, call in sample_calls(kb.call.name).items():
        if call.phase(SAMPLE_NOW) is not phase:
            raise AssertionError(f"the sample call for {phase} is in {call.phase(SAMPLE_NOW)}")
        for entry in kb.entries:
            message = _problem_of(entry, call)
            if message is not None:
                problems.append(RenderProblem(entry, phase, message))
    return problems
