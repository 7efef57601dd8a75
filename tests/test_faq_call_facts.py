"""The FAQ against the facts file (issue 19): the 2024 call's facts only while the call's dates are
that call's, a deadline known before the opening shown where answers show dates, and each wording
the audit found unsupported replaced by what the facts say."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.announcements.texts import status_text, subscribe_label
from bot.registration.texts import verdict_text
from faq.call import CallOverrides, CallState, current_call
from faq.eligibility import CityStatus, Commitment, judge
from faq.loader import FaqValidationError, load_knowledge_base
from faq.model import KnowledgeBase
from faq.placeholders import render_answer
from faq.rendercheck import sample_moments
from faq.telegram_html import parse_telegram_html

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"
ZONE = ZoneInfo("Europe/Brussels")
# Facts of the 2024 call's dates [N1, N3, N7, N8, EC], as the answers word them: with another
# call's dates none may be shown as the current call's.
CALL_2024_FACTS = (
    "late September 2024",
    "18 April 2024",
    "early spring 2024",
    "8 April 2024",
    "31 May",
    "7 June 2024",
    "this spring 2024 call",
    "A call after Cohort 2 is not announced",
    "Cohort 2 Twin Cities are not announced",
)
NOTE = "31 May or 7 June 2024"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(SHIPPED)


def _call(kb: KnowledgeBase, opens: date | None = None, deadline: date | None = None) -> CallState:
    return current_call(kb.call, CallOverrides(opens=opens, deadline=deadline), ZONE)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZONE)


def shown(kb: KnowledgeBase, entry_id: str, call: CallState, now: datetime) -> str:
    """The plain text a person reads for this entry."""
    return parse_telegram_html(render_answer(kb.entry(entry_id), call, now))[0]


def test_with_another_calls_dates_no_answer_states_the_2024_calls_dates(kb: KnowledgeBase) -> None:
    deadlines = (date(2026, 3, 1), date(2027, 6, 30))
    nows = list(sample_moments(kb))
    for deadline in deadlines:
        nows += [_noon(deadline + timedelta(days=offset)) for offset in (-90, -10, 10, 400)]
    states = [
        _call(kb, opens, deadline)
        for deadline in deadlines
        for opens in (None, deadline - timedelta(days=60))
    ] + [_call(kb, opens=date(2026, 9, 1))]
    found = set()
    for call in states:
        for now in nows:
            for entry in kb.entries:
                text = shown(kb, entry.id, call, now)
                found.update((entry.id, fact) for fact in CALL_2024_FACTS if fact in text)
    assert found == set(), "2024 call facts shown as another call's"


def test_with_the_2024_calls_dates_its_facts_are_still_told(kb: KnowledgeBase) -> None:
    call = _call(kb, date(2024, 4, 8), date(2024, 5, 31))
    now = datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert "late September 2024" in shown(kb, "selection-results", call, now)
    assert "18 April 2024" in shown(kb, "info-webinar", call, now)
    closed = _call(kb, date(2024, 4, 8), date(2024, 6, 7))
    assert "late September 2024" in shown(kb, "duration", closed, _noon(date(2024, 7, 1)))


def test_with_another_calls_dates_the_2024_results_are_not_this_calls(kb: KnowledgeBase) -> None:
    call = _call(kb, date(2026, 1, 10), date(2026, 3, 1))
    text = shown(kb, "selection-results", call, _noon(date(2026, 4, 1)))
    assert "do not cover the selection for the Twin Cities call" in text
    assert "September 2024" not in text
    history = shown(kb, "second-cohort", call, _noon(date(2026, 4, 1)))
    assert "NetZeroCities announced" in history and "a later page says" in history


# 2.1: a deadline set before the opening is


def test_a_deadline_set_before_the_opening_is_shown_with_its_note(kb: KnowledgeBase) -> None:
    call = _call(kb, deadline=date(2024, 5, 31))
    now = datetime(2024, 4, 1, 10, tzinfo=UTC)
    deadline = shown(kb, "deadline", call, now)
    assert "31 May 2024" in deadline and NOTE in deadline
    assert "opening date is not announced yet" in deadline
    opening = shown(kb, "call-opening", call, now)
    assert "not announced yet" in opening and "31 May 2024" in opening and NOTE in opening
    assert "deadline to be announced" not in opening
    assert NOTE in shown(kb, "how-to-apply", call, now)
    goodbye = shown(kb, "goodbye", call, now)
    assert "31 May 2024" in goodbye and "or the deadline is set" not in goodbye
    news = shown(kb, "notifications", call, now)
    assert NOTE in news and "or the deadline is set" not in news
    status = shown(kb, "second-cohort", call, now)
    assert (
        "call (Cohort 2) is not open yet" in status
        and "call (Cohort 2) is not announced" not in status
    )


def test_status_shows_a_deadline_set_before_the_opening() -> None:
    call = CallState("Twin Cities call", None, datetime(2027, 3, 1, 23, 59, tzinfo=UTC))
    text = status_text(call, datetime(2026, 12, 1, tzinfo=UTC))
    assert "Deadline: 1 March 2027" in text and "opening date is to be announced" in text
    assert "dates are to be announced" not in text
    assert (
        subscribe_label(call, datetime(2026, 12, 1, tzinfo=UTC)) == "🔔 Tell me when the call opens"
    )


# 3.1-3.7: the audit's findings, each in the phase and on the day it was found


def test_how_to_apply_before_any_date_says_the_guidance_will_be_published(
    kb: KnowledgeBase,
) -> None:
    before = shown(kb, "how-to-apply", _call(kb), datetime(2024, 3, 20, tzinfo=UTC))
    assert "will be published on the official programme page" in before
    assert "Find them" not in before
    opened = _call(kb, date(2024, 4, 8), date(2024, 5, 31))
    assert "Find them on the official" in shown(
        kb, "how-to-apply", opened, datetime(2024, 5, 1, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (datetime(2024, 5, 1, tzinfo=UTC), "reminded before the deadline"),
        (datetime(2024, 7, 1, tzinfo=UTC), "news about the programme"),
    ],
)
def test_goodbye_once_the_call_opened_does_not_offer_news_of_the_opening(
    kb: KnowledgeBase, now: datetime, words: str
) -> None:
    text = shown(kb, "goodbye", _call(kb, date(2024, 4, 8), date(2024, 5, 31)), now)
    assert "when the call opens" not in text and words in text


@pytest.mark.parametrize("entry_id", ["first-cohort", "duration"])
@pytest.mark.parametrize(
    "now",
    [
        datetime(2024, 3, 1, tzinfo=UTC),
        datetime(2024, 7, 1, tzinfo=UTC),
        datetime(2025, 2, 1, tzinfo=UTC),
    ],
)
def test_cohort_1_is_not_told_as_finished_while_it_ran(
    kb: KnowledgeBase, entry_id: str, now: datetime
) -> None:
    call = _call(kb, date(2024, 4, 8), date(2024, 5, 31))
    text = shown(kb, entry_id, call, now)
    assert "Cohort 1 ran over" not in text and "each Twin produced" not in text
    assert "Cohort 1 was set to run over 20 months from September 2023" in text


def test_later_rounds_follow_the_cohort_3_call(kb: KnowledgeBase) -> None:
    call = _call(kb, date(2024, 4, 8), date(2024, 5, 31))
    early = shown(kb, "later-rounds", call, _noon(date(2024, 9, 12)))
    assert "Cohort 3" in early and "opened on 10 September 2024" in early
    assert "not announced yet" not in early
    extended = shown(kb, "later-rounds", call, _noon(date(2024, 11, 5)))
    assert "open until 14 November 2024" in extended
    later = shown(kb, "later-rounds", call, _noon(date(2025, 3, 1)))
    assert "closed too" not in later and "24 cities were selected" in later


def test_second_cohort_picks_no_count_before_both_can_be_shown(kb: KnowledgeBase) -> None:
    call = _call(kb, date(2024, 4, 8), date(2024, 5, 31))
    autumn = shown(kb, "second-cohort", call, _noon(date(2024, 10, 1)))
    assert "19 cities" not in autumn and "announced the selected Cohort 2" in autumn
    later = shown(kb, "second-cohort", call, _noon(date(2025, 2, 1)))
    assert "Sources differ" in later and "19 cities" in later and "18" in later


def test_selection_results_claims_no_timetable_in_the_guidelines(kb: KnowledgeBase) -> None:
    text = shown(kb, "selection-results", _call(kb), datetime(2024, 3, 20, tzinfo=UTC))
    assert "selection timetable" not in text
    assert "No source gives a timetable for the selection" in text


def test_benefits_keeps_the_two_travel_facts_apart(kb: KnowledgeBase) -> None:
    text = shown(kb, "benefits", _call(kb), datetime(2024, 3, 20, tzinfo=UTC))
    assert "(EUR 900 per city representative earmarked)" not in text
    assert "reimbursed up to a set amount (programme page)" in text
    assert "the Cohort 2 call text earmarks EUR 900 per city representative" in text


# 3.8: the eligibility verdict


@pytest.mark.parametrize("country", ["NO", "CH", "CA"])
def test_the_verdict_dates_the_country_list_and_gives_no_contact(
    kb: KnowledgeBase, country: str
) -> None:
    assert kb.eligibility is not None
    text = verdict_text(judge(kb.eligibility, country, CityStatus.NONE, Commitment.YES))
    assert "as listed on 21 November 2024, after the spring 2024 Cohort 2 call" in text
    assert "contact are" not in text


def test_an_eu_verdict_needs_no_list_date_and_an_unclear_one_names_no_contact(
    kb: KnowledgeBase,
) -> None:
    assert kb.eligibility is not None
    eu = verdict_text(judge(kb.eligibility, "BE", CityStatus.NONE, Commitment.YES))
    assert "as listed on" not in eu
    unclear = verdict_text(judge(kb.eligibility, "ES", CityStatus.APPLIED_BEFORE, Commitment.YES))
    assert "No source gives a contact for the programme" in unclear and "/human" in unclear
    # Nor does the heading above the points to check send people to a programme team.
    assert "ask the programme team" not in unclear


# How admins use it: call.yaml's facts_call_days and an entry's "other_call:" answers


def _problems_after(tmp_path: Path, name: str, old: str, new: str) -> list[str]:
    folder = tmp_path / "faq"
    shutil.copytree(SHIPPED, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    return [str(problem) for problem in caught.value.problems]


def test_facts_call_days_must_be_days(tmp_path: Path) -> None:
    (problem,) = _problems_after(
        tmp_path,
        "call.yaml",
        "facts_call_days: [2024-04-08, 2024-05-31, 2024-06-07]",
        "facts_call_days: [2024-04-08, spring]",
    )
    assert 'item 2 of "facts_call_days" in the "call" section is "spring", not a day' in problem


def test_other_call_answers_need_one_shown_before_their_first_day(tmp_path: Path) -> None:
    problems = _problems_after(
        tmp_path,
        "dates.yaml",
        "      other_call: |\n        The sources I answer from give no information webinar on the "
        "{call_name}. Check the official programme page (link below).\n"
        "        Send /subscribe to hear news about the call.\n",
        "      other_call:\n        - from: 2025-01-01\n          answer: |\n"
        "            No webinar is listed.\n",
    )
    assert any(
        '"by_phase: other_call" in entry "info-webinar" has no answer without' in p
        for p in problems
    ), problems
