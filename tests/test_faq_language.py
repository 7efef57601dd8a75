"""Questions in other languages are told from English ones, typos and non-native English too."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from faq.language import is_not_english
from faq.loader import load_knowledge_base
from faq.matcher import match_question

DATA = Path(__file__).resolve().parent / "data"
ENGLISH_SETS = ("faq_practice.yaml", "faq_eval.yaml", "faq_eval_long.yaml")
REQUIRED_FOREIGN_RATE = 0.90


def _english_questions() -> list[str]:
    questions: list[str] = []
    for name in ENGLISH_SETS:
        data = YAML(typ="safe").load((DATA / name).read_text(encoding="utf-8"))
        questions += [item["q"] for item in data["covered"]] + list(data["uncovered"])
    return questions


def test_no_english_question_of_the_eval_sets_is_taken_as_foreign() -> None:
    questions = _english_questions()
    wrong = [q for q in questions if is_not_english(q)]
    print(f"English taken as foreign: {len(wrong)}/{len(questions)}")
    assert wrong == []


def test_questions_in_other_languages_are_detected() -> None:
    foreign = YAML(typ="safe").load((DATA / "faq_foreign.yaml").read_text(encoding="utf-8"))
    questions = foreign["foreign"]
    missed = [q for q in questions if not is_not_english(q)]
    rate = 1 - len(missed) / len(questions)
    print(f"foreign detected: {len(questions) - len(missed)}/{len(questions)} = {rate:.1%}")
    assert rate >= REQUIRED_FOREIGN_RATE, missed


def test_a_foreign_question_is_decided_not_english() -> None:
    kb = load_knowledge_base(DATA.parent.parent / "faq" / "data")
    result = match_question("Wie kann ich mich bewerben?", kb)
    assert (result.decision, result.entry_id, result.suggestions) == ("not_english", None, ())


def test_other_scripts_and_single_greetings() -> None:
    assert is_not_english("Как подать заявку?")
    assert is_not_english("Πώς μπορούμε να κάνουμε αίτηση;")
    assert not is_not_english("bonjour")
    assert not is_not_english("Can Malmö or Kraków apply?")


def test_a_greeting_or_office_name_in_another_language_before_an_english_question() -> None:
    assert not is_not_english("Καλημέρα από τον Δήμο Θεσσαλονίκης. What does twinning cost?")
    assert not is_not_english("Urząd Miasta Łodzi, Wydział Strategii. is b1 english enough")
    assert not is_not_english("Bom dia! Somos da Câmara Municipal de Braga. Can we apply?")
    assert not is_not_english("Bonjour, je suis de la mairie, when is the deadline?")
    assert not is_not_english("Γεια σας, είμαστε δήμος, can we join?")


def test_a_foreign_message_with_an_english_word_of_thanks_is_still_foreign() -> None:
    assert is_not_english("Wie kann ich mich bewerben? Thanks")
    assert is_not_english("Hallo, ich arbeite bei der Stadtverwaltung. Wie kann ich mich bewerben?")
    assert is_not_english("Hallo, ich möchte wissen, was das Programm ist")
    assert is_not_english("Здравствуйте! Как подать заявку? Спасибо")
