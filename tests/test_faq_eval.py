"""Matching accuracy: covered questions answered by the right entry, uncovered ones falling back.

Two sets: `faq_practice.yaml` is the one the matcher was tuned on; `faq_eval.yaml` was written
separately and is the final check (never tune on it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from faq.loader import load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS, match_question

ROOT = Path(__file__).resolve().parent
SHIPPED = ROOT.parent / "faq" / "data"
REQUIRED_RATE = 0.90
MIN_COVERED, MIN_UNCOVERED = 150, 40


@pytest.mark.parametrize("set_file", ["faq_eval.yaml", "faq_practice.yaml"])
def test_accuracy_on_question_set(set_file: str) -> None:
    data = YAML(typ="safe").load((ROOT / "data" / set_file).read_text(encoding="utf-8"))
    kb = load_knowledge_base(SHIPPED)
    covered, uncovered = data["covered"], data["uncovered"]
    assert len(covered) >= MIN_COVERED and len(uncovered) >= MIN_UNCOVERED
    assert {item["id"] for item in covered} <= {entry.id for entry in kb.entries}
    misses: list[str] = []
    right = 0
    for item in covered:
        result = match_question(item["q"], kb, DEFAULT_THRESHOLDS)
        if result.decision == "answer" and result.entry_id == item["id"]:
            right += 1
        else:
            got = result.entry_id or ",".join(result.suggestions) or "-"
            misses.append(
                f"covered  {item['q']!r}: want {item['id']}, got {result.decision} {got} "
                f"({result.score:.1f}; {result.candidates[:3]})"
            )
    fallbacks = 0
    for question in uncovered:
        result = match_question(question, kb, DEFAULT_THRESHOLDS)
        if result.decision == "fallback":
            fallbacks += 1
        else:
            got = result.entry_id or ",".join(result.suggestions)
            misses.append(
                f"uncovered {question!r}: got {result.decision} {got} ({result.score:.1f})"
            )
    covered_rate = right / len(covered)
    fallback_rate = fallbacks / len(uncovered)
    summary = (
        f"{set_file}: top-1 answered right: {right}/{len(covered)} = {covered_rate:.1%}; "
        f"uncovered to fallback: {fallbacks}/{len(uncovered)} = {fallback_rate:.1%} "
        f"(thresholds answer={DEFAULT_THRESHOLDS.answer}, suggest={DEFAULT_THRESHOLDS.suggest})"
    )
    report = "\n".join([summary, *misses])
    print(report)
    assert covered_rate >= REQUIRED_RATE, report
    assert fallback_rate >= REQUIRED_RATE, report
