"""The Cohort 2 eligibility rules (countries as data) and the verdict for one city's answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from faq.countries import country_name


class Verdict(Enum):
    """The outcome of a check; the value is the wording shown to cities."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not eligible"
    UNCLEAR = "unclear"


class CityStatus(Enum):
    """What the city already is in the Cities Mission, as the city says."""

    MISSION_CITY = "mission"
    PILOT_CITY = "pilot"
    TWIN_CITY = "twin"
    APPLIED_BEFORE = "applied"
    NONE = "none"


class Commitment(Enum):
    """Whether the city can show a commitment to climate neutrality by 2050 at the latest."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "unsure"


class CountryGroup(Enum):
    """How a country is listed; the value is its key under "countries:" in the YAML file."""

    EU = "eu"
    ASSOCIATED = "associated"
    PILLAR_TWO_ONLY = "pillar2_only"


DEFAULT_EXCLUDED = frozenset({CityStatus.MISSION_CITY, CityStatus.PILOT_CITY, CityStatus.TWIN_CITY})
DEFAULT_CLIMATE_NEUTRAL_BY = 2050
# Where every point to check is settled: said once, after the points.
WHERE_TO_CHECK = (
    "The call guidelines are on the official programme page, "
    "netzerocities.eu/twinning-learning-programme. No source gives a contact for the programme "
    "itself; send /human to ask the team running this bot."
)


@dataclass(frozen=True)
class EligibilityRules:
    """The country list from faq/data/eligibility-rules.yaml, with the date it was checked."""

    groups: Mapping[str, CountryGroup]
    checked_on: date
    sources: tuple[str, ...]
    excluded_statuses: frozenset[CityStatus] = DEFAULT_EXCLUDED
    climate_neutral_by: int = DEFAULT_CLIMATE_NEUTRAL_BY

    def group_of(self, code: str) -> CountryGroup | None:
        """The group of this alpha-2 code (any case), None when the country is not listed."""
        return self.groups.get(code.strip().upper())


@dataclass(frozen=True)
class Judgement:
    """A verdict with its reasons (plain text, one per rule), and what is left to check.

    `reasons` are the rules that decide the verdict: the failed ones when not eligible, the
    unclear ones when unclear, all of them when eligible. A city found not eligible may also
    have points the sources do not settle: those are `also_unclear`. Each of `to_check` is a
    phrase ("whether cities in Canada can apply") to check where WHERE_TO_CHECK says.
    """

    verdict: Verdict
    reasons: tuple[str, ...]
    to_check: tuple[str, ...] = ()
    also_unclear: tuple[str, ...] = ()
    # The day of the country list a country outside the EU was judged by (None for EU states).
    country_list_day: date | None = None


@dataclass(frozen=True)
class _Finding:
    verdict: Verdict
    reason: str
    to_check: str | None = None


def _listed_on(rules: EligibilityRules) -> str:
    checked = rules.checked_on
    return f"{checked.day} {checked:%B %Y}"


def _country_finding(rules: EligibilityRules, code: str) -> _Finding:
    group = rules.group_of(code)
    try:
        name = country_name(code.strip().upper())
    except KeyError:
        name = code
    if group is CountryGroup.EU:
        return _Finding(Verdict.ELIGIBLE, f"{name} is an EU Member State.")
    if group is CountryGroup.ASSOCIATED:
        return _Finding(
            Verdict.ELIGIBLE,
            f"{name} is a Horizon Europe Associated Country, in the list of {_listed_on(rules)}.",
        )
    if group is CountryGroup.PILLAR_TWO_ONLY:
        return _Finding(
            Verdict.UNCLEAR,
            f"{name} is associated to Horizon Europe for Pillar II only; the sources do not say "
            "whether that is enough for this call.",
            f"whether cities in {name} can apply",
        )
    return _Finding(
        Verdict.NOT_ELIGIBLE,
        f"{name} is neither an EU Member State nor a Horizon Europe Associated Country in the "
        f"list of {_listed_on(rules)}.",
        f"whether {name}'s status has changed (the list changes over time)",
    )


_EXCLUDED_REASONS = {
    CityStatus.MISSION_CITY: (
        "Mission Cities cannot apply to Cohort 2 (they could apply in Cohort 1)."
    ),
    CityStatus.PILOT_CITY: "A city that is already a Pilot City cannot apply.",
    CityStatus.TWIN_CITY: "A city that is already a Twin City cannot apply.",
    CityStatus.APPLIED_BEFORE: "A city that applied before cannot apply again.",
}
_STATUS_WORDS = {
    CityStatus.MISSION_CITY: "a Mission City",
    CityStatus.PILOT_CITY: "a Pilot City",
    CityStatus.TWIN_CITY: "a Twin City",
    CityStatus.APPLIED_BEFORE: "a city that applied before",
}


def _status_finding(rules: EligibilityRules, status: CityStatus) -> _Finding:
    if status in rules.excluded_statuses:
        return _Finding(Verdict.NOT_ELIGIBLE, _EXCLUDED_REASONS[status])
    if status is CityStatus.APPLIED_BEFORE:
        return _Finding(
            Verdict.UNCLEAR,
            "The sources say nothing about cities that applied before and were not selected.",
            "whether a city not selected before may apply again",
        )
    if status is CityStatus.NONE:
        return _Finding(
            Verdict.ELIGIBLE, "The city is not a Mission City, a Pilot City or a Twin City."
        )
    return _Finding(Verdict.ELIGIBLE, f"The rules do not exclude {_STATUS_WORDS[status]}.")


def _commitment_finding(rules: EligibilityRules, commitment: Commitment) -> _Finding:
    required = (
        f"Applicants must show a commitment to climate neutrality by {rules.climate_neutral_by} "
        "at the latest"
    )
    if commitment is Commitment.YES:
        return _Finding(
            Verdict.ELIGIBLE,
            f"The city can show a commitment to climate neutrality by {rules.climate_neutral_by}.",
        )
    if commitment is Commitment.NO:
        return _Finding(Verdict.NOT_ELIGIBLE, f"{required}.")
    return _Finding(
        Verdict.UNCLEAR,
        f"{required}, and it is not yet sure the city can.",
        "what the call accepts as a commitment to climate neutrality",
    )


def judge(
    rules: EligibilityRules, country_code: str, status: CityStatus, commitment: Commitment
) -> Judgement:
    """The verdict: any failed rule makes it not eligible, then any unclear one unclear."""
    findings = (
        _country_finding(rules, country_code),
        _status_finding(rules, status),
        _commitment_finding(rules, commitment),
    )
    failed = [finding for finding in findings if finding.verdict is Verdict.NOT_ELIGIBLE]
    unclear = [finding for finding in findings if finding.verdict is Verdict.UNCLEAR]
    checks = tuple(finding.to_check for finding in (*failed, *unclear) if finding.to_check)
    listed = None if rules.group_of(country_code) is CountryGroup.EU else rules.checked_on
    if failed:
        return Judgement(Verdict.NOT_ELIGIBLE, _reasons(failed), checks, _reasons(unclear), listed)
    if unclear:
        return Judgement(Verdict.UNCLEAR, _reasons(unclear), checks, country_list_day=listed)
    return Judgement(Verdict.ELIGIBLE, _reasons(findings), country_list_day=listed)


def _reasons(findings: Sequence[_Finding]) -> tuple[str, ...]:
    return tuple(finding.reason for finding in findings)
