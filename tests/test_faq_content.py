"""The shipped FAQ: loads, has every required topic, enough phrasings, sources, clean self-test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from faq.call import CallPhase
from faq.loader import load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS, match_question
from faq.model import KnowledgeBase
from faq.placeholders import render_answer
from faq.rendercheck import SAMPLE_NOW, sample_calls
from faq.selftest import self_test

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"

REQUIRED_IDS = (
    "what-is-twinning",
    "netzerocities",
    "cities-mission",
    "pilot-cities",
    "city-roles",
    "first-cohort",
    "duration",
    "activities",
    "matching",
    "costs-covered",
    "time-commitment",
    "language",
    "action-plan",
    "benefits",
    "eligible-countries",
    "associated-countries",
    "mission-cities-eligible",
    "previous-participants",
    "city-size",
    "who-can-apply",
    "climate-commitment",
    "call-opening",
    "deadline",
    "how-to-apply",
    "info-webinar",
    "selection-results",
    "pre-registration",
    "notifications",
    "contact",
    "privacy",
    "eligibility",
    "second-cohort",
    "later-rounds",
    "greeting",
    "thanks",
    "who-are-you",
    "goodbye",
)
# Entries about the bot itself or small talk: no external source to link.
NOT_FACTUAL = {
    "greeting",
    "thanks",
    "goodbye",
    "who-are-you",
    "pre-registration",
    "notifications",
    "privacy",
    "contact",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(SHIPPED)


def test_every_required_id_exists(kb: KnowledgeBase) -> None:
    missing = [entry_id for entry_id in REQUIRED_IDS if entry_id not in {e.id for e in kb.entries}]
    assert not missing, f"missing FAQ ids: {missing}"


def test_every_entry_has_five_alternatives(kb: KnowledgeBase) -> None:
    short = [e.id for e in kb.entries if len(e.alternatives) < 5]
    assert not short


def test_factual_entries_link_their_sources(kb: KnowledgeBase) -> None:
    unlinked = [e.id for e in kb.entries if e.id not in NOT_FACTUAL and not e.links_for(None)]
    assert {e.id for e in kb.entries if e.about != "programme"} == NOT_FACTUAL
    assert not unlinked, f"factual entries without links: {unlinked}"


def test_every_phrasing_routes_to_its_own_entry(kb: KnowledgeBase) -> None:
    report = self_test(kb, DEFAULT_THRESHOLDS)
    problems = [str(p) for p in (*report.misrouted, *report.competing)]
    assert report.ok, "\n".join(problems)


def _rendered(kb: KnowledgeBase, entry_id: str) -> str:
    entry = next(e for e in kb.entries if e.id == entry_id)
    call = sample_calls("Call 2")[CallPhase.TO_BE_ANNOUNCED]
    return render_answer(entry, call, SAMPLE_NOW)


def test_the_contact_answer_says_how_to_reach_a_person_and_keeps_the_official_page(
    kb: KnowledgeBase,
) -> None:
    html = _rendered(kb, "contact")
    assert "/human" in html and "Reach a person" in html
    assert "team running this bot" in html and "in this chat" in html
    assert "none to give" in html  # still honest: no source lists a contact for the programme
    official = next(e for e in kb.entries if e.id == "contact").links_for(None)
    assert official and all(link.url and link.url in html for link in official)


def test_who_are_you_offers_a_person_and_privacy_says_what_human_keeps(
    kb: KnowledgeBase,
) -> None:
    assert "/human" in _rendered(kb, "who-are-you")
    privacy = _rendered(kb, "privacy")
    assert "/human" in privacy and "first name" in privacy and "city and country" in privacy
    assert "for one day" in privacy and "/deletedata" in privacy
    assert "anonymously (without your user id" in privacy  # the question log has no user id


def test_answers_about_the_bot_never_say_the_programme_receives_anything(
    kb: KnowledgeBase,
) -> None:
    for entry_id in ("contact", "who-are-you", "privacy"):
        html = _rendered(kb, entry_id)
        assert "European Commission" not in html and "NetZeroCities team" not in html
        assert "programme team" not in html
    for entry_id in ("contact", "privacy"):
        assert "team running this bot" in _rendered(kb, entry_id)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("do the pilot cities learn from us also", "pilot-cities"),
        ("is learning two way between twin and pilot", "city-roles"),
    ],
)
def test_questions_about_two_way_learning_get_the_fact_in_every_phase(
    kb: KnowledgeBase, question: str, entry_id: str
) -> None:
    # Facts file: "Learning goes both ways: Pilot Cities also learn from their Twins. [N1]"
    result = match_question(question, kb)
    assert (result.decision, result.entry_id) == ("answer", entry_id)
    entry = next(e for e in kb.entries if e.id == entry_id)
    assert "N1" in entry.sources
    for at in (SAMPLE_NOW, datetime(2025, 6, 1, tzinfo=UTC)):
        for call in sample_calls("Call 2", at).values():
            html = render_answer(entry, call, at)
            assert "Pilot Cities also learn from their Twins" in html, (call, at)


@pytest.mark.parametrize("entry_id", ["notifications", "who-are-you"])
def test_what_subscribing_brings_is_not_promised_past_its_phase(
    kb: KnowledgeBase, entry_id: str
) -> None:
    entry = kb.entry(entry_id)
    # A related button shows the title in every phase.
    assert "opens" not in entry.question
    calls = sample_calls("Call 2")
    for phase in (CallPhase.OPEN, CallPhase.CLOSED):
        html = render_answer(entry, calls[phase], SAMPLE_NOW)
        assert "when the call opens" not in html, phase
    closed = render_answer(entry, calls[CallPhase.CLOSED], SAMPLE_NOW)
    assert "remind you before" not in closed
