"""Country names in any language to ISO 3166-1 alpha-2 codes (plus XK, Kosovo), and back."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale, localedata
from rapidfuzz import process
from rapidfuzz.distance import OSA

from faq.normalize import fold_accents

# Kosovo has no ISO 3166-1 code; CLDR and the EU use the user-assigned code XK.
KOSOVO = "XK"
MAX_SUGGESTIONS = 4
# Below this many letters a typo-tolerant guess is too often another country.
MIN_FUZZY_CHARS = 4
# A typo is accepted when its edit distance (OSA: a swap of two neighbours is one edit) to one
# of the country's names is at most 1, or 2 for names of LONG_NAME_CHARS letters or more...
LONG_NAME_CHARS = 8
# ...and clearly closer than the next country: that one is further and too far to be matched
# itself, or at least this many edits further; otherwise both are only suggested.
CONFIDENT_MARGIN = 2
# Suggestions go one edit further than a confident match, for names of this many letters on.
SUGGEST_FURTHER_FROM_CHARS = 6
# Everyday names that neither CLDR nor pycountry has ("Great Britain", "UK", "USA", "Turkey",
# "Czech Republic", "Holland", "Macedonia" are all matched without help). The United Kingdom's
# constituent countries are not territories in CLDR, so they are named here. Keys are folded
# words (see `_folded`), so "Republic of Korea" keeps its "republic of" (alone, "Korea" could
# be either Korea).
SUPPLEMENT = {
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "republic of korea": "KR",
    "turkey": "TR",
}
# Preferred among equally close suggestions: the countries of Europe (the call's region).
# fmt: off
EUROPE = frozenset({
    "AD", "AL", "AM", "AT", "AZ", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK",
    "EE", "ES", "FI", "FO", "FR", "GB", "GE", "GR", "HR", "HU", "IE", "IS", "IT", "LI",
    "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS",
    "RU", "SE", "SI", "SK", "SM", "TR", "UA", "VA", "XK",
})
# fmt: on
_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the ")
_LEADING_REPUBLIC = re.compile(r"^(?:republic of the|republic of) ")


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


def _folded(text: str) -> str:
    """Case-folded, accent-free words of any script, without a leading "the"."""
    words = " ".join(_NOT_WORD.sub(" ", fold_accents(text)).split())
    return _LEADING_THE.sub("", words)


def normalize_country(text: str) -> str:
    """The folded words (see `_folded`), without a leading "republic of" either."""
    return _LEADING_REPUBLIC.sub("", _folded(text))


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


def _locale_names(codes: frozenset[str]) -> list[tuple[str, str]]:
    # Raw per-locale data: merging inherited data for ~1,100 locales would triple the time.
    # Babel keeps every locale it loads (~150 MB for all of them, and unmerged under the name a
    # later Locale() would read), so each one is dropped from its cache once read; the names go
    # through one string per locale, so no small object of that data outlives it and the
    # memory it took is reused for the next locale instead of staying resident.
    cache = getattr(localedata, "_cache", None)
    chunks: list[str] = []
    for identifier in localedata.locale_identifiers():
        cached = isinstance(cache, dict) and identifier in cache
        territories = localedata.load(identifier, merge_inherited=False).get("territories", {})
        chunks.append(
            "\n".join(f"{code}\t{name}" for code, name in territories.items() if code in codes)
        )
        del territories
        if isinstance(cache, dict) and not cached:
            cache.pop(identifier, None)
    found: list[tuple[str, str]] = []
    for line in "\n".join(chunks).splitlines():
        code, _, name = line.partition("\t")
        if name:
            found.append((name, code))
    return found


@cache
def _index() -> _Index:
    codes = country_codes()
    primary: dict[str, str] = {}
    for name, code in (*_pycountry_names(), *((n, c) for c, n in _english_names().items())):
        primary.setdefault(normalize_country(name), code)
    everywhere: dict[str, set[str]] = defaultdict(set)
    for name, code in _locale_names(codes):
        everywhere[normalize_country(name)].add(code)
    for name, code in SUPPLEMENT.items():  # for typos of them ("Scottland")
        everywhere[name].add(code)
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


def match_country(text: str, preferred: frozenset[str] = EUROPE) -> CountryMatch:
    """The country a typed name means, despite case, accents, language and typos.

    A typo is matched only when it is close to one country and clearly further from any other;
    otherwise the countries within a few edits are suggested, `preferred` ones first among
    equally close ones, and none when nothing is close (gibberish).
    """
    query = normalize_country(text)
    if not query:
        return CountryMatch(None)
    supplemented = SUPPLEMENT.get(_folded(text))
    if supplemented is not None:
        return CountryMatch(supplemented)
    index = _index()
    if query in index.primary:
        return CountryMatch(index.primary[query])
    exact = index.everywhere.get(query, frozenset())
    if len(exact) == 1:
        return CountryMatch(next(iter(exact)))
    by_words = _named_by_every_word(query, index)
    if len(by_words) == 1 and not exact:
        return CountryMatch(next(iter(by_words)))
    close = _typo_distances(query, index)
    confident = _confident(close)
    if not exact and not by_words and confident is not None:
        return CountryMatch(confident)
    leading = sorted(exact | by_words)
    if len(query) < MIN_FUZZY_CHARS and query.upper() in country_codes():
        leading.append(query.upper())  # "no", "de": perhaps a code
    ranked = sorted(
        (code for code, (_, suggest) in close.items() if suggest and code not in leading),
        key=lambda code: (close[code][0], code not in preferred, code),
    )
    return CountryMatch(None, tuple([*leading, *ranked][:MAX_SUGGESTIONS]))


def _named_by_every_word(query: str, index: _Index) -> frozenset[str]:
    """Countries one of whose names has every typed word ("bosnia", "macedonia")."""
    words = query.split()
    if len(query) < MIN_FUZZY_CHARS:
        return frozenset()
    found = [index.words.get(word, frozenset()) for word in words]
    return frozenset.intersection(*found)


def typo_allowance(name: str) -> int:
    """How many edits a typo of this (normalized) name may have and still be matched."""
    return 1 if len(name.replace(" ", "")) < LONG_NAME_CHARS else 2


def suggest_allowance(name: str) -> int:
    """How many edits a typo of this name may have and still be suggested."""
    further = len(name.replace(" ", "")) >= SUGGEST_FURTHER_FROM_CHARS
    return typo_allowance(name) + (1 if further else 0)


def _typo_distances(query: str, index: _Index) -> dict[str, tuple[int, bool]]:
    """The countries a typo may mean: for each, the fewest edits to one of its names, and
    whether that is few enough to match it (else only to suggest it)."""
    if len(query) < MIN_FUZZY_CHARS:
        return {}
    widest = suggest_allowance("x" * LONG_NAME_CHARS)  # no name allows more edits
    hits = process.extract(
        query, index.everywhere.keys(), scorer=OSA.distance, score_cutoff=widest, limit=None
    )
    close: dict[str, tuple[int, bool]] = {}
    for name, distance, _ in hits:
        if distance > suggest_allowance(name):
            continue
        matchable = distance <= typo_allowance(name)
        for code in index.everywhere[name]:
            known = close.get(code)
            if known is None or (distance, not matchable) < (known[0], not known[1]):
                close[code] = (int(distance), matchable)
    return close


def _confident(close: dict[str, tuple[int, bool]]) -> str | None:
    """The one country a typo is close enough to and clearly closer to than any other."""
    ranked = sorted(close.items(), key=lambda item: (item[1][0], item[0]))
    if not ranked or not ranked[0][1][1]:
        return None
    best, (distance, _) = ranked[0]
    if len(ranked) == 1:
        return best
    runner_up, matchable = ranked[1][1]
    clearly = runner_up - distance >= (CONFIDENT_MARGIN if matchable else 1)
    return best if clearly else None


# English adjectives of the countries cities ask about most, which name a country only before a
# word for a place or its people ("Croatian towns", "slovak cities"): alone they are as often a
# language ("do we need German?"). "English" is left out: it is the call's language.
# fmt: off
DEMONYMS = {
    "austrian": "AT", "belgian": "BE", "bulgarian": "BG", "croatian": "HR", "cypriot": "CY",
    "czech": "CZ", "danish": "DK", "estonian": "EE", "finnish": "FI", "french": "FR",
    "german": "DE", "greek": "GR", "hungarian": "HU", "irish": "IE", "italian": "IT",
    "latvian": "LV", "lithuanian": "LT", "luxembourgish": "LU", "maltese": "MT", "dutch": "NL",
    "polish": "PL", "portuguese": "PT", "romanian": "RO", "slovak": "SK", "slovakian": "SK",
    "slovene": "SI", "slovenian": "SI", "spanish": "ES", "swedish": "SE", "albanian": "AL",
    "armenian": "AM", "bosnian": "BA", "faroese": "FO", "georgian": "GE", "icelandic": "IS",
    "israeli": "IL", "kosovar": "XK", "kosovan": "XK", "moldovan": "MD", "montenegrin": "ME",
    "macedonian": "MK", "norwegian": "NO", "serbian": "RS", "tunisian": "TN", "turkish": "TR",
    "ukrainian": "UA", "british": "GB", "scottish": "GB", "welsh": "GB", "canadian": "CA",
    "swiss": "CH", "liechtensteiner": "LI", "andorran": "AD", "monegasque": "MC",
    "sammarinese": "SM", "belarusian": "BY", "russian": "RU", "american": "US",
    "moroccan": "MA", "egyptian": "EG", "azerbaijani": "AZ", "japanese": "JP", "chinese": "CN",
    "indian": "IN", "australian": "AU", "brazilian": "BR", "mexican": "MX",
}
# fmt: on
# fmt: off
_PLACE_WORDS = frozenset({
    "city", "cities", "town", "towns", "village", "villages", "municipality", "municipalities",
    "commune", "communes", "local", "region", "regions", "authority", "authorities", "council",
    "councils", "mayor", "mayors", "applicant", "applicants", "partner", "partners", "capital",
    "capitals", "side", "member", "members", "kommune", "kommuner", "kommun", "gemeinde",
    "gemeinden", "gmina", "comune", "comuni", "municipio", "ayuntamiento", "ville", "villes",
})
# fmt: on
# A demonym names a country when one of these follows it within this many words.
_DEMONYM_REACH = 3
_LONGEST_NAME_WORDS = 4
# A name of one word counts only from this many letters (shorter ones are too often words of
# some language), unless it is one of the country's English names.
_MIN_NAME_CHARS = 5


# "US" in capitals (or "U.S."): folded, it would be the pronoun "us".
_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![\w.])")


def countries_named_in(text: str) -> tuple[str, ...]:
    """The countries a free text names, in order, once each: a name in any language, or an
    English adjective before a place ("Croatian towns"); ambiguous and everyday words excluded."""
    words = _folded(_US.sub(" usa ", text)).split()
    found: list[str] = []
    position = 0
    while position < len(words):
        step, code = 1, None
        for length in range(min(_LONGEST_NAME_WORDS, len(words) - position), 0, -1):
            code = _code_of_name(words[position : position + length])
            if code is None and length == 1:
                code = _code_of_demonym(words, position)
            if code is not None:
                step = length
                break
        if code is not None and code not in found:
            found.append(code)
        position += step
    return tuple(found)


def _code_of_name(words: list[str]) -> str | None:
    from faq.english import is_common_word  # loaded on first use, like the name index

    name = " ".join(words)
    if name in SUPPLEMENT:
        return SUPPLEMENT[name]
    index = _index()
    single = len(words) == 1
    if name in index.primary and (not single or len(name) >= _MIN_NAME_CHARS - 1):
        return index.primary[name]
    if single and (len(name) < _MIN_NAME_CHARS or is_common_word(name)):
        return None if name not in ("uk", "usa") else index.primary.get(name, _one(name, index))
    codes = index.everywhere.get(name, frozenset())
    if not codes and single:
        codes = _english_name_words().get(name, frozenset())  # "macedonia", "bosnia"
    return next(iter(codes)) if len(codes) == 1 else None


@cache
def _english_name_words() -> Mapping[str, frozenset[str]]:
    """Each word of the countries' English names (CLDR, pycountry) and the countries it is in."""
    words: dict[str, set[str]] = defaultdict(set)
    for name, code in _index().primary.items():
        for word in name.split():
            words[word].add(code)
    return {word: frozenset(codes) for word, codes in words.items()}


def _one(name: str, index: _Index) -> str | None:
    codes = index.everywhere.get(name, frozenset())
    return next(iter(codes)) if len(codes) == 1 else None


def _code_of_demonym(words: list[str], position: int) -> str | None:
    code = DEMONYMS.get(words[position])
    if code is None:
        return None
    following = words[position + 1 : position + 1 + _DEMONYM_REACH]
    return code if any(word in _PLACE_WORDS for word in following) else None
