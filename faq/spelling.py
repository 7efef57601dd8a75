"""Spelling repair against the FAQ's own words, before scoring: "elegible" is read "eligible",
"twin citys" "twin cities", so a typo in the one word that matters changes neither the words
matched nor the meaning vector.

A word is repaired only when it is unknown to the FAQ and not an ordinary English word (so "heat
pump" never becomes "hear lump"), and one FAQ word is within one edit (two for words of 8
letters or more); of several, the one the FAQ uses most.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from faq.english import is_english_word
from faq.normalize import FILLER_WORDS, fold_accents, normalize_text, replace_country_phrases

MIN_LENGTH = 4
LONG_WORD = 8
CACHE_SIZE = 50_000
SAME_FORM_EDITS = 2
MIN_STEM_LENGTH = 6
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class SpellingRepair:
    """Repairs misspelt words of a question into the FAQ's words (thread-safe, cached)."""

    def __init__(
        self,
        words: Iterable[str],
        canonical: Callable[[str], str] | None = None,
        tokens: frozenset[str] = frozenset(),
    ) -> None:
        counts = Counter(w for w in words if len(w) >= MIN_LENGTH - 1 and w.isalpha())
        # Greetings and thanks are candidates too: "helo" is "hello", not "help".
        for filler in FILLER_WORDS:
            counts[filler] += 1
        self._known = frozenset(counts)
        # A word the FAQ knows in another form ("alerts" for "alert") is no typo: at most it is
        # written as the FAQ writes that form ("citys" as "cities").
        self._canonical = canonical or (lambda word: word)
        self._tokens = tokens
        # Most used first: extractOne keeps the first of equally near words.
        self._vocabulary = tuple(sorted(counts, key=lambda w: (-counts[w], w)))
        # Each stem the FAQ uses, written as its most used word ("deadlin": "deadline"): a
        # typo near the stem ("dedlin") is one edit from it though two from every word.
        self._stems: dict[str, str] = {}
        for word in self._vocabulary:
            stem = self._canonical(word)
            if len(stem) >= MIN_STEM_LENGTH and stem.isalpha():
                self._stems.setdefault(stem, word)
        self._stem_vocabulary = tuple(self._stems)
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def word(self, word: str) -> str:
        """The FAQ word a misspelt (lower-case, accent-free) word stands for, or the word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        repaired = self._repair(word)
        with self._lock:
            if len(self._cache) < CACHE_SIZE:
                self._cache[word] = repaired
        return repaired

    def _repair(self, word: str) -> str:
        if len(word) < MIN_LENGTH or word in self._known or is_english_word(word):
            return word
        # Shorthand and contractions ("dont", "pls") and country names are read elsewhere.
        if normalize_text(word) != word or replace_country_phrases(word) != word:
            return word
        token = self._canonical(word)
        if token in self._tokens:
            found = process.extractOne(
                word, self._vocabulary, scorer=OSA.distance, score_cutoff=SAME_FORM_EDITS
            )
            same = found is not None and self._canonical(found[0]) == token
            return found[0] if same and found is not None else word
        edits = 2 if len(word) >= LONG_WORD else 1
        found = process.extractOne(word, self._vocabulary, scorer=OSA.distance, score_cutoff=edits)
        if found is not None:
            return str(found[0])
        if len(word) >= MIN_STEM_LENGTH:
            near = process.extractOne(
                word, self._stem_vocabulary, scorer=OSA.distance, score_cutoff=1
            )
            if near is not None:
                return self._stems[near[0]]
        return word

    def text(self, text: str) -> str:
        """The text with each misspelt word repaired (other characters kept)."""

        def repair(match: re.Match[str]) -> str:
            written = match.group(0)
            folded = fold_accents(written)
            repaired = self.word(folded)
            return written if repaired == folded else repaired

        return _WORD.sub(repair, text)
