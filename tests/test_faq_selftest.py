"""Self-test: phrasings that go to another entry, or that two entries compete for."""

from __future__ import annotations

from pathlib import Path

from faq.loader import build_knowledge_base, load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS
from faq.model import KnowledgeBase
from faq.selftest import Competing, Misrouted, self_test

VALID = Path(__file__).parent / "data" / "faq_fixtures" / "valid"


def _with_alternative(kb: KnowledgeBase, entry_id: str, alternative: str) -> KnowledgeBase:
    entries = tuple(
        e
        if e.id != entry_id
        else e.__class__(
            e.id,
            e.question,
            (*e.alternatives, alternative),
            e.answer,
            e.tags,
            e.links,
            e.related,
            e.location,
        )
        for e in kb.entries
    )
    return build_knowledge_base(entries, kb.call)


def test_fixture_is_clean() -> None:
    report = self_test(load_knowledge_base(VALID), DEFAULT_THRESHOLDS)
    assert report.ok, [str(m) for m in (*report.misrouted, *report.competing)]
    assert report.phrasings == 48


def test_alternative_that_belongs_elsewhere_is_reported() -> None:
    kb = _with_alternative(load_knowledge_base(VALID), "greeting", "closing date of call")
    report = self_test(kb, DEFAULT_THRESHOLDS)
    assert not report.ok
    problems: list[Misrouted | Competing] = [*report.misrouted, *report.competing]
    assert any(p.phrasing == "closing date of call" and p.entry_id == "greeting" for p in problems)
    assert any("topics.yaml:" in str(p) and '"greeting"' in str(p) for p in problems)


def test_vague_alternative_is_misrouted_to_suggest_or_fallback() -> None:
    kb = _with_alternative(load_knowledge_base(VALID), "language", "bananas and apples")
    report = self_test(kb, DEFAULT_THRESHOLDS)
    assert not report.misrouted or all(m.phrasing != "english?" for m in report.misrouted)
    strict = self_test(kb, DEFAULT_THRESHOLDS.__class__(answer=100.1, suggest=50))
    assert {m.decision for m in strict.misrouted} <= {"suggest", "fallback"}
    assert len(strict.misrouted) == strict.phrasings
