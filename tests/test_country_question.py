"""A question whether one country's cities can take part is answered from the rules file."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from bot.settings import BUNDLED_FAQ_DIR
from faq.commands import result_json
from faq.countries import countries_named_in
from faq.country_question import COUNTRY_ENTRY, answers_entry, asked_country, country_answer
from faq.eligibility import CountryGroup, EligibilityRules
from faq.loader import load_knowledge_base
from faq.matcher import MatchResult, match_question
from faq.model import KnowledgeBase


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Are Croatian towns welcome too?", ("HR",)),
        ("is it open for slovak cities as well?", ("SK",)),
        ("Could a municipality from Malta join?", ("MT",)),
        ("a Gemeinde in der Schweiz", ("CH",)),
        ("Split, Croatia", ("HR",)),
        ("our town in Hrvatska", ("HR",)),
        ("from Great Britain", ("GB",)),
        ("the Republic of Korea", ("KR",)),
        ("is north macedonia in", ("MK",)),
        ("a town in Türkiye, or Turkey as some say", ("TR",)),
        ("Norway or Iceland", ("NO", "IS")),
        # A demonym alone is a language; a common word is no country ("island", "chile" sauce).
        ("do we need German?", ()),
        ("an island city with a good climate plan", ()),
        ("la ciudad piloto", ()),
    ],
)
def test_the_countries_a_text_names(text: str, codes: tuple[str, ...]) -> None:
    assert countries_named_in(text) == codes


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("Are Croatian towns welcome too?", "HR"),
        ("is it open for slovak cities as well?", "SK"),
        ("Could a municipality from Malta join?", "MT"),
        ("Can a Gemeinde in der Schweiz apply?", "CH"),
        ("Split, Croatia: can we take part?", "HR"),
        ("Can Canadian cities participate?", "CA"),
        ("is Kosovo eligible", "XK"),
        # Not asking whether they can take part, or asking how, or about a status, or two.
        ("when is the deadline? we are from Croatia", None),
        ("how do we apply? we are a town in Portugal", None),
        ("we are a Mission City in Spain, can we apply?", None),
        ("can an energy agency in Austria apply for the city?", None),
        ("can cities from Norway or Iceland apply", None),
        ("what is the maximum height allowed for buildings in Romania", None),
        # Applying for, or joining, something that is not ours.
        ("Can a town in Serbia apply for IPA funds?", None),
        ("can Greek cities join NATO", None),
        ("Is Albania eligible for EU membership?", None),
        ("Can Croatian cities apply for the national renovation programme?", None),
        ("Can a Polish city join as a twin city?", "PL"),
        ("Are Croatian towns welcome to apply for this call?", "HR"),
    ],
)
def test_the_country_a_question_asks_about(
    question: str, code: str | None, shipped: KnowledgeBase
) -> None:
    assert asked_country(question, shipped) == code


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("Are Croatian towns welcome too?", "HR"),
        ("is it open for slovak cities as well?", "SK"),
        ("Could a municipality from Malta join?", "MT"),
        ("Our town is Bihać in Bosnia, may we join?", "BA"),
        ("Can a Danish kommune join?", "DK"),
        ("Is Finland in? We are a lakeside town.", "FI"),
        ("Would a U.S. city such as Denver be allowed to apply?", "US"),
        ("Is Latvia allowed? Our town is Cēsis.", "LV"),
        # Not a Mission City: the usual case; and a sentence taking part in something else.
        (
            "We are a town in Slovenia and not a Mission City. We take part in many Interreg "
            "projects already. Is our town eligible for the twinning?",
            "SI",
        ),
        # A long message naming other countries in its context: the asking sentence decides.
        (
            "Dear team, we are a city in Austria (Graz) and we work a lot with Slovenian and "
            "Hungarian towns. Could an Austrian city take part in the twinning?\n\nBest regards,"
            "\nAnna",
            "AT",
        ),
    ],
)
def test_a_country_question_is_answered_for_that_country(
    question: str, code: str, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    assert (result.decision, result.country) == ("answer", code)
    # The entry the matcher found about eligibility stays the one answered.
    assert result.entry_id in (COUNTRY_ENTRY, "eligibility", "associated-countries")
    # Its score is that entry's when it is among the candidates.
    assert result.score == dict(result.candidates).get(result.entry_id, result.score)
    assert json.loads(result_json(result))["country"] == code


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("when is the deadline? we are from Croatia", "deadline"),
        ("Is the Interreg call open for Croatian cities?", None),
    ],
)
def test_a_question_that_only_mentions_a_country_is_not_taken(
    question: str, entry: str | None, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    assert result.country is None and result.entry_id == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # The country asked in the question: the answer stands for the list of countries...
        ("Can an Estonian town apply to be a twin?", COUNTRY_ENTRY),
        # ...for the criteria when they are asked, or when the country is only context.
        ("Is our Belgian municipality eligible, and what are the criteria?", "eligibility"),
        ("We are a town of 9,000 people in Slovakia. Are we allowed to take part?", "eligibility"),
    ],
)
def test_the_entry_a_country_answer_stands_for(
    question: str, entry: str, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    assert result.country is not None and result.entry_id == entry, result


@pytest.mark.parametrize(
    "question",
    [
        # The only question is about something else; applying is only said.
        "Our town in Spain wants to apply. Are the workshops in English?",
        "Hello from Croatia. We would like to join. Is there a deadline?",
    ],
)
def test_a_message_whose_question_is_elsewhere_is_not_a_country_question(
    question: str, shipped: KnowledgeBase
) -> None:
    assert match_question(question, shipped).country is None


def _rules(**groups: CountryGroup) -> EligibilityRules:
    return EligibilityRules(groups=groups, checked_on=date(2024, 11, 21), sources=("SB",))


@pytest.mark.parametrize(
    ("group", "says"),
    [
        (
            CountryGroup.EU,
            "<b>Croatia</b> is an EU Member State, so cities there can apply to the Cohort 2 "
            "call if they are not already a Mission City, a Pilot City or a Twin City and can "
            "show a commitment to climate neutrality by 2050 at the latest.",
        ),
        (
            CountryGroup.ASSOCIATED,
            "<b>Croatia</b> is a Horizon Europe Associated Country (as listed in November 2024), "
            "so cities there can apply",
        ),
        (
            CountryGroup.PILLAR_TWO_ONLY,
            "<b>Croatia</b> is associated to Horizon Europe for Pillar II only (as listed in "
            "November 2024): no source says whether that is enough",
        ),
        (
            None,
            "<b>Croatia</b> is neither an EU Member State nor a Horizon Europe Associated Country "
            "(as listed in November 2024), so cities there cannot apply",
        ),
    ],
)
def test_the_answer_says_what_the_rules_say_of_the_country(
    group: CountryGroup | None, says: str
) -> None:
    rules = _rules(HR=group) if group is not None else _rules(FR=CountryGroup.EU)
    text = country_answer("HR", rules)
    assert text.startswith(says), text
    assert "/eligibility" in text


def test_a_rule_edit_changes_the_answer(shipped: KnowledgeBase) -> None:
    question = "Are Croatian towns welcome too?"
    result = match_question(question, shipped)
    assert shipped.eligibility is not None and result.country == "HR"
    before = country_answer("HR", shipped.eligibility)
    groups = {**shipped.eligibility.groups, "HR": CountryGroup.PILLAR_TWO_ONLY}
    edited = dataclasses.replace(shipped.eligibility, groups=groups, checked_on=date(2025, 3, 1))
    after = country_answer("HR", edited)
    assert "EU Member State" in before and "Pillar II only (as listed in March 2025)" in after


def test_without_rules_no_question_is_a_country_question(shipped: KnowledgeBase) -> None:
    assert asked_country("Are Croatian towns welcome too?", shipped) == "HR"
    bare = dataclasses.replace(shipped, eligibility=None)
    assert asked_country("Are Croatian towns welcome too?", bare) is None


@pytest.mark.parametrize(
    ("country", "entry_id", "wanted", "answers"),
    [
        # A country answer: the same text whichever eligibility entry it stands for.
        ("HR", COUNTRY_ENTRY, "eligibility", True),
        ("HR", "eligibility", COUNTRY_ENTRY, True),
        ("HR", COUNTRY_ENTRY, "associated-countries", True),
        ("HR", COUNTRY_ENTRY, "city-size", False),
        # Any other answer answers its own entry only.
        (None, COUNTRY_ENTRY, "eligibility", False),
        (None, "deadline", "deadline", True),
    ],
)
def test_what_an_answer_answers(
    country: str | None, entry_id: str, wanted: str, answers: bool
) -> None:
    result = MatchResult("q", "answer", entry_id, 70.0, (), ((entry_id, 70.0),), country=country)
    assert answers_entry(result, wanted) is answers
