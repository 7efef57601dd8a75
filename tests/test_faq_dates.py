"""Answers true to their dates (issue 9, the tester's findings): facts dated after the deadline
appear only from their day, the deadline conflict is noted wherever the deadline or closure is
shown, links fit the phase and day, and travel is worded as the facts word it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from faq.call import CallOverrides, CallState, current_call
from faq.loader import FaqValidationError, load_knowledge_base
from faq.model import KnowledgeBase
from faq.placeholders import needs_subscribe_offer, render_answer

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"
ZONE = ZoneInfo("Europe/Brussels")
OPENED = datetime(2024, 4, 8, tzinfo=ZONE)
DEADLINE = datetime(2024, 5, 31, 23, 59, tzinfo=ZONE)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(SHIPPED)


def _call(opens: datetime | None = OPENED, deadline: datetime | None = DEADLINE) -> CallState:
    """The call as the bot builds it: the shipped call.yaml with these dates set by staff."""
    settings = load_knowledge_base(SHIPPED).call
    return current_call(settings, CallOverrides(opens=opens, deadline=deadline), ZONE)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


JUNE_3 = _at(date(2024, 6, 3))
LATER = _at(date(2026, 1, 1))


@pytest.mark.parametrize(
    ("entry_id", "not_yet"),
    [
        ("selection-results", "were announced in"),
        ("second-cohort", "19 cities"),
        ("later-rounds", "Cohort 3"),
        ("duration", "12 months"),
        ("matching", "From 2025"),
        ("costs-covered", "September 2024)"),
    ],
)
def test_the_closed_phase_holds_facts_back_until_their_day(
    kb: KnowledgeBase, entry_id: str, not_yet: str
) -> None:
    entry = kb.entry(entry_id)
    early = render_answer(entry, _call(), JUNE_3)
    assert not_yet not in early
    assert "netzerocities.eu/2024/09/16" not in early and "cohort-2-2024" not in early
    assert "mission-cities-2025" not in early
    assert not_yet in render_answer(entry, _call(), LATER)


def test_results_before_their_day_say_they_are_expected_and_offer_subscribing(
    kb: KnowledgeBase,
) -> None:
    entry = kb.entry("selection-results")
    early = render_answer(entry, _call(), JUNE_3)
    assert "not announced yet" in early and "/subscribe" in early
    assert needs_subscribe_offer(entry, _call(), JUNE_3)
    late = render_answer(entry, _call(), _at(date(2024, 9, 16)))
    assert "were announced in <b>September 2024</b>" in late
    assert not needs_subscribe_offer(entry, _call(), _at(date(2024, 9, 16)))


def test_the_webinar_recording_only_from_the_webinar(kb: KnowledgeBase) -> None:
    entry = kb.entry("info-webinar")
    before = render_answer(entry, _call(deadline=None), _at(date(2024, 4, 9)))
    assert "18 April 2024" in before and "recording" not in before and "was held" not in before
    after = render_answer(entry, _call(deadline=None), _at(date(2024, 4, 20)))
    assert "was held" in after and "recording" in after


@pytest.mark.parametrize(
    "entry_id", ["deadline", "call-opening", "how-to-apply", "selection-results"]
)
@pytest.mark.parametrize("now", [_at(date(2024, 4, 20)), JUNE_3])
def test_a_shown_deadline_says_the_sources_differed(
    kb: KnowledgeBase, entry_id: str, now: datetime
) -> None:
    html = render_answer(kb.entry(entry_id), _call(), now)
    assert "31 May 2024" in html
    assert (
        "31 May or 7 June 2024" in html and "netzerocities.eu/twinning-learning-programme" in html
    )


@pytest.mark.parametrize("entry_id", ["call-opening", "how-to-apply"])
def test_a_staff_deadline_on_another_day_is_shown_without_the_sources_note(
    kb: KnowledgeBase, entry_id: str
) -> None:
    later = datetime(2027, 3, 1, 23, 59, tzinfo=ZONE)
    html = render_answer(kb.entry(entry_id), _call(deadline=later), _at(date(2027, 2, 1)))
    assert "1 March 2027" in html and "published sources differed" not in html
    on_a_day = _call(deadline=datetime(2024, 6, 7, 23, 59, tzinfo=ZONE))
    assert "published sources differed" in render_answer(kb.entry(entry_id), on_a_day, JUNE_3)


@pytest.mark.parametrize(
    ("opens", "now"),
    [
        (datetime(2027, 1, 10, tzinfo=ZONE), _at(date(2026, 12, 2))),  # opens soon
        (datetime(2026, 11, 1, tzinfo=ZONE), _at(date(2026, 12, 2))),  # open
        (datetime(2026, 11, 1, tzinfo=ZONE), _at(date(2027, 4, 1))),  # closed
    ],
)
def test_no_answer_says_the_sources_differed_beside_a_deadline_they_never_gave(
    kb: KnowledgeBase, opens: datetime, now: datetime
) -> None:
    call = _call(opens=opens, deadline=datetime(2027, 3, 1, 17, tzinfo=ZONE))
    for entry in kb.entries:
        html = render_answer(entry, call, now)
        assert "differed" not in html.lower(), entry.id


def test_the_deadline_note_is_empty_before_a_deadline_is_set(kb: KnowledgeBase) -> None:
    html = render_answer(kb.entry("how-to-apply"), _call(None, None), JUNE_3)
    assert "to be announced" in html and "7 June" not in html and "()" not in html


def test_closed_how_to_apply_does_not_say_the_call_takes_no_more_applications(
    kb: KnowledgeBase,
) -> None:
    html = render_answer(kb.entry("how-to-apply"), _call(), JUNE_3)
    assert "closed" in html and "no more applications" not in html and "7 June 2024" in html


@pytest.mark.parametrize("entry_id", [e for e in ("second-cohort", "duration", "time-commitment")])
def test_before_the_call_no_call_text_or_results_page_is_linked(
    kb: KnowledgeBase, entry_id: str
) -> None:
    html = render_answer(kb.entry(entry_id), _call(None, None), LATER)
    assert "Call for Twin Cities opens" not in html
    assert "cohort-2-2024" not in html and "call texts" not in html


def test_later_rounds_before_closing_says_not_announced_yet(kb: KnowledgeBase) -> None:
    html = render_answer(kb.entry("later-rounds"), _call(), _at(date(2024, 5, 1)))
    assert "not announced yet" in html and "in the sources" not in html


@pytest.mark.parametrize("entry_id", ["what-is-twinning", "city-roles", "benefits"])
def test_travel_is_reimbursed_up_to_a_set_amount_not_covered(
    kb: KnowledgeBase, entry_id: str
) -> None:
    answer = kb.entry(entry_id).answer
    assert "reimbursed up to a set amount" in answer
    assert "travel for site visits is covered" not in answer.lower()
    assert "travel for site visits covered" not in answer.lower()


def test_the_country_list_of_november_2024_is_shown_only_from_then(kb: KnowledgeBase) -> None:
    for entry_id in ("eligible-countries", "associated-countries"):
        entry = kb.entry(entry_id)
        assert "November 2024" not in render_answer(entry, _call(), _at(date(2024, 4, 20)))
        assert "November 2024" in render_answer(entry, _call(), LATER)


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _folder(tmp_path: Path, variant: str) -> Path:
    _write(tmp_path, "call.yaml", "call:\n  name: C\n")
    _write(
        tmp_path,
        "sources.yaml",
        "sources:\n  A:\n    title: A\n    url: https://example.org/a\n"
        "  R:\n    title: Results\n    url: https://example.org/r\n    published: 2024-09-16\n",
    )
    _write(
        tmp_path,
        "x.yaml",
        "entries:\n  - id: x\n    question: Q?\n    alternatives: [a, b, c, d, e]\n"
        "    answer: Default.\n    sources: [A]\n    tags: [T]\n    by_phase:\n"
        "      closed:\n" + variant,
    )
    return tmp_path


def _messages(folder: Path) -> list[str]:
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    return [p.message for p in caught.value.problems]


def test_a_variant_linking_a_source_published_after_its_day_is_refused(tmp_path: Path) -> None:
    early = "        answer: Results.\n        sources: [R]\n"
    assert _messages(_folder(tmp_path, early)) == [
        'the "closed" answer of entry "x" can be shown from 2024-05-31 but links source "R", '
        'published 2024-09-16; cite it in a date variant ("from: 2024-09-16") instead'
    ]


def test_a_date_variant_from_the_sources_day_loads_and_is_shown_from_then(tmp_path: Path) -> None:
    gated = "        - from: 2024-09-16\n          answer: Results.\n          sources: [R]\n"
    entry = load_knowledge_base(_folder(tmp_path, gated)).entry("x")
    call = _call()
    assert render_answer(entry, call, JUNE_3).startswith("Default.")
    shown = render_answer(entry, call, _at(date(2024, 9, 16)))
    assert shown.startswith("Results.") and "example.org/r" in shown


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        ("2024-02-30", "an impossible date"),
        ("soon", 'is "soon", not a date'),
        ("1999-01-01", "write a day between 2020 and 2100"),
    ],
)
def test_a_gate_must_be_a_real_plausible_day(tmp_path: Path, gate: str, expected: str) -> None:
    variant = f"        - from: {gate}\n          answer: Later.\n"
    assert any(expected in message for message in _messages(_folder(tmp_path, variant)))


def test_two_undated_answers_in_one_phase_are_refused(tmp_path: Path) -> None:
    variant = "        - answer: One.\n        - answer: Two.\n"
    assert any(
        'more than one answer without "from:"' in m for m in _messages(_folder(tmp_path, variant))
    )


def test_while_the_call_is_open_results_say_when_activities_start(kb: KnowledgeBase) -> None:
    # The call texts (N3, N7, published when it opened) set the start; results come later.
    html = render_answer(kb.entry("selection-results"), _call(), _at(date(2024, 4, 20)))
    assert "<b>open</b>" in html and "late September 2024" in html
    assert "were announced" not in html and "not announced yet" not in html
