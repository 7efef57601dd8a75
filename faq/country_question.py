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

# The entry listing every country: one press away under a country answer.
COUNTRY_ENTRY = "eligible-countries"
# The entries a country answer says for one country: the matcher's answer (or, when it is not
# sure, its best candidate) must be one of them. An answer on any other entry ("we want to apply
# but our staff speak English at B2") is what the question asked.
_ELIGIBILITY_ENTRIES = frozenset({COUNTRY_ENTRY, "eligibility", "associated-countries"})
# Points under the first candidate within which the matcher cannot tell two entries apart (as
# its own tie room).
_TIE_ROOM = 5.0

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
# What a question applies for, joins or takes part in, when it says: it must be ours ("this
# call", "the twinning", "the programme"), else the question is about something else ("can a
# town in Serbia apply for IPA funds?").
_APPLIES_FOR = re.compile(
    r"\b(?:(?:appl(?:y|ying)|eli[gj]\w*b\w*|participat\w*|take part|taking part|be part"
    r"|welcome[ds]?|allowed|admitted|accepted|qualif(?:y|ies|ied)|entitled)"
    r" (?:for|to|in|into|of|at)|join(?:ing)?(?: in)?) (?P<object>[\w'-]+(?: [\w'-]+){0,3})"
)
# Ours: the call, the programme or the twinning (after "the", "this"...), or no object at all
# ("join as well", "welcome to apply").
_OUR_OBJECTS = re.compile(
    r"^(?:apply|join|participate|take|be|become|enter|submit|compete|sign|register|as|too"
    r"|also|now|again|us|well|please|still|even|if|it|this|that|you)\b"
    r"|^(?:(?:the|this|that|your|a|an|our) )?(?:(?:eu|european|cities|nzc|netzerocities) )?"
    r"(?:twin\w*|programm\w*|program|call|calls|cohort|mission|netzerocities|nzc|learning"
    r"|initiative)\b"
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
    for applied in _APPLIES_FOR.finditer(folded):
        if _OUR_OBJECTS.search(applied["object"]) is None:
            return None
    named = countries_named_in(question)
    return named[0] if len(named) == 1 else None


def with_country_answer(result: MatchResult, kb: KnowledgeBase) -> MatchResult:
    """The result, turned into the country answer when the question asks about one country's
    cities and the matcher's best guess is about eligibility (kept as it is for other
    programmes, requests for work, other languages, and an answer on any other entry)."""
    if result.decision == "not_english" or result.out_of_scope or result.asks_for_work:
        return result
    if result.decision == "answer":
        found = result.entry_id if result.entry_id in _ELIGIBILITY_ENTRIES else None
    else:
        found = _leading_eligibility_entry(result)
    if found is None:
        return result
    score = dict(result.candidates).get(found, result.score)
    code = asked_country(result.question, kb)
    if code is None:
        return result
    # The entry the matcher found stays the one answered: the country answer says, for that
    # country, what its answer says (the countries, or every condition to apply).
    return dataclasses.replace(
        result, decision="answer", entry_id=found, score=score, suggestions=(), country=code
    )


def _leading_eligibility_entry(result: MatchResult) -> str | None:
    """The best eligibility entry among the candidates, if the matcher ranks it first or cannot
    tell it from the first ("is it open for slovak cities as well?": pilot-cities 54.8,
    eligible-countries 54.2)."""
    if not result.candidates:
        return None
    leading = result.candidates[0][1]
    for entry_id, score in result.candidates:
        if leading - score > _TIE_ROOM:
            return None
        if entry_id in _ELIGIBILITY_ENTRIES:
            return entry_id
    return None


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
