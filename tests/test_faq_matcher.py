"""Normalisation and matching on the small fixture knowledge base (independent of content)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.settings import BUNDLED_FAQ_DIR
from faq.loader import load_knowledge_base
from faq.matcher import (
    CHAR_SCORE_CUTOFF,
    DEFAULT_THRESHOLDS,
    MatchThresholds,
    _decide,
    _ratio_candidates,
    match_question,
)
from faq.model import KnowledgeBase
from faq.normalize import canonical_tokens, normalize_text, simplify_text

VALID = Path(__file__).parent / "data" / "faq_fixtures" / "valid"
# The hand-set score rules (the learned decision off), as they were before it.
HAND = MatchThresholds(60.0, 48.0, calibrated=False)


def _hand(answer: float, suggest: float) -> MatchThresholds:
    return MatchThresholds(answer, suggest, calibrated=False)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(VALID)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Héllo,   WORLD!!", "hello world"),
        ("What’s the deadline?", "what is the deadline"),
        ("can't  won't  isn't", "can not will not is not"),
        ("the city's plan", "the city plan"),
        ("whats up, dont know", "what is up do not know"),
        ("wen is it, wat for, wich one", "when is it what for which one"),
        ("Zürich – Łódź", "zurich lodz"),
        ("helloooo", "helloo"),
        ("e-mail/phone", "e mail phone"),
        ("can we re-apply", "can we apply again"),
        ("we took part in 2023", "we participate in 2023"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_simplify_text_does_not_expand() -> None:
    assert simplify_text("Thx, WHAT’S up?") == "thx whats up"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cities towns municipalities", ["city", "city", "city"]),
        ("funding grant money budget", ["fund", "fund", "fund", "fund"]),
        ("applying application applicants", ["apply", "apply", "apply"]),
        ("Norway, North Macedonia", ["country", "country"]),
        ("german cities", ["country", "city"]),
        ("in german", ["in", "languag"]),
        ("are you a robot", ["are", "you", "a", "bot"]),
        ("how long, what length", ["how", "duration", "what", "duration"]),
        ("explain the mission", ["what", "the", "mission"]),
        ("procedure and papers", ["process", "and", "document"]),
    ],
)
def test_canonical_tokens(text: str, expected: list[str]) -> None:
    assert canonical_tokens(text) == expected


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("When is the deadline for the call?", "deadline"),
        ("deadline", "deadline"),
        ("hi, when is the deadline", "deadline"),
        ("Hello bot, can you please tell me the deadline?", "deadline"),
        ("until when can we send our applications", "deadline"),
        ("when does the call open", "call-opening"),
        ("is the call opne already", "call-opening"),
        ("will they give us money for the travel", "costs-covered"),
        ("Is there funding?", "costs-covered"),
        ("level of englsh needed?", "language"),
        ("can norwegian cities apply", "eligible-countries"),
        ("hi", "greeting"),
        ("Hello!", "greeting"),
        ("thanks", "thanks"),
        ("thank you very much!", "thanks"),
        ("who are you?", "who-are-you"),
        ("are you a robot?", "who-are-you"),
        ("great, thank you", "thanks"),
        ("Hello, colleague from Braga here. Until which date can we apply?", "deadline"),
        ("hi, I am the mayor of Lund, when is the deadline", "deadline"),
        ("do we pay anything", "costs-covered"),
    ],
)
def test_answers_the_right_entry(kb: KnowledgeBase, question: str, entry_id: str) -> None:
    result = match_question(question, kb)
    assert (result.decision, result.entry_id) == ("answer", entry_id), result


@pytest.mark.parametrize(
    "question",
    [
        "deadline for my tax return",
        "what is the weather today",
        "how do I renew my passport",
        "bitcoin price",
        "how much does an electric car cost",
        "what does a heat pump cost",
        "is the town hall open on saturday",
        "",
        "???",
    ],
)
def test_unrelated_questions_fall_back(kb: KnowledgeBase, question: str) -> None:
    result = match_question(question, kb)
    assert result.decision == "fallback", result
    assert result.entry_id is None
    assert result.suggestions == ()


def test_filler_barely_moves_the_score(kb: KnowledgeBase) -> None:
    plain = match_question("when is the deadline", kb).score
    chatty = match_question("hi bot, please, when is the deadline", kb).score
    assert plain - chatty < 20


def test_suggest_band_offers_up_to_three_ids(kb: KnowledgeBase) -> None:
    # "when" names no topic: the topic-word check is off to see the band's choice itself.
    wide = MatchThresholds(answer=99.5, suggest=1.0, topic_words=0, calibrated=False)
    result = match_question("when", kb, wide)
    assert result.decision == "suggest"
    assert result.entry_id is None
    assert 2 <= len(result.suggestions) <= 3
    assert result.suggestions == tuple(i for i, _ in result.candidates[: len(result.suggestions)])


def test_result_shape(kb: KnowledgeBase) -> None:
    result = match_question("deadline?", kb)
    assert result.question == "deadline?"
    assert 0 <= result.score <= 100
    assert len(result.candidates) <= 5
    scores = [score for _, score in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert result.candidates[0] == (result.entry_id, result.score)


def test_one_clear_leader_in_the_suggest_band_gets_one_button(kb: KnowledgeBase) -> None:
    question = "when is the deadline for twin cities"
    score, second = (s for _, s in match_question(question, kb).candidates[:2])
    assert score - second > 6.0
    result = match_question(question, kb, _hand(score + 1, second + 1))
    assert (result.decision, result.suggestions) == ("suggest", ("deadline",)), result


def test_thresholds_drive_the_decision(kb: KnowledgeBase) -> None:
    question = "when is the deadline for twin cities"
    score = match_question(question, kb).score
    assert match_question(question, kb, _hand(score, score)).decision == "answer"
    second = match_question(question, kb).candidates[1][1]
    above = _hand(min(score + 1, 100.1), second)
    assert match_question(question, kb, above).decision == "suggest"
    alone = _hand(min(score + 1, 100.1), (score + second) / 2)
    assert match_question(question, kb, alone).suggestions == ("deadline",)
    none = _hand(100.1, 100.1)
    assert match_question(question, kb, none).decision == "fallback"


def test_default_thresholds_are_ordered() -> None:
    assert 0 < DEFAULT_THRESHOLDS.suggest <= DEFAULT_THRESHOLDS.answer <= 100


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("whats the dedline", "deadline"),
        ("am i elegible", "eligibility"),
        ("what is twining", "what-is-twinning"),
        ("how to send the aplication", "how-to-apply"),
    ],
)
def test_a_misspelt_key_word_is_answered_or_suggested_first(
    shipped: KnowledgeBase, question: str, entry_id: str
) -> None:
    result = match_question(question, shipped)
    offered = result.entry_id if result.decision == "answer" else result.suggestions[:1]
    assert offered in (entry_id, (entry_id,)), result


@pytest.mark.parametrize(
    "question",
    ["deadline for my tax return", "how much does an electric car cost", "what time is it"],
)
def test_off_topic_questions_in_the_low_suggest_band_fall_back(
    question: str, shipped: KnowledgeBase
) -> None:
    # Without the topic-word check these reach the band (a "did you mean" on a wrong entry).
    unchecked = MatchThresholds(HAND.answer, HAND.suggest, 0, calibrated=False)
    assert match_question(question, shipped, unchecked).decision == "suggest"
    assert match_question(question, shipped, HAND).decision == "fallback"
    # The learned decision lets them fall back too.
    assert match_question(question, shipped).decision == "fallback"


def test_a_low_scoring_question_sharing_three_topic_words_gets_a_suggestion(
    shipped: KnowledgeBase,
) -> None:
    question = (
        "Our deputy mayor asks what a pilot city is, since we would learn from one. Can you tell?"
    )
    # Decided as a whole: its asking clause alone ("asks what a pilot city is") answers it.
    result = _decide(question, shipped, HAND)
    assert HAND.suggest <= result.score < HAND.topic_check_below
    assert result.decision == "suggest" and result.suggestions[:1] == ("pilot-cities",), result


def test_the_character_bound_keeps_every_choice_that_reaches_the_cutoff(
    shipped: KnowledgeBase,
) -> None:
    index = shipped.index
    choices = index.char_choices
    rng = random.Random(5)
    kept_any = 0
    for _ in range(300):
        # A choice with a few letters dropped, doubled or swapped for others: near many choices.
        text = list(rng.choice(choices))
        for _ in range(rng.randrange(4)):
            at = rng.randrange(len(text))
            text[at : at + 1] = rng.choice(([], [text[at]] * 2, [rng.choice("aeiorst")]))
        query = "".join(text)
        kept = set(_ratio_candidates(query, index, 0, len(choices)))
        reaching = {
            offset
            for offset, choice in enumerate(choices)
            if fuzz.ratio(query, choice) >= CHAR_SCORE_CUTOFF
        }
        assert reaching <= kept, query
        kept_any += len(reaching)
        # A bound that kept everything would prove nothing: it must skip most choices.
        assert len(kept) < len(choices) / 4, query
    assert kept_any > 300


@pytest.mark.parametrize("question", ["tax deadline", "visa costs"])
def test_two_words_one_unknown_are_asked_back_not_answered(
    shipped: KnowledgeBase, question: str
) -> None:
    result = match_question(question, shipped, HAND)
    assert result.decision == "suggest" and result.score >= HAND.answer, result
    # The learned decision never answers them either.
    assert match_question(question, shipped).decision in ("suggest", "fallback")


@pytest.mark.parametrize(
    ("question", "entry_id"), [("deadline?", "deadline"), ("deadline twin cities", "deadline")]
)
def test_short_questions_of_known_words_are_still_answered(
    shipped: KnowledgeBase, question: str, entry_id: str
) -> None:
    result = match_question(question, shipped, HAND)
    assert (result.decision, result.entry_id) == ("answer", entry_id)
    # The learned decision answers them, or offers the entry first ("did you mean").
    result = match_question(question, shipped)
    offered = (result.entry_id,) if result.decision == "answer" else result.suggestions[:1]
    assert offered == (entry_id,), result


def test_a_question_asked_again_gets_the_cached_result(shipped: KnowledgeBase) -> None:
    question = "what does the programme cost us, asked again"
    first = match_question(question, shipped)
    assert match_question(question, shipped) is first
    # Other thresholds are another key: decided afresh, not served the first result.
    strict = MatchThresholds(answer=99.0, suggest=98.0)
    assert match_question(question, shipped, strict) is not first


def test_a_reloaded_faq_starts_with_no_cached_results() -> None:
    question = "is there a webinar"
    old = load_knowledge_base(BUNDLED_FAQ_DIR)
    first = match_question(question, old)
    reloaded = load_knowledge_base(BUNDLED_FAQ_DIR)
    again = match_question(question, reloaded)
    assert again is not first and again == first


def test_the_result_cache_keeps_only_the_newest(
    shipped: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faq.matcher as matcher

    monkeypatch.setattr(matcher, "RESULT_CACHE_SIZE", 3)
    shipped.index._results.clear()
    for n in range(5):
        match_question(f"deadline number {n}", shipped)
    kept = [question for question, _ in shipped.index._results]
    assert kept == ["deadline number 2", "deadline number 3", "deadline number 4"]
