"""Other EU programmes, Missions and initiatives fall back naming them; our own call never does."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.settings import BUNDLED_FAQ_DIR
from faq.loader import load_knowledge_base
from faq.matcher import match_question
from faq.model import KnowledgeBase
from faq.scope import other_programme

SETS = sorted((Path(__file__).resolve().parent / "data").glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge_base(BUNDLED_FAQ_DIR)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("When does the Mission on Cancer publish its next call?", "the EU Mission on Cancer"),
        (
            "Our region joined the climate adaptation mission, is there a deadline for the "
            "charter?",
            "the EU Mission Adaptation to Climate Change",
        ),
        (
            "who can apply to the Restore our Ocean and Waters lighthouse call",
            "the EU Mission Restore our Ocean and Waters",
        ),
        ("Can a city host a living lab of the Soil Deal?", "the EU Mission A Soil Deal for Europe"),
        (
            "Is the CERV town twinning call open for small towns this year?",
            "CERV's town twinning for citizens",
        ),
        (
            "We want citizens' town-twinning money for a youth exchange with our sister town",
            "CERV's town twinning for citizens",
        ),
        (
            "How much of the technical assistance does ELENA pay for a retrofit programme?",
            "ELENA, the European Investment Bank's local energy assistance",
        ),
        ("what rate do EIB loans for street lighting have", "the European Investment Bank"),
        ("Can we get ELENA technical assistance from the EIB for heating?", "ELENA"),
        ("Is the Intelligent Cities Challenge still taking cities?", "the Intelligent Cities"),
        ("how do we pitch a project on the Smart Cities Marketplace", "the Smart Cities"),
        ("when are the New European Bauhaus prizes announced", "the New European Bauhaus"),
        ("When is the next call of the Digital Europe programme", "the Digital Europe Programme"),
        ("Can a municipality apply to the CEF for charging stations?", "the Connecting Europe"),
        ("how do we sign the Covenant of Mayors", "the Covenant of Mayors"),
        ("Is the ERC starting grant open to city officials?", "the European Research Council"),
        ("deadline of the Driving Urban Transitions call", "the Driving Urban Transitions"),
        ("what is the Urban Innovative Actions budget", "the European Urban Initiative"),
        ("when do the Horizon Europe cluster 5 topics close", "other Horizon Europe calls"),
        ("Can our city fund a tram from the Recovery and Resilience Facility?", "the Recovery"),
        ("is a town eligible for the Modernisation Fund", "the Modernisation Fund"),
        ("when do Deep Demonstrations with cities start", "EIT Climate-KIC's Deep"),
        ("how does a city become a C40 member", "C40 Cities"),
        ("What is the prize of the Mayors Challenge for European cities?", "Bloomberg"),
        ("By when must we submit our SECAP to the Covenant of Mayors?", "the Covenant of Mayors"),
        ("Which English course do you recommend for our staff?", "English courses"),
        ("How many inhabitants make a town a city under Czech law?", "national law"),
        (
            "Is the Widening twinning call for research institutions open to our city?",
            "Horizon Europe's Widening actions",
        ),
    ],
)
def test_another_initiative_falls_back_naming_it(
    question: str, named: str, shipped: KnowledgeBase
) -> None:
    result = match_question(question, shipped)
    assert result.decision == "fallback", result
    assert result.out_of_scope is not None and result.out_of_scope.startswith(named), result


@pytest.mark.parametrize(
    "question",
    [
        "Is the Twin Cities call part of the Cities Mission?",
        "Can cities from Horizon Europe associated countries apply?",
        "Is association to Horizon Europe for Pillar II enough to apply?",
        "We signed the Covenant of Mayors, can we apply?",
        "We have a SECAP already, which conditions must we meet?",
        "Is the town twinning of NetZeroCities open to small towns?",
        "Do Mission Cities get a label, and can a Pilot City apply?",
        "what is the life of a twinning partnership",
        "Can our citizens take part in the site visits?",
        "Is Croatia a widening country? Can our city apply to the twin cities call?",
        "Do we need an English certificate to apply?",
        "Is the Recovery plan of our city enough as a climate commitment?",
    ],
)
def test_our_call_is_never_another_initiative(question: str) -> None:
    assert other_programme(question) is None


@pytest.mark.parametrize("set_file", SETS, ids=lambda path: path.name)
def test_no_covered_question_of_any_set_is_routed_out_of_scope(
    set_file: Path, shipped: KnowledgeBase
) -> None:
    data = YAML(typ="safe").load(set_file.read_text(encoding="utf-8"))
    covered = [item["q"] for item in data.get("covered", [])]
    taken = [q for q in covered if match_question(q, shipped).out_of_scope is not None]
    assert taken == [], f"{len(taken)} of {len(covered)} routed out of scope"
