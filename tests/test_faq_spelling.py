"""Spelling repair against the FAQ's words, and a few foreign words inside an English question."""

from __future__ import annotations

import pytest

from bot.settings import BUNDLED_FAQ_DIR
from faq.foreign_words import english_reading
from faq.loader import load_knowledge_base
from faq.matcher import match_question
from faq.model import KnowledgeBase
from faq.spelling import SpellingRepair


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


@pytest.mark.parametrize(
    ("typo", "spelt_right"),
    [
        (
            "helo, is our city elegible for the twin citys program?",
            "hello, is our city eligible for the twin cities program?",
        ),
        ("is there a minimun populaton for our town", "is there a minimum population for our town"),
        (
            "when are the resluts of the selecton announced",
            "when are the results of the selection announced",
        ),
        ("whats the dedline", "whats the deadline"),
    ],
)
def test_a_typo_in_the_key_word_does_not_change_the_answer(
    typo: str, spelt_right: str, shipped: KnowledgeBase
) -> None:
    result, right = match_question(typo, shipped), match_question(spelt_right, shipped)
    # The same entry leads, with nearly the same score: the typo is read as the word it stands
    # for (the decision may still ask back, "did you mean", a little more readily).
    assert result.candidates[0][0] == right.candidates[0][0], (result, right)
    assert result.score >= right.score - 3, (result, right)
    assert result.decision != "fallback", result


def test_repair_reads_faq_words_and_leaves_real_words_alone() -> None:
    repair = SpellingRepair(["eligible", "cities", "mission", "hello", "help", "done"])
    assert repair.text("Is our town Elegible?") == "Is our town eligible?"
    assert repair.word("mision") == "mission"
    # A greeting is a candidate too, and the word of a greeting wins a tie with a topic word.
    assert repair.word("helo") == "hello"
    # Real English words (even rare ones) and shorthand are never "repaired".
    for word in ("emission", "decibels", "dont", "heat"):
        assert repair.word(word) == word


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("Buongiorno, when is the scadenza?", "deadline"),
        ("Dobrý den, do we need a certifikát of English level?", "language"),
        ("Guten Tag, wann ist die Frist for the twin cities call?", "deadline"),
    ],
)
def test_a_few_foreign_words_in_english_are_understood(
    question: str, right: str, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    # The right entry leads, and nothing else is ever answered.
    assert result.candidates[0][0] == right, result
    assert result.decision != "answer" or result.entry_id == right, result
    assert result.question == question


def test_foreign_words_that_name_the_topic_are_answered_or_offered(
    shipped: KnowledgeBase,
) -> None:
    for question, right in (
        ("Buongiorno, when is the scadenza?", "deadline"),
        ("Dobrý den, do we need a certifikát of English level?", "language"),
    ):
        result = match_question(question, shipped)
        offered = (result.entry_id,) if result.decision == "answer" else result.suggestions[:1]
        assert offered == (right,), result


def test_english_reading_translates_key_words_and_drops_little_words() -> None:
    # "ist" goes; "die" is an English word too, so it stays.
    assert english_reading("wann ist die Frist?").split() == ["when", "die", "deadline?"]
    # English words are never touched, even where another language has them too.
    assert english_reading("Is there a fee per month") == "Is there a fee per month"
    # A word the FAQ itself uses stays ("buongiorno" is a greeting phrasing).
    assert english_reading("buongiorno", frozenset({"buongiorno"})) == "buongiorno"
