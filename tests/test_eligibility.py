"""Eligibility: the shipped rules file, its validation with file and line, and every verdict."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from faq.eligibility import (
    CityStatus,
    Commitment,
    CountryGroup,
    EligibilityRules,
    Verdict,
    judge,
)
from faq.loader import FaqValidationError, Problem, load_knowledge_base

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"
VALID = Path(__file__).parent / "data" / "faq_fixtures" / "valid"
RULES_FILE = "eligibility-rules.yaml"

RULES = EligibilityRules(
    groups={
        "DE": CountryGroup.EU,
        "XK": CountryGroup.ASSOCIATED,
        "GB": CountryGroup.ASSOCIATED,
        "CA": CountryGroup.PILLAR_TWO_ONLY,
    },
    checked_on=date(2024, 11, 21),
    sources=("SB",),
)
ELIGIBLE, NOT_ELIGIBLE, UNCLEAR = Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.UNCLEAR
NONE, YES = CityStatus.NONE, Commitment.YES


def test_shipped_folder_has_the_rules_from_the_facts() -> None:
    rules = load_knowledge_base(SHIPPED).eligibility
    assert rules is not None
    by_group = {group: {c for c, g in rules.groups.items() if g is group} for group in CountryGroup}
    assert len(by_group[CountryGroup.EU]) == 27
    assert (
        len(by_group[CountryGroup.ASSOCIATED]) + len(by_group[CountryGroup.PILLAR_TWO_ONLY]) == 20
    )
    assert by_group[CountryGroup.PILLAR_TWO_ONLY] == {"CA", "NZ", "KR"}
    assert {"XK", "TR", "GB", "FO", "UA"} <= by_group[CountryGroup.ASSOCIATED]
    assert rules.group_of("CH") is None
    assert rules.group_of("de") is CountryGroup.EU
    assert rules.checked_on == date(2024, 11, 21)
    assert rules.sources == ("N6", "N7", "SB", "EU-R")
    assert rules.climate_neutral_by == 2050


def test_a_folder_without_rules_loads_with_none() -> None:
    assert load_knowledge_base(VALID).eligibility is None


@pytest.mark.parametrize(
    ("country", "status", "commitment", "verdict", "reason_count", "has_check"),
    [
        pytest.param("DE", NONE, YES, ELIGIBLE, 3, False, id="eu-all-met"),
        pytest.param("XK", NONE, YES, ELIGIBLE, 3, False, id="kosovo-associated"),
        pytest.param("gb", NONE, YES, ELIGIBLE, 3, False, id="lower-case-code"),
        pytest.param("CA", NONE, YES, UNCLEAR, 1, True, id="pillar-two-only"),
        pytest.param("CH", NONE, YES, NOT_ELIGIBLE, 1, True, id="not-listed"),
        pytest.param("DE", CityStatus.MISSION_CITY, YES, NOT_ELIGIBLE, 1, False, id="mission"),
        pytest.param("DE", CityStatus.PILOT_CITY, YES, NOT_ELIGIBLE, 1, False, id="pilot"),
        pytest.param("DE", CityStatus.TWIN_CITY, YES, NOT_ELIGIBLE, 1, False, id="twin"),
        pytest.param("DE", CityStatus.APPLIED_BEFORE, YES, UNCLEAR, 1, True, id="applied"),
        pytest.param("DE", NONE, Commitment.NO, NOT_ELIGIBLE, 1, False, id="no-commitment"),
        pytest.param("DE", NONE, Commitment.NOT_SURE, UNCLEAR, 1, True, id="unsure"),
        pytest.param(
            "CA", CityStatus.APPLIED_BEFORE, Commitment.NOT_SURE, UNCLEAR, 3, True, id="all-unclear"
        ),
        pytest.param(
            "CA",
            CityStatus.MISSION_CITY,
            Commitment.NOT_SURE,
            NOT_ELIGIBLE,
            3,
            True,
            id="failed-wins-over-unclear",
        ),
        pytest.param(
            "CH", CityStatus.TWIN_CITY, Commitment.NO, NOT_ELIGIBLE, 3, True, id="all-failed"
        ),
        pytest.param(
            "DE",
            CityStatus.PILOT_CITY,
            Commitment.NOT_SURE,
            NOT_ELIGIBLE,
            2,
            True,
            id="one-failed-one-unclear",
        ),
    ],
)
def test_judge(
    country: str,
    status: CityStatus,
    commitment: Commitment,
    verdict: Verdict,
    reason_count: int,
    has_check: bool,
) -> None:
    judgement = judge(RULES, country, status, commitment)
    assert judgement.verdict is verdict
    assert len(judgement.reasons) + len(judgement.also_unclear) == reason_count
    assert bool(judgement.to_check) is has_check
    reasons = (*judgement.reasons, *judgement.also_unclear)
    assert all(reason.endswith(".") and "<" not in reason for reason in reasons)
    # Each point to check is a phrase without a colon or the address (said once, elsewhere).
    assert all(":" not in point and "netzerocities" not in point for point in judgement.to_check)


@pytest.mark.parametrize(
    ("country", "status", "commitment", "failed", "also_unclear"),
    [
        pytest.param("CA", CityStatus.MISSION_CITY, Commitment.NOT_SURE, 1, 2, id="one-failed"),
        pytest.param("CH", CityStatus.APPLIED_BEFORE, YES, 1, 1, id="country-failed"),
        pytest.param("CH", CityStatus.TWIN_CITY, Commitment.NO, 3, 0, id="all-failed"),
        pytest.param("CA", NONE, YES, 1, 0, id="unclear-only"),  # its reasons are the unclear
    ],
)
def test_a_not_eligible_verdict_gives_the_failed_rules_and_keeps_the_unclear_apart(
    country: str, status: CityStatus, commitment: Commitment, failed: int, also_unclear: int
) -> None:
    judgement = judge(RULES, country, status, commitment)
    assert (len(judgement.reasons), len(judgement.also_unclear)) == (failed, also_unclear)
    if judgement.verdict is NOT_ELIGIBLE:
        assert not any("not yet sure" in r or "do not say" in r for r in judgement.reasons)


@pytest.mark.parametrize(
    ("country", "status", "commitment", "words"),
    [
        pytest.param("CH", NONE, YES, ("Switzerland", "21 November 2024"), id="list-date"),
        pytest.param("CA", NONE, YES, ("Canada", "Pillar II only"), id="pillar-two"),
        pytest.param("DE", CityStatus.MISSION_CITY, YES, ("Mission Cities", "Cohort 1"), id="mc"),
        pytest.param("DE", NONE, Commitment.NO, ("2050 at the latest",), id="commitment"),
        pytest.param("XK", NONE, YES, ("Kosovo", "Associated Country"), id="kosovo"),
    ],
)
def test_reasons_name_the_rule(
    country: str, status: CityStatus, commitment: Commitment, words: tuple[str, ...]
) -> None:
    text = " ".join(judge(RULES, country, status, commitment).reasons)
    assert all(word in text for word in words), text


def test_country_to_check_says_the_list_changes() -> None:
    to_check = judge(RULES, "CH", NONE, YES).to_check
    assert any("changes over time" in point for point in to_check)


def test_excluded_statuses_come_from_the_rules() -> None:
    rules = EligibilityRules(
        groups=RULES.groups,
        checked_on=RULES.checked_on,
        sources=RULES.sources,
        excluded_statuses=frozenset({CityStatus.APPLIED_BEFORE}),
    )
    assert judge(rules, "DE", CityStatus.APPLIED_BEFORE, YES).verdict is NOT_ELIGIBLE
    assert judge(rules, "DE", CityStatus.MISSION_CITY, YES).verdict is ELIGIBLE


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(VALID, target)
    shutil.copy(SHIPPED / RULES_FILE, target / RULES_FILE)
    return target


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    return caught.value.problems


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / RULES_FILE).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith(text))


def test_rules_copied_into_a_fixture_load(rules_dir: Path) -> None:
    rules = load_knowledge_base(rules_dir).eligibility
    assert rules is not None and rules.group_of("XK") is CountryGroup.ASSOCIATED


@pytest.mark.parametrize(
    ("old", "new", "message", "at"),
    [
        pytest.param(
            "checked_on: 2024-11-21",
            "checked_on: 2024-13-40",
            "impossible date",
            "checked_on",
            id="date",
        ),
        pytest.param(
            "checked_on: 2024-11-21", "checked_on:", '"checked_on"', "checked_on", id="empty-date"
        ),
        pytest.param(
            "checked_on:", "checked_in:", 'did you mean "checked_on"?', "checked_in", id="typo-key"
        ),
        pytest.param(
            "sources: [N6, N7, SB, EU-R]", "sources: []", '"sources"', "sources", id="no-sources"
        ),
        pytest.param(
            "[CA, NZ, KR]",
            "[CA, NZ, KR, ZZ]",
            '"ZZ" in "pillar2_only"',
            "pillar2_only",
            id="unknown",
        ),
        pytest.param(
            "[CA, NZ, KR]", "[CA, NZ, KR, de]", 'write "DE"', "pillar2_only", id="lower-case"
        ),
        pytest.param(
            "[CA, NZ, KR]",
            "[CA, NZ, KR, GB]",
            '"GB" is listed twice',
            "pillar2_only",
            id="duplicate",
        ),
        pytest.param(
            "[CA, NZ, KR]",
            "[]",
            '"pillar2_only" in "countries" is empty',
            "pillar2_only",
            id="empty",
        ),
        pytest.param(
            "pillar2_only:",
            "pilar2_only:",
            'did you mean "pillar2_only"?',
            "pilar2_only",
            id="group",
        ),
        pytest.param(
            "[mission, pilot, twin]",
            "[mission, pilots]",
            '"pilots"',
            "excluded_statuses",
            id="status",
        ),
        pytest.param(
            "climate_neutral_by: 2050",
            "climate_neutral_by: soon",
            "a year",
            "climate_neutral_by",
            id="year",
        ),
    ],
)
def test_broken_rules_name_file_and_line(
    rules_dir: Path, old: str, new: str, message: str, at: str
) -> None:
    path = rules_dir / RULES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = _problems(rules_dir)
    assert all(p.file.endswith(RULES_FILE) for p in problems)
    found = [p for p in problems if message in p.message]
    assert len(found) == 1, problems
    assert found[0].line == _line_of(rules_dir, at)


def test_second_rules_file_is_an_error(rules_dir: Path) -> None:
    shutil.copy(rules_dir / RULES_FILE, rules_dir / "zz-rules.yaml")
    problems = _problems(rules_dir)
    assert [p.file.endswith("zz-rules.yaml") for p in problems] == [True]
    assert 'a second "eligibility:" section' in problems[0].message


def test_rules_and_entries_in_one_file_is_an_error(rules_dir: Path) -> None:
    path = rules_dir / RULES_FILE
    path.write_text(path.read_text(encoding="utf-8") + "entries: []\n", encoding="utf-8")
    assert any("eligibility-rules.yaml" in p.message for p in _problems(rules_dir))
