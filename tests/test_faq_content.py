"""The shipped FAQ: loads, has every required topic, enough phrasings, sources, clean self-test."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq.loader import load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS
from faq.model import KnowledgeBase
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
