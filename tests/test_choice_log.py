"""Suggestion presses in the question log: what was pressed, masked like any logged question."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.store import Store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "data")
    yield opened
    await opened.close()


async def test_a_pressed_suggestion_is_logged_as_chosen_with_its_entry(store: Store) -> None:
    candidates = [("deadline", 61.5), ("how-to-apply", 58.0), ("a", 1.0), ("b", 0.5)]
    await store.log_suggestion_choice("When must we send it?", "deadline", candidates)
    [row] = await store.unanswered_questions()
    assert (row.question, row.decision, row.chosen_entry) == (
        "When must we send it?",
        "chosen",
        "deadline",
    )
    assert row.candidates == (("deadline", 61.5), ("how-to-apply", 58.0), ("a", 1.0))


async def test_none_of_these_is_logged_as_none_without_an_entry(store: Store) -> None:
    await store.log_suggestion_choice("Who pays travel?", None, [("costs", 60.0)])
    [row] = await store.unanswered_questions()
    assert (row.decision, row.chosen_entry) == ("none", None)
    assert "chosen_entry" not in row.to_document()


async def test_a_choice_masks_personal_data_like_the_question_log(store: Store) -> None:
    await store.log_suggestion_choice("mail ana@gent.example.be or +32 9 123 45 67", "contact", [])
    [row] = await store.unanswered_questions()
    assert row.question == "mail [email] or [phone]"
    assert "ana@" not in (store.data_dir / "questions.json").read_text(encoding="utf-8")


async def test_a_choice_survives_reopening_the_store(tmp_path: Path) -> None:
    first = Store(tmp_path / "data")
    await first.log_suggestion_choice("q?", "deadline", [("deadline", 60.0)])
    await first.close()
    again = Store(tmp_path / "data")
    [row] = await again.unanswered_questions()
    await again.close()
    assert (row.decision, row.chosen_entry) == ("chosen", "deadline")


async def test_a_choice_with_a_non_text_entry_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="chosen_entry"):
        await store.log_suggestion_choice("q?", 5, [])  # type: ignore[arg-type]
