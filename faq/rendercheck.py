"""Render every entry in every phase of the call and on every day a date variant starts, with a
sample call state per phase."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faq.call import CallPhase, CallState
from faq.message_parts import MAX_MESSAGE_CHARS
from faq.model import OTHER_CALL, Entry, KnowledgeBase
from faq.placeholders import answer_choice, phase_key, render_answer
from faq.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_length

# The moment every sample is seen from; the samples' dates are set around it.
SAMPLE_NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
# A zone with a long name and times that are not whole days, so dates render at their longest.
SAMPLE_ZONE = ZoneInfo("Europe/Brussels")


def sample_calls(name: str, at: datetime = SAMPLE_NOW) -> dict[CallPhase, CallState]:
    """One call state per phase, as seen at `at` (SAMPLE_NOW unless given)."""

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
    day: date | None = None  # the day of the date variant shown, if one was
    other_call: bool = False  # the call's dates were not those of the facts' call

    def __str__(self) -> str:
        where = self.entry.location
        shown = f" from {self.day.isoformat()}" if self.day is not None else ""
        other = " with other dates than the facts' call" if self.other_call else ""
        return (
            f'{where.file}:{where.line}: entry "{self.entry.id}" in phase '
            f'"{phase_key(self.phase)}"{other}{shown}: {self.message}'
        )


def sample_moments(kb: KnowledgeBase) -> list[datetime]:
    """SAMPLE_NOW, a moment before every date variant starts, and noon of each day one starts."""
    days = sorted({variant.starts for entry in kb.entries for variant in entry.dated})
    moments = {SAMPLE_NOW}
    if days:
        moments.add(datetime.combine(days[0] - timedelta(days=1), time(12), tzinfo=SAMPLE_ZONE))
        moments.update(datetime.combine(day, time(12), tzinfo=SAMPLE_ZONE) for day in days)
    return sorted(moments)


def date_variant_count(kb: KnowledgeBase) -> int:
    """How many date variants (answers shown from a day on) the FAQ holds."""
    return sum(len(entry.dated) for entry in kb.entries)


def _problem_of(entry: Entry, call: CallState, now: datetime) -> str | None:
    try:
        html = render_answer(entry, call, now)
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


def sample_states(name: str, at: datetime = SAMPLE_NOW) -> list[CallState]:
    """The sample calls of every phase, a deadline set before the opening is, and each of them
    also with dates other than those of the call the facts describe."""
    samples = sample_calls(name, at)
    if any(call.phase(at) is not phase for phase, call in samples.items()):
        raise AssertionError("a sample call is not in the phase it stands for")
    deadline_only = replace(
        samples[CallPhase.TO_BE_ANNOUNCED], deadline=samples[CallPhase.OPEN].deadline
    )
    facts_call = [*samples.values(), deadline_only]
    return facts_call + [replace(call, facts_call_days=frozenset()) for call in facts_call]


def render_every_phase(kb: KnowledgeBase) -> list[RenderProblem]:
    """Every entry rendered in every phase, with the facts' call's dates and others, before and
    on each day a date variant starts; the problems found, each once (none on a sound FAQ)."""
    problems: dict[tuple[str, CallPhase, bool, date | None, str], RenderProblem] = {}
    for now in sample_moments(kb):
        for call in sample_states(kb.call.name, now):
            phase = call.phase(now)
            for entry in kb.entries:
                message = _problem_of(entry, call, now)
                if message is None:
                    continue
                key, variant = answer_choice(entry, call, now)
                other = key == OTHER_CALL
                day = variant.starts if variant is not None else None
                problem = RenderProblem(entry, phase, message, day, other)
                problems.setdefault((entry.id, phase, other, day, message), problem)
    return list(problems.values())
