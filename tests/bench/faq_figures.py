"""The issue's four figures per question set: answered right, right within one tap, wrong
answers, off-topic answered (and off-topic falling back), for the table of issue 17.

    PYTHONPATH=. .venv/bin/python -m tests.bench.faq_figures [SET.yaml ...]

"Within one tap": answered right, or the right entry among the "did you mean" buttons.
Uses only `match_question` and its result's public fields, so it measures any earlier commit
too (run it with PYTHONPATH pointing at that commit's tree).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from faq.country_question import answers_entry
from faq.loader import load_knowledge_base
from faq.matcher import match_question
from faq.model import KnowledgeBase

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = (
    "faq_practice.yaml",
    "faq_practice3.yaml",
    "faq_eval.yaml",
    "faq_eval_long.yaml",
    "faq_eval_independent.yaml",
    "faq_eval_blind.yaml",
    "faq_eval_blind2.yaml",
)


@dataclass(frozen=True)
class Figures:
    """One set's counts, and the shares the issue's table shows."""

    covered: int
    right: int
    one_tap: int
    wrong: int
    off_topic: int
    off_topic_answered: int
    off_topic_fallback: int
    ranked_first: int
    ranked_top3: int

    def shares(self) -> tuple[float, float, float, float, float]:
        """Answered right, within one tap, wrong, off-topic answered, off-topic fallback."""
        covered, off = max(self.covered, 1), max(self.off_topic, 1)
        return (
            self.right / covered,
            self.one_tap / covered,
            self.wrong / covered,
            self.off_topic_answered / off,
            self.off_topic_fallback / off,
        )


def wanted_ids(item: dict[str, object]) -> list[str]:
    """The entries that answer a covered question: `id`, or `ids` when several do."""
    ids = item.get("ids", [item.get("id")])
    assert isinstance(ids, list)
    return [str(entry_id) for entry_id in ids]


def load_set(path: Path) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """A set's covered questions (with the entries that answer each) and off-topic ones."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    covered = [(str(item["q"]), wanted_ids(item)) for item in data.get("covered") or []]
    return covered, [str(q) for q in data.get("uncovered") or []]


def measure(path: Path, kb: KnowledgeBase) -> Figures:
    """Run every question of a set through the matcher and count the outcomes."""
    covered, uncovered = load_set(path)
    right = one_tap = wrong = first = top3 = 0
    for question, wanted in covered:
        result = match_question(question, kb)
        ranked = [entry_id for entry_id, _ in result.candidates]
        first += bool(ranked[:1]) and ranked[0] in wanted
        top3 += any(entry_id in wanted for entry_id in ranked[:3])
        if result.decision == "answer":
            # A country answer says what every eligibility entry says, for that country.
            hit = any(answers_entry(result, entry_id) for entry_id in wanted)
            right += hit
            one_tap += hit
            wrong += not hit
        elif result.decision == "suggest":
            one_tap += any(entry_id in wanted for entry_id in result.suggestions)
    answered = fallback = 0
    for question in uncovered:
        result = match_question(question, kb)
        answered += result.decision == "answer"
        fallback += result.decision in ("fallback", "not_english")
    return Figures(
        len(covered), right, one_tap, wrong, len(uncovered), answered, fallback, first, top3
    )


def table(sets: list[Path], kb: KnowledgeBase) -> str:
    """The figures of every set as a Markdown table."""
    lines = [
        "| set | covered / off-topic | answered right | within one tap | wrong answer | "
        "off-topic answered | off-topic fallback | ranked 1st | in top 3 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for path in sets:
        figures = measure(path, kb)
        right, tap, wrong, answered, fallback = figures.shares()
        covered = max(figures.covered, 1)
        lines.append(
            f"| {path.name} | {figures.covered} / {figures.off_topic} | {right:.1%} | {tap:.1%} "
            f"| {wrong:.1%} | {answered:.1%} | {fallback:.1%} "
            f"| {figures.ranked_first / covered:.1%} | {figures.ranked_top3 / covered:.1%} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """Print the table for the named sets (default: every set that exists)."""
    names = argv or [name for name in SETS if (DATA / name).exists()]
    shipped = Path(__file__).resolve().parents[2] / "faq" / "data"
    print(table([DATA / name for name in names], load_knowledge_base(shipped)))


if __name__ == "__main__":
    main(sys.argv[1:])
