"""Checks and parsers for typed answers; each refusal is one sentence saying what is expected."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

# No population threshold exists in any source, so any municipality of at least one inhabitant
# is accepted; outside the plausible range the number is asked back ("Did you mean 3 people?"),
# and above MAX_POPULATION (more than live on Earth) it is refused as a typo.
MIN_POPULATION = 1
MAX_POPULATION = 10_000_000_000
MIN_PLAUSIBLE_POPULATION = 100
MAX_PLAUSIBLE_POPULATION = 40_000_000
_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "thousands": 1_000,
    "tsd": 1_000,
    "m": 1_000_000,
    "mio": 1_000_000,
    "mln": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
# How people say a number is approximate, before it ("about 37k", "ca. 37000", "~37k") or
# after it ("37000+", "37k or so"); the number itself is kept.
_APPROXIMATELY_BEFORE = re.compile(
    r"^(?:~|≈|±|\+/?-|(?:about|approx(?:\.|imately)?|appr\.|ca\.?|c\.|circa|around|roughly|"
    r"some|nearly|almost|over|under|more than|less than|just over|just under|maybe|est\.|"
    r"estimated|environ|env\.|etwa|rund|ungefähr|cca\.?|oko|okoli|ok\.)(?=[\s\d~]))\s*"
)
_APPROXIMATELY_AFTER = re.compile(r"\s*(?:\+|or so|odd|ish|approx\.?|\(approx\.?\))$")
_POPULATION_WORDS = re.compile(
    r"\s*(?:inhabitants|residents|people|persons|citizens|population|pop\.?)$"
)
_NUMBER = re.compile(r"^(?P<number>\d[\d.,' \u00a0\u202f]*?)\s*(?P<unit>[a-z]+)?\.?$")
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,' \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
# Verbs that start questions are also first names ("Will Smith", "May Lee"): they count only
# when at least this many words follow them.
_AUXILIARY_MIN_WORDS = 3
_WH_WORDS = frozenset({"what", "when", "who", "why", "how", "where", "which"})
_AUXILIARIES = frozenset(
    {"can", "do", "does", "is", "are", "should", "must", "may", "will", "could", "would"}
)
_FIRST_WORD = re.compile(r"[^\W\d_]+")


class AnswerError(ValueError):
    """A typed answer that cannot be used; str(error) tells the user what is expected."""


def _capitalised(what: str) -> str:
    return what[:1].upper() + what[1:]


def check_text(text: str, what: str, max_chars: int = 100, *, digits: bool = True) -> str:
    """The stripped text of a name or role (`what`: "the city's name"), or AnswerError: it must
    look like one (two letters at least, more letters than digits, not a number of people;
    no digit at all when `digits` is False, as in a person's name)."""
    stripped = text.strip()
    if not stripped:
        raise AnswerError(f"Please type {what}.")
    if any(unicodedata.category(char) == "Cc" for char in stripped):
        raise AnswerError(f"Please type {what} on one line, without special characters.")
    if "<" in stripped or ">" in stripped:
        raise AnswerError(f"Please type {what} only, without < or > and without formatting.")
    letters = sum(char.isalpha() for char in stripped)
    figures = sum(char.isdigit() for char in stripped)
    if not letters:
        raise AnswerError(f"Please type {what} in letters, not only digits, signs or emoji.")
    if len(stripped) > max_chars:
        raise AnswerError(
            f"{_capitalised(what)} can have at most {max_chars} characters; "
            f"this one has {len(stripped)}."
        )
    if _reads_as_number(stripped) or figures >= letters:
        raise AnswerError(f"That looks like a number; please type {what} in words.")
    if letters < 2:
        raise AnswerError(f"Please type {what} in full: one letter is not enough.")
    if figures and not digits:
        raise AnswerError(f"Please type {what} in letters only, without digits.")
    return stripped


def _reads_as_number(text: str) -> bool:
    """Whether the text is a quantity such as "about 37k" or "37,5 thousand"."""
    try:
        parse_population(text)
    except AnswerError:
        return False
    return True


def parse_population(text: str) -> int:
    """Inhabitants from "120000", "120,000", "120 000", "120k", "1.2 million", "1,2 Mio",
    "about 37k", "ca. 37 000", "37 thousand"..."""
    cleaned = _without_approximation(text)
    if cleaned.startswith("-"):
        raise AnswerError("A population cannot be negative; type the number of inhabitants.")
    found = _NUMBER.match(cleaned)
    unit = found["unit"] if found else None
    if found is None or (unit is not None and unit not in _MULTIPLIERS):
        raise AnswerError(
            "Please type the population as a number, for example 120000 or 1.2 million."
        )
    number = found["number"].strip()
    if unit is not None and _DECIMAL.match(number):
        population = round(float(number.replace(",", ".")) * _MULTIPLIERS[unit])
    elif unit is None and (number.isdigit() or _GROUPED.match(number)):
        population = int(re.sub(r"\D", "", number))
    else:
        raise AnswerError(
            "Please type the population as a whole number, for example 120000 or 120,000."
        )
    if population < MIN_POPULATION:
        raise AnswerError("A population must be at least 1; type the number of inhabitants.")
    if population > MAX_POPULATION:
        raise AnswerError(
            "That is more people than live on Earth; please check the number of inhabitants."
        )
    return population


def _without_approximation(text: str) -> str:
    """The number and unit of a population, its "about" and "inhabitants" taken off."""
    cleaned = text.strip().casefold()
    for _ in range(3):  # "about 37k people", "approx. ~37 000", "37000+ inhabitants"
        before = cleaned
        cleaned = _APPROXIMATELY_BEFORE.sub("", cleaned)
        cleaned = _POPULATION_WORDS.sub("", cleaned).strip()
        cleaned = _APPROXIMATELY_AFTER.sub("", cleaned).strip()
        if cleaned == before:
            break
    return cleaned


def is_plausible_population(population: int) -> bool:
    """Whether a city or municipality may well have this many inhabitants (else ask back)."""
    return MIN_PLAUSIBLE_POPULATION <= population <= MAX_PLAUSIBLE_POPULATION


def check_email(text: str) -> str:
    """The normalized address when its syntax is valid (no network look-up), or AnswerError."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AnswerError("Please type a valid email address, for example name@city.eu.") from error


def looks_like_question(text: str) -> bool:
    """Whether the text is a question (ends with "?" or starts with a question word)."""
    stripped = text.strip()
    if stripped.endswith(("?", "？")) or stripped.startswith("¿"):
        return True
    words = stripped.casefold().split()
    first = _FIRST_WORD.match(words[0]) if words else None
    if first is None:
        return False
    word = first.group()
    return word in _WH_WORDS or (word in _AUXILIARIES and len(words) >= _AUXILIARY_MIN_WORDS)
