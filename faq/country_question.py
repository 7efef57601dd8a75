"""Questions whether cities of one named country can take part, answered from the rules file."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
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
# From this score an answer on another entry is kept even when a sentence asks about a
# country's cities outright (handlers/faq.py's CERTAIN_SCORE: under it an answer may be wrong;
# "Can a Norwegian kommune apply?" was answered about the language).
KEEP_OTHER_ANSWER_FROM = 75.0
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
    r"|on the list|listed"
    r"|teilnehmen|bewerben|mitmachen|partecipare|candidar\w*|participer|postuler|participar)\b"
    r"|\b(?:in|allowed)\s*\?"
)
# ...but not asking how, when or where to apply, which other entries answer.
_ASKS_SOMETHING_ELSE = re.compile(
    r"\bhow (?:do|does|can|could|should|to|would|will|long|much|many|is|are)\b|\bwhen\b"
    r"|\bwhere\b|\bdeadline|\bdocuments?\b|\bsteps?\b|\bform\b|\bbenefits?\b|\bgain\b"
    r"|\bcosts?\b|\bpay\b|\bfees?\b|\blanguage\b"
)
# Asking for the criteria too: the answer stands for the eligibility entry then.
_ASKS_CRITERIA = re.compile(r"\bcriteri|\bconditions\b|\brequirements?\b")
# A city, a town, "we": who is to take part, in English or a local word for a municipality.
_A_CITY = re.compile(
    r"\b(?:we|our|us|cit(?:y|ies)|towns?|villages?|municipalit(?:y|ies)|local authorit(?:y|ies)"
    r"|councils?|communes?|kommuner?|kommun|gemeinden?|stadt|stadte|gminy?|miasto|comuni?"
    r"|citta|municipios?|ayuntamientos?|concellos?|cidades?|villes?|obec|mesto|grad|opcina"
    r"|obcina|kunta|dimos|savivaldybe|pasvaldiba|vald|varos|onkormanyzat|primaria)\b"
)
# Between sentences (each keeps its closing mark, "Is Greece in?"; "U.S." is no end).
_SENTENCE_BREAK = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<!e\.g\.)(?<!i\.e\.)(?<=[.?!])\s+|\n+")
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
# "We are not a Mission City": no status, the usual case.
_NOT_A_STATUS = re.compile(
    r"\bnot (?:(?:a|an|one of the)\s+)?(?:\d+\s+)?(?:mission|pilot|twin) cit"
)
# A city that is or was in the Mission, or applied before, or an applicant that is no city:
# that decides, not the country.
_NAMES_A_STATUS = re.compile(
    r"\bmission cit|\bpilot cit|\balready (?:a|an|one|been|in|part|participat\w*|took|selected)\b"
    r"|\bcohort (?:1|one)\b|\bfirst cohort\b"
    r"|\bapplied (?:before|last)|\bformer\b|\bprevious|\bagenc|\bcompan|\buniversit"
    r"|\bschool|\bngo\b|\bassociation|\bconsortium|\bbusiness"
)


def asked_country(question: str, kb: KnowledgeBase) -> str | None:
    """The alpha-2 code of the one country whose cities the question asks may take part, if any
    (None when it names none or several, asks something else, or the FAQ has no rules)."""
    asked = _asked(question, kb)
    return asked.code if asked is not None else None


@dataclass(frozen=True)
class _Asked:
    """The country a question asks about, and how."""

    code: str
    # One sentence asks it outright: a city (or "we") of that country taking part ("Is it
    # possible for a Swiss city to participate?"), and the message asks nothing else.
    outright: bool
    # The asking sentence names the country; else it comes from the context ("We are a town in
    # Latvia. Can we be accepted?" asks whether the town is eligible at all).
    named_in_asking: bool


def _asked(question: str, kb: KnowledgeBase) -> _Asked | None:
    """The country whose cities the question asks may take part, if any."""
    if kb.eligibility is None:
        return None
    folded = fold_accents(question).casefold()
    if _TAKING_PART.search(folded) is None:
        return None  # most questions: nothing more to read
    if _NAMES_A_STATUS.search(_NOT_A_STATUS.sub(" ", folded)) is not None:
        return None
    # Each sentence as written (for the names) and folded (for the words).
    sentences = [
        (part.strip(), fold_accents(part).casefold().strip())
        for part in _SENTENCE_BREAK.split(question)
        if part.strip()
    ]
    # The asking sentences: in a long message the city's context and the signature are not,
    # nor a sentence taking part in something else ("we take part in many Horizon Europe
    # projects").
    asking = [
        (part, plain)
        for part, plain in sentences
        if _TAKING_PART.search(plain) and _about_ours(plain)
    ]
    questions = [part for part, _ in sentences if part.endswith("?")]
    asked = {part for part, _ in asking}
    if not asking or (questions and not asked.intersection(questions)):
        # Nothing asks about taking part, or only a statement does and the questions are
        # about something else ("Our town in Spain wants to apply. Are the workshops in
        # English?").
        return None
    if any(_ASKS_SOMETHING_ELSE.search(plain) for _, plain in asking):
        return None
    in_asking = [countries_named_in(part) for part, _ in asking]
    named = {code for codes in in_asking for code in codes}
    if len(named) == 1:
        code = next(iter(named))
        # Outright only when every question the message asks is about taking part ("...wants
        # to apply. Are the meetings all in English?" asks about the language too).
        outright = set(questions) <= asked and any(
            code in codes and _A_CITY.search(plain)
            for (_, plain), codes in zip(asking, in_asking, strict=True)
        )
        return _Asked(code, outright, named_in_asking=True)
    if named:
        return None
    anywhere = countries_named_in(question)
    return _Asked(anywhere[0], False, named_in_asking=False) if len(anywhere) == 1 else None


def answers_entry(result: MatchResult, entry_id: str) -> bool:
    """Whether an answer answers what this entry does: its own entry, or, for a country answer
    (the same text whichever eligibility entry it stands for), any of the eligibility entries."""
    if result.decision != "answer":
        return False
    if result.country is not None:
        return entry_id in _ELIGIBILITY_ENTRIES
    return result.entry_id == entry_id


def _about_ours(plain: str) -> bool:
    """Whether what a (folded) sentence applies for, joins or takes part in, if it says, is
    ours."""
    return all(_OUR_OBJECTS.search(found["object"]) for found in _APPLIES_FOR.finditer(plain))


def with_country_answer(result: MatchResult, kb: KnowledgeBase) -> MatchResult:
    """The result, turned into the country answer when the question asks about one country's
    cities, and the matcher's own guess is about eligibility or a sentence asks it outright
    (kept as it is for other programmes, requests for work, other languages, and an answer on
    any other entry)."""
    if result.decision == "not_english" or result.out_of_scope or result.asks_for_work:
        return result
    elsewhere = result.decision == "answer" and result.entry_id not in _ELIGIBILITY_ENTRIES
    if elsewhere and result.score >= KEEP_OTHER_ANSWER_FROM:
        return result
    asked = _asked(result.question, kb)
    if asked is None or (elsewhere and not asked.outright):
        return result
    if result.decision == "answer" and not elsewhere:
        guess = result.entry_id
    else:
        guess = _leading_eligibility_entry(result)
    if guess is None and not asked.outright:
        return result
    # The country answer says, for that country, what both eligibility entries say: it stands
    # for the criteria when they are asked (or eligibility at all, the country only said in
    # passing), else for the list of countries.
    general = guess == "eligibility" and not asked.named_in_asking
    if general or _ASKS_CRITERIA.search(fold_accents(result.question).casefold()):
        found = "eligibility"
    elif guess == "associated-countries":
        found = guess
    else:
        found = COUNTRY_ENTRY
    # That entry's score when it is ranked; else (asked outright) the best score.
    score = dict(result.candidates).get(found, result.score)
    return dataclasses.replace(
        result, decision="answer", entry_id=found, score=score, suggestions=(), country=asked.code
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
