"""Questions about other programmes, real words that are no typos, and long messages."""

from __future__ import annotations

import pytest

from bot.settings import BUNDLED_FAQ_DIR
from faq import matcher
from faq.english import is_common_word
from faq.loader import load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS, MatchThresholds, match_question
from faq.model import KnowledgeBase
from faq.scope import asks_for_work, other_programme
from faq.semantic import asking_sentences

# The hand-set score rules these tests describe (the learned decision is tested elsewhere).
HAND = MatchThresholds(60.0, 48.0, calibrated=False)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


@pytest.mark.parametrize(
    ("question", "programme"),
    [
        ("Is the Interreg Europe call for projects open now?", "Interreg"),
        ("is the european urban initiative call open", "the European Urban Initiative"),
        ("what is the deadline for the life programme call", "the LIFE programme"),
        ("How do I apply for a LIFE grant?", "the LIFE programme"),
        ("When is the next URBACT call?", "URBACT"),
        ("how do we apply for the european green capital award", "the European Green Capital"),
    ],
)
def test_a_question_about_another_programme_falls_back_naming_it(
    question: str, programme: str, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    assert result.decision == "fallback", result
    assert result.out_of_scope is not None and result.out_of_scope.startswith(programme)


@pytest.mark.parametrize(
    "question",
    [
        "We saw the twinning call on the Interreg Europe website, when is the deadline?",
        "Can cities from Horizon Europe associated countries apply?",
        "what is the life of a twinning partnership",  # "life" as a word, not LIFE
        "We signed the Covenant of Mayors, can we apply?",
    ],
)
def test_a_question_naming_ours_or_only_words_is_not_out_of_scope(question: str) -> None:
    assert other_programme(question) is None


def test_the_out_of_scope_question_is_answered_without_the_check(
    shipped: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The check is what keeps it out: without it this question is answered about our call.
    question = "Is the Interreg Europe call for projects open now?"
    monkeypatch.setattr(matcher, "other_programme", lambda text: None)
    shipped.index._results.clear()  # results cached before the patch would hide it
    assert match_question(question, shipped, HAND).decision == "answer"


def test_a_real_word_is_not_corrected_into_a_different_faq_word(shipped: KnowledgeBase) -> None:
    assert is_common_word("heat") and is_common_word("pump")
    tokens = {q.token for q in matcher._query_tokens("what does a heat pump cost", shipped.index)}
    assert "heat" in tokens and "pump" in tokens and "hear" not in tokens, tokens
    assert match_question("what does a heat pump cost", shipped).decision == "fallback"


@pytest.mark.parametrize(
    ("word", "corrected"),
    [("eligable", "eligible"), ("heard", "hear"), ("travelling", "travel")],
)
def test_typos_and_forms_of_faq_words_are_still_corrected(
    word: str, corrected: str, shipped: KnowledgeBase
) -> None:
    tokens = {q.token for q in matcher._query_tokens(f"{word} city", shipped.index)}
    expected = matcher.canonical_token(corrected)
    assert expected in tokens, (word, tokens)


def test_a_misspelling_common_in_chat_is_no_ordinary_word() -> None:
    assert not is_common_word("twining") and not is_common_word("eligable")


LONG_QUESTION = (
    "Good morning from Spain. Our council is worried about money, so before we say yes I must "
    "know if the programme pays for the travel of our staff to the other city."
)


def test_a_long_message_is_answered_from_a_lower_score(shipped: KnowledgeBase) -> None:
    result = match_question(LONG_QUESTION, shipped, HAND)
    long_answer = HAND.answer - HAND.long_message_allowance
    assert long_answer <= result.score < HAND.answer, result
    assert result.decision == "answer" and result.entry_id == "costs-covered"
    strict = MatchThresholds(HAND.answer, HAND.suggest, long_message_allowance=0, calibrated=False)
    # Decided as a whole (its asking sentence alone would answer it, see below).
    assert matcher._decide(LONG_QUESTION, shipped, strict).decision == "suggest"


def test_a_short_message_gets_no_allowance() -> None:
    thresholds = MatchThresholds(answer=60, suggest=48, long_message_allowance=10)
    assert thresholds.answer_score(thresholds.long_message_words - 1) == 60
    assert thresholds.answer_score(thresholds.long_message_words) == 50
    # Never under the suggest score, whatever the allowance.
    assert MatchThresholds(60, 55, long_message_allowance=10).answer_score(20) == 55


CONTEXT_FIRST = (
    "Hello from a small city in Latvia. Our council meets next week and the mayor is worried "
    "about the budget for this year, and the opposition too. Does the programme give money to "
    "the city or only cover travel?"
)


def test_a_long_message_is_answered_from_its_asking_sentence(shipped: KnowledgeBase) -> None:
    whole = matcher._decide(CONTEXT_FIRST, shipped, HAND)
    assert whole.decision != "answer", "the context alone should dilute the whole message"
    asked = match_question(CONTEXT_FIRST.rsplit(". ", 1)[1], shipped, HAND)
    result = match_question(CONTEXT_FIRST, shipped, HAND)
    assert (result.decision, result.entry_id) == ("answer", "costs-covered")
    assert result.question == CONTEXT_FIRST
    assert result.score == round(asked.score - matcher.ASKING_SENTENCE_PENALTY, 1)
    assert result.candidates[0] == ("costs-covered", result.score)


def test_an_asking_sentence_under_the_answer_score_with_its_margin_does_not_answer(
    shipped: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = match_question(CONTEXT_FIRST.rsplit(". ", 1)[1], shipped, HAND)
    # Just short of the margin: the message is decided as a whole, as before.
    monkeypatch.setattr(matcher, "ASKING_SENTENCE_PENALTY", asked.score - HAND.answer + 0.2)
    shipped.index._results.clear()  # results cached before the patch would hide it
    assert match_question(CONTEXT_FIRST, shipped, HAND).decision != "answer"


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        (
            "We are a town in Croatia. We do not know which is the deadline.",
            "which is the deadline",
        ),
        ("Hi. When does it open? Thanks a lot.", "When does it open?"),
        ("We are a town. They want to understand if it is online. What is it?", "What is it?"),
        (
            "Hi from Tartu. I lead the climate office of the town and we want to join, but we"
            " do not know which is the deadline",
            "but we do not know which is the deadline",
        ),
    ],
)
def test_asking_sentences_include_questions_asked_inside_a_sentence(text: str, asking: str) -> None:
    found = asking_sentences(text)
    assert asking in found and "town" not in found and "Thanks" not in found


@pytest.mark.parametrize(
    "question",
    [
        "can you write our climate strategy for us",
        "Could you please translate these 20 pages into English?",
        "please draft a press release about our bike lanes",
        "Hello, can you help me write the climate action plan for our council",
        "would u make a template for our energy report",
        "translate this for us please: Die Stadt will klimaneutral werden",
        "Hello. Write me a poem about bicycles",
    ],
)
def test_a_request_for_work_falls_back_saying_so(shipped: KnowledgeBase, question: str) -> None:
    assert asks_for_work(question)
    result = match_question(question, shipped)
    assert result.decision == "fallback" and result.asks_for_work, result


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("can you check if my city is eligible", "eligibility"),
        ("can you tell me the deadline", "deadline"),
        ("can you send me reminders", "notifications"),
        ("could you help us fill in the twin cities application", "how-to-apply"),
    ],
)
def test_what_the_bot_does_or_a_request_about_our_call_is_no_request_for_work(
    shipped: KnowledgeBase, question: str, entry_id: str
) -> None:
    assert not asks_for_work(question)
    result = match_question(question, shipped)
    assert (result.decision, result.entry_id) == ("answer", entry_id), result


def test_a_question_at_the_end_of_a_sentence_of_context_is_answered(
    shipped: KnowledgeBase,
) -> None:
    question = (
        "Hi all, greetings from Kraków. I coordinate the climate office and we would love to "
        "join, but we don't know which is the deadline"
    )
    assert matcher._decide(question, shipped, DEFAULT_THRESHOLDS).decision == "fallback"
    result = match_question(question, shipped)
    assert (result.decision, result.entry_id) == ("answer", "deadline")


def test_a_noun_at_the_start_is_no_order() -> None:
    assert not asks_for_work("Review of applications: when is it done?")


@pytest.mark.parametrize(
    ("message", "named"),
    [
        # The city's past, told in a sentence of its own, and another question asked: ours.
        ("We took part in an Interreg project. How many hours a month does this take?", None),
        ("Hello, we were European Green Capital once.\nWhat climate target must we show?", None),
        # Asked about in the sentence that names it, or the only thing the message is about.
        ("We joined URBACT last year, is there a deadline for its next call?", "URBACT"),
        ("We took part in an Interreg project.", "Interreg"),
        ("When does the next Interreg call open? We have experience in LIFE.", "Interreg"),
    ],
)
def test_a_programme_in_the_citys_background_is_not_what_it_asks_about(
    message: str, named: str | None
) -> None:
    assert other_programme(message) == named
