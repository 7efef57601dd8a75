"""Country names in any language to ISO 3166-1 alpha-2 codes (plus XK, Kosovo), and back."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale, localedata
from rapidfuzz import fuzz, process

from faq.normalize import fold_accents

# Kosovo has no ISO 3166-1 code; CLDR and the EU use the user-assigned code XK.
KOSOVO = "XK"
MAX_SUGGESTIONS = 4
# Below this many letters a typo-tolerant guess is too often another country.
MIN_FUZZY_CHARS = 4
CONFIDENT_SCORE = 85
SUGGEST_SCORE = 60
# A confident guess must beat the next country by this much, or it is only a suggestion.
CONFIDENT_MARGIN = 6
# Everyday names that neither CLDR nor pycountry has ("Great Britain", "UK", "USA", "Turkey",
# "Czech Republic", "Holland", "Macedonia" are all matched without help).
SUPPLEMENT = {"britain": "GB"}
_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_ARTICLE = re.compile(r"^(?:the|republic of the|republic of) ")


@dataclass(frozen=True)
class CountryMatch:
    """What a typed country name names: a code when confident, else the closest codes."""

    code: str | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Index:
    primary: Mapping[str, str]
    everywhere: Mapping[str, frozenset[str]]
    words: Mapping[str, frozenset[str]]


def normalize_country(text: str) -> str:
    """Case-folded, accent-free words of any script, without a leading "the"."""
    words = " ".join(_NOT_WORD.sub(" ", fold_accents(text)).split())
    return _LEADING_ARTICLE.sub("", words)


@cache
def country_codes() -> frozenset[str]:
    """Every real country's alpha-2 code: ISO 3166-1 plus XK."""
    return frozenset(country.alpha_2 for country in pycountry.countries) | {KOSOVO}


def is_country_code(code: str) -> bool:
    """Whether this is a country's alpha-2 code (upper case, as ISO writes it)."""
    return code in country_codes()


def country_name(code: str) -> str:
    """English short name (CLDR), e.g. "Czechia", "Türkiye", "Kosovo"; KeyError if unknown."""
    if not is_country_code(code):
        raise KeyError(code)
    return _english_names()[code]


@cache
def _english_names() -> Mapping[str, str]:
    names = Locale("en").territories
    codes = country_codes()
    found = {code: name for code, name in names.items() if code in codes}
    for country in pycountry.countries:
        found.setdefault(country.alpha_2, getattr(country, "common_name", country.name))
    return found


def _pycountry_names() -> Iterable[tuple[str, str]]:
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                yield name, country.alpha_2


def _locale_names(codes: frozenset[str]) -> Iterable[tuple[str, str]]:
    # Raw per-locale data: merging inherited data for ~1,100 locales would triple the time.
    for identifier in localedata.locale_identifiers():
        territories = localedata.load(identifier, merge_inherited=False).get("territories", {})
        for code, name in territories.items():
            if code in codes:
                yield name, code


@cache
def _index() -> _Index:
    codes = country_codes()
    primary: dict[str, str] = {}
    for name, code in (*_pycountry_names(), *((n, c) for c, n in _english_names().items())):
        primary.setdefault(normalize_country(name), code)
    primary.update(SUPPLEMENT)
    everywhere: dict[str, set[str]] = defaultdict(set)
    for name, code in _locale_names(codes):
        everywhere[normalize_country(name)].add(code)
    for name, code in primary.items():
        everywhere[name].add(code)
    words: dict[str, set[str]] = defaultdict(set)
    for name, found in everywhere.items():
        for word in name.split():
            words[word].update(found)
    everywhere.pop("", None)
    return _Index(
        primary=primary,
        everywhere={name: frozenset(found) for name, found in everywhere.items()},
        words={word: frozenset(found) for word, found in words.items()},
    )


def warm_up() -> None:
    """Build the name index now (about a second, once) rather than on the first question."""
    _index()


def match_country(text: str) -> CountryMatch:
    """The country a typed name means, despite case, accents, language and typos."""
    query = normalize_country(text)
    if not query:
        return CountryMatch(None)
    index = _index()
    if query in index.primary:
        return CountryMatch(index.primary[query])
    exact = index.everywhere.get(query, frozenset())
    if len(exact) == 1:
        return CountryMatch(next(iter(exact)))
    by_words = _named_by_every_word(query, index)
    if len(by_words) == 1 and not exact:
        return CountryMatch(next(iter(by_words)))
    ranked = _fuzzy_ranking(query, index)
    if not exact and not by_words and _confident(query, ranked):
        return CountryMatch(ranked[0][0])
    leading = sorted(exact | by_words)
    rest = [code for code, score in ranked if score >= SUGGEST_SCORE and code not in leading]
    return CountryMatch(None, tuple([*leading, *rest][:MAX_SUGGESTIONS]))


def _named_by_every_word(query: str, index: _Index) -> frozenset[str]:
    """Countries one of whose names has every typed word ("bosnia", "macedonia")."""
    words = query.split()
    if len(query) < MIN_FUZZY_CHARS:
        return frozenset()
    found = [index.words.get(word, frozenset()) for word in words]
    return frozenset.intersection(*found)


def _fuzzy_ranking(query: str, index: _Index) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    hits = process.extract(query, index.everywhere.keys(), scorer=fuzz.ratio, limit=40)
    for name, score, _ in hits:
        for code in index.everywhere[name]:
            best[code] = max(best.get(code, 0.0), score)
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _confident(query: str, ranked: list[tuple[str, float]]) -> bool:
    if len(query) < MIN_FUZZY_CHARS or not ranked or ranked[0][1] < CONFIDENT_SCORE:
        return False
    return len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= CONFIDENT_MARGIN
