"""Questions whether cities of one named country can take part, answered from the rules file."""

from __future__ import annotations

import dataclasses
import re
from html import escape
from typing import TYPE_CHECKING

from faq.countries import countries_named_in, country_name
from faq.eligibility import CityStatus, CountryGroup, EligibilityRules
from faq.normalize import fold_accents

if TYPE_CHECKING:
    from faq.matcher import MatchResult
    from faq.model import KnowledgeBase

# The entry a country answer stands for: its full list is one press away under the answer.
COUNTRY_ENTRY = "eligible-countries"
# Entries whose answer a country answer improves on; a confident answer on any other entry
# ("how do we apply? we are in Portugal") is kept. One of them must also rank among the first
# few candidates: "we want to apply but our staff speak English at B2" is about the language.
_ELIGIBILITY_ENTRIES = frozenset({COUNTRY_ENTRY, "eligibility", "associated-countries"})
_RANKS_CHECKED = 3
# ...within this many points of the first.
_RANK_MARGIN = 10.0
# The score from which the matcher's answer on another entry is trusted over the country rule
# (handlers/faq.py's CERTAIN_SCORE: under it an answer may be wrong).
KEEP_OTHER_ANSWER_FROM = 75.0

# Asking whether cities can take part: in English, and the verbs of a few languages that
# applicants mix into English ("can a Gemeinde in der Schweiz teilnehmen?").
_TAKING_PART = re.compile(
    r"\b(?:eli[gj]\w*b\w*|elegib\w*|appl(?:y|ying|icable)|join|joining|participat\w*"
    r"|take part|taking part|be part of|be involved|welcome[ds]?|(?:allowed|admitted) (?:to|in)"
    r"|accepted"
    r"|qualif(?:y|ies|ied)|entitled|exclude[ds]?|included|open (?:to|for)|count as"
    r"|teilnehmen|bewerben|mitmachen|partecipare|candidar\w*|participer|postuler|participar)\b"
)
# ...but not asking how, when or where to apply, which other entries answer.
_ASKS_SOMETHING_ELSE = re.compile(
    r"\bhow (?:do|does|can|could|should|to|would|will|long|much|many|is|are)\b|\bwhen\b"
    r"|\bwhere\b|\bdeadline|\bdocuments?\b|\bsteps?\b|\bform\b"
)
# A city that is or was in the Mission, or applied before, or an applicant that is no city:
# that decides, not the country.
_NAMES_A_STATUS = re.compile(
    r"\bmission cit|\bpilot cit|\balready\b|\bcohort (?:1|one)\b|\bfirst cohort\b"
    r"|\bapplied (?:before|last)|\bformer\b|\bprevious|\bagenc|\bcompan|\buniversit"
    r"|\bschool|\bngo\b|\bassociation|\bconsortium|\bbusiness"
)


def asked_country(question: str, kb: KnowledgeBase) -> str | None:
    """The alpha-2 code of the one country whose cities the question asks may take part, if any
    (None when it names none or several, asks something else, or the FAQ has no rules)."""
    if kb.eligibility is None:
        return None
    folded = fold_accents(question).casefold()
    if _TAKING_PART.search(folded) is None or _ASKS_SOMETHING_ELSE.search(folded) is not None:
        return None
    if _NAMES_A_STATUS.search(folded) is not None:
        return None
    named = countries_named_in(question)
    return named[0] if len(named) == 1 else None


def with_country_answer(result: MatchResult, kb: KnowledgeBase) -> MatchResult:
    """The result, turned into the country answer when the question asks about one country's
    cities (kept as it is for other programmes, requests for work, other languages, and a
    confident answer on another entry)."""
    if result.decision == "not_english" or result.out_of_scope or result.asks_for_work:
        return result
    confident_elsewhere = (
        result.decision == "answer"
        and result.entry_id not in _ELIGIBILITY_ENTRIES
        and result.score >= KEEP_OTHER_ANSWER_FROM
    )
    leading = result.candidates[0][1] if result.candidates else 0.0
    ranked = {
        entry_id
        for entry_id, score in result.candidates[:_RANKS_CHECKED]
        if leading - score <= _RANK_MARGIN
    }
    if confident_elsewhere or not ranked & _ELIGIBILITY_ENTRIES:
        return result
    code = asked_country(result.question, kb)
    if code is None or COUNTRY_ENTRY not in {entry.id for entry in kb.entries}:
        return result
    return dataclasses.replace(
        result, decision="answer", entry_id=COUNTRY_ENTRY, suggestions=(), country=code
    )


def _name(code: str) -> str:
    try:
        return country_name(code)
    except KeyError:
        return code


_STATUS_NAMES = {
    CityStatus.MISSION_CITY: "a Mission City",
    CityStatus.PILOT_CITY: "a Pilot City",
    CityStatus.TWIN_CITY: "a Twin City",
    CityStatus.APPLIED_BEFORE: "a city that applied before",
}


def _conditions(rules: EligibilityRules) -> str:
    """ "if they are not already a Mission, Pilot or Twin City and ...": the other two rules."""
    excluded = [_STATUS_NAMES[s] for s in _STATUS_NAMES if s in rules.excluded_statuses]
    commitment = (
        f"can show a commitment to climate neutrality by {rules.climate_neutral_by} at the latest"
    )
    if not excluded:
        return f"if they {commitment}"
    if len(excluded) == 1:
        statuses = excluded[0]
    else:
        statuses = ", ".join(excluded[:-1]) + " or " + excluded[-1]
    return f"if they are not already {statuses} and {commitment}"


def country_answer(code: str, rules: EligibilityRules) -> str:
    """What holds for cities of this country under the rules, as HTML (names escaped)."""
    name = f"<b>{escape(_name(code))}</b>"
    group = rules.group_of(code)
    listed = f"(as listed in {rules.checked_on:%B %Y})"
    if group is CountryGroup.EU:
        return (
            f"{name} is an EU Member State, so cities there can apply to the Cohort 2 call "
            f"{_conditions(rules)}.\n{_CHECK_YOURS}"
        )
    if group is CountryGroup.ASSOCIATED:
        verdict = (
            f"{name} is a Horizon Europe Associated Country {listed}, so cities there can apply "
            f"to the Cohort 2 call {_conditions(rules)}."
        )
    elif group is CountryGroup.PILLAR_TWO_ONLY:
        verdict = (
            f"{name} is associated to Horizon Europe for Pillar II only {listed}: no source says "
            "whether that is enough for this call, so ask the programme team before applying."
        )
    else:
        verdict = (
            f"{name} is neither an EU Member State nor a Horizon Europe Associated Country "
            f"{listed}, so cities there cannot apply to the Cohort 2 call unless that has changed."
        )
    return f"{verdict}\n{_LIST_CHANGES} {_CHECK_YOURS}"


_LIST_CHANGES = (
    "The associated countries change over time: check the official programme page, "
    "netzerocities.eu/twinning-learning-programme."
)
_CHECK_YOURS = "Check your own city step by step with /eligibility."
