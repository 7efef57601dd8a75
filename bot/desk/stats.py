"""The numbers staff look at: gathered from the Store (or a data folder) into DeskNumbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from html import escape
from pathlib import Path

from bot.storage.handoffs import count_handoffs
from bot.storage.question_stats import QuestionDay
from bot.storage.registrations import Registration
from bot.storage.store import (
    Store,
    read_handoffs,
    read_question_days,
    read_registrations,
    read_subscriptions,
)
from bot.storage.subscribers import ChatStatus, Subscription
from faq.countries import country_name
from faq.placeholders import zone_name

QUESTION_WINDOW_DAYS = 30
TOP_QUESTIONS = 5


@dataclass(frozen=True)
class QuestionCounts:
    """How the questions of one day (in the configured zone) ended."""

    day: date
    answered: int = 0
    suggested: int = 0
    fallback: int = 0
    not_english: int = 0

    @property
    def total(self) -> int:
        """Every question of the day."""
        return self.answered + self.suggested + self.fallback + self.not_english


@dataclass(frozen=True)
class DeskNumbers:
    """Everything /stats shows; series are by day in the configured zone, oldest first."""

    today: date
    # The zone days are counted in, in words ("Brussels time").
    zone_label: str = "UTC"
    registrations: int = 0
    # (day registered, how many that day), for registrations that carry their date.
    registrations_per_day: tuple[tuple[date, int], ...] = ()
    # (country name, registrations), most first.
    by_country: tuple[tuple[str, int], ...] = ()
    eligible: int = 0
    not_eligible: int = 0
    unclear: int = 0
    unchecked: int = 0
    subscribers_active: int = 0
    subscribers_blocked: int = 0
    # Every day of the question window, oldest first (days without questions count zero).
    questions_per_day: tuple[QuestionCounts, ...] = ()
    # (FAQ question, times it was the answer) in the question window, most first.
    top_questions: tuple[tuple[str, int], ...] = ()
    handoffs_answered: int = 0
    handoffs_waiting: int = 0

    @property
    def questions(self) -> QuestionCounts:
        """The question window's outcomes added up (dated today)."""
        days = self.questions_per_day
        return QuestionCounts(
            day=self.today,
            answered=sum(d.answered for d in days),
            suggested=sum(d.suggested for d in days),
            fallback=sum(d.fallback for d in days),
            not_english=sum(d.not_english for d in days),
        )


def utc_today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


def today_in(zone: tzinfo) -> date:
    """Today's date in `zone`, the day question counts are kept by."""
    return datetime.now(zone).date()


def _country(code: str) -> str:
    try:
        return country_name(code)
    except KeyError:
        return code


def desk_numbers(
    registrations: Sequence[Registration],
    subscriptions: Iterable[Subscription],
    chats: Iterable[ChatStatus],
    question_days: Iterable[QuestionDay],
    titles: Mapping[str, str],
    today: date,
    *,
    handoffs_answered: int = 0,
    handoffs_waiting: int = 0,
    zone: tzinfo = UTC,
) -> DeskNumbers:
    """The numbers from the stored records; `titles` maps FAQ entry ids to their question."""
    per_day = Counter(
        r.registered_at.astimezone(zone).date() for r in registrations if r.registered_at
    )
    countries = Counter(_country(r.country) for r in registrations)
    verdicts = Counter(r.verdict for r in registrations)
    blocked = {chat.chat_id for chat in chats if chat.blocked}
    subscribed = [s.chat_id for s in subscriptions]
    first_day = today - timedelta(days=QUESTION_WINDOW_DAYS - 1)
    window = {d.day: d for d in question_days if first_day <= d.day <= today}
    answered: Counter[str] = Counter()
    for day in window.values():
        answered.update(day.answered)
    return DeskNumbers(
        today=today,
        zone_label=zone_name(zone),
        registrations=len(registrations),
        registrations_per_day=tuple(sorted(per_day.items())),
        by_country=tuple(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        eligible=verdicts["eligible"],
        not_eligible=verdicts["not eligible"],
        unclear=verdicts["unclear"],
        unchecked=verdicts[None],
        subscribers_active=sum(1 for chat_id in subscribed if chat_id not in blocked),
        subscribers_blocked=sum(1 for chat_id in subscribed if chat_id in blocked),
        questions_per_day=tuple(
            _question_counts(first_day + timedelta(days=n), window)
            for n in range(QUESTION_WINDOW_DAYS)
        ),
        top_questions=tuple(
            (titles.get(entry_id, entry_id), count)
            for entry_id, count in sorted(answered.items(), key=lambda item: (-item[1], item[0]))[
                :TOP_QUESTIONS
            ]
        ),
        handoffs_answered=handoffs_answered,
        handoffs_waiting=handoffs_waiting,
    )


def _question_counts(day: date, window: Mapping[date, QuestionDay]) -> QuestionCounts:
    stored = window.get(day)
    if stored is None:
        return QuestionCounts(day=day)
    return QuestionCounts(
        day=day,
        answered=stored.outcome("answer"),
        suggested=stored.outcome("suggest"),
        fallback=stored.outcome("fallback"),
        not_english=stored.outcome("not_english"),
    )


async def gather_desk_numbers(
    store: Store,
    titles: Mapping[str, str],
    *,
    today: date | None = None,
    zone: tzinfo = UTC,
) -> DeskNumbers:
    """The numbers from the running bot's Store, days counted in `zone`."""
    answered, waiting = await store.handoff_counts()
    return desk_numbers(
        await store.all_registrations(),
        await store.subscriptions(),
        await store.chat_statuses(),
        await store.question_days(),
        titles,
        today or today_in(zone),
        handoffs_answered=answered,
        handoffs_waiting=waiting,
        zone=zone,
    )


def read_desk_numbers(
    data_dir: Path, titles: Mapping[str, str], *, today: date | None = None, zone: tzinfo = UTC
) -> DeskNumbers:
    """The numbers of a data folder, read without writing (safe while the bot runs)."""
    subscriptions, chats = read_subscriptions(data_dir)
    answered, waiting = count_handoffs(read_handoffs(data_dir))
    return desk_numbers(
        read_registrations(data_dir),
        subscriptions,
        chats,
        read_question_days(data_dir),
        titles,
        today or today_in(zone),
        handoffs_answered=answered,
        handoffs_waiting=waiting,
        zone=zone,
    )


def summary_lines(numbers: DeskNumbers) -> list[str]:
    """The counts in a few short HTML lines (a photo caption: well under 1024 characters)."""
    asked = numbers.questions
    lines = [
        f"<b>Registrations:</b> {numbers.registrations} "
        f"({numbers.eligible} eligible, {numbers.not_eligible} not, {numbers.unclear} unclear, "
        f"{numbers.unchecked} not checked)",
        f"<b>Subscribers:</b> {numbers.subscribers_active} active, "
        f"{numbers.subscribers_blocked} blocked",
        f"<b>Questions, last {QUESTION_WINDOW_DAYS} days:</b> {asked.answered} answered, "
        f"{asked.suggested} did-you-mean, {asked.fallback} fallback, "
        f"{asked.not_english} not English",
        f"<b>Handoffs:</b> {numbers.handoffs_answered} answered, "
        f"{numbers.handoffs_waiting} waiting",
    ]
    if numbers.by_country:
        top = ", ".join(f"{escape(name)} {count}" for name, count in numbers.by_country[:3])
        lines.insert(1, f"<b>Top countries:</b> {top}")
    if numbers.top_questions:
        question, count = numbers.top_questions[0]
        lines.append(f"<b>Most answered:</b> {escape(_shortened(question, 80))} ({count})")
    return lines


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
