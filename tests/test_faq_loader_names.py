"""An entry with a problem of its own still exists for the other entries' checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faq.loader import FaqValidationError, Problem, load_knowledge_base


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    return caught.value.problems


def _without_question(folder: Path, file: str, entry_id: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    entry = re.search(rf"  - id: {entry_id}\n    question: [^\n]*\n", text)
    assert entry is not None, f"{file} no longer has the entry {entry_id}"
    path.write_text(text.replace(entry[0], f"  - id: {entry_id}\n", 1), encoding="utf-8")


def test_an_entry_without_a_question_is_the_one_problem(faq_copy: Path) -> None:
    _without_question(faq_copy, "costs.yaml", "time-commitment")
    problems = _problems(faq_copy)
    assert [p.message for p in problems] == [
        'entry "time-commitment" has no "question"; add "question:"'
    ]
    assert problems[0].file.endswith("costs.yaml")


def test_a_broken_entry_still_counts_for_duplicate_ids(faq_copy: Path) -> None:
    path = faq_copy / "costs.yaml"
    with path.open("a", encoding="utf-8") as appended:
        appended.write("\n  - id: time-commitment\n    answer: Started, not finished.\n")
    problems = _problems(faq_copy)
    duplicate = [p for p in problems if p.message.startswith('duplicate id "time-commitment"')]
    assert len(duplicate) == 1 and duplicate[0].file.endswith("costs.yaml"), problems
    assert not any("which is not an entry id" in p.message for p in problems), problems
