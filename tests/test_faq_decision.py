"""The calibrated decision: its model file, its training, and what it decides."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.settings import BUNDLED_FAQ_DIR
from faq import train
from faq.decision import CLASSES, FEATURES, MODEL_FILE, DecisionModel, Signals, shipped_model
from faq.loader import load_knowledge_base
from faq.matcher import MatchThresholds, match_question, readings
from faq.model import KnowledgeBase
from faq.semantic import asking_sentences


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


def test_the_shipped_model_matches_the_features_and_gives_probabilities() -> None:
    model = shipped_model()
    assert model.weights.shape == (len(FEATURES), len(CLASSES))
    assert 0 < model.suggest_from <= model.answer_from < 1
    signals = Signals((80.0, 50.0), (80.0, 50.0), (0.8, 0.5), 3, 0, 3, False, False, 5, False)
    chances = model.probabilities(signals.vector())
    assert chances.shape == (len(CLASSES),) and abs(chances.sum() - 1) < 1e-9


def test_a_model_for_other_features_is_refused_in_one_sentence() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match=r"python -m faq\.train"):
        DecisionModel.from_json(data)


def test_clear_questions_are_answered_and_unrelated_ones_fall_back(
    shipped: KnowledgeBase,
) -> None:
    answered = match_question("when is the deadline to apply", shipped)
    assert (answered.decision, answered.entry_id) == ("answer", "deadline")
    assert match_question("what is the price of bitcoin today", shipped).decision == "fallback"


def test_the_answer_score_is_a_floor_under_the_learned_decision(shipped: KnowledgeBase) -> None:
    strict = MatchThresholds(answer=100.1, suggest=40.0)
    result = match_question("when is the deadline to apply", shipped, strict)
    assert result.decision == "suggest" and result.suggestions[:1] == ("deadline",)
    none = MatchThresholds(answer=100.1, suggest=100.1)
    assert match_question("when is the deadline to apply", shipped, none).decision == "fallback"


# A pasted email, not in any question set: the question is asked without "?" between a
# description of the town and a signature.
EMAIL = (
    "Dear NetZeroCities team,\n\n"
    "I work in the environment office of Kamnik, a Slovenian town of 30,000 people with a "
    "climate plan since 2021 and a lot of interest in district heating.\n\n"
    "We would like to know the last day to send our application.\n\n"
    "Kind regards,\nMaja Kos\nObčina Kamnik"
)


def test_the_asking_part_is_found_without_a_question_mark() -> None:
    asked = asking_sentences(EMAIL)
    assert asked == "We would like to know the last day to send our application."


def test_greetings_and_the_signature_are_not_the_asking_part() -> None:
    text = (
        "Hello,\nOur town has 12,000 inhabitants.\nWe would love some information on travel "
        "costs.\nBest regards,\nJan Novak"
    )
    # No sentence asks: the last one before the signature is the best guess, not "Jan Novak".
    assert asking_sentences(text) == "We would love some information on travel costs."


def test_a_long_email_is_decided_on_its_asking_part(shipped: KnowledgeBase) -> None:
    found = readings(EMAIL, shipped)
    assert [reading.signals.focused for reading in found] == [False, True]
    result = match_question(EMAIL, shipped)
    assert (result.decision, result.entry_id) == ("answer", "deadline"), result


def test_training_refuses_the_held_out_sets(capsys: pytest.CaptureFixture[str]) -> None:
    assert train.main(["tests/data/faq_eval.yaml"]) == 2
    assert "held out" in capsys.readouterr().err


def test_fit_learns_a_separable_rule() -> None:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(400, len(FEATURES)))
    labels = np.where(features[:, 0] > 0, 0, 3).astype(np.intp)
    model = train.fit(features, labels)
    predicted = model.probabilities(features).argmax(axis=1)
    assert (predicted == labels).mean() > 0.95


def test_cut_offs_keep_the_limits_on_the_questions_they_were_chosen_on(
    shipped: KnowledgeBase, tmp_path: Path
) -> None:
    questions = tmp_path / "practice.yaml"
    questions.write_text(
        "covered:\n"
        '  - {q: "when is the deadline", id: deadline}\n'
        '  - {q: "how long does the programme last", id: duration}\n'
        '  - {q: "what is a pilot city", id: pilot-cities}\n'
        "uncovered:\n"
        '  - "what is the price of bitcoin"\n'
        '  - "best pizza in naples"\n',
        encoding="utf-8",
    )
    items = train.examples([questions], shipped)
    model = shipped_model()
    chances = [
        [model.probabilities(reading.signals.vector()) for reading in example.readings]
        for example in items
    ]
    answer_from, suggest_from = train.best_cut_offs(items, chances)
    found = train.outcome(items, chances, answer_from, suggest_from)
    assert found.wrong == 0 and found.off_topic_answered == 0
    assert found.right + found.one_tap == 2 * found.covered
