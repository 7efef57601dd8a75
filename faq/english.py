"""Common English words, so a real word is never "corrected" into a different FAQ word."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_common: frozenset[str] | None = None
_known: frozenset[str] | None = None
# Occurrences in pyspellchecker's English list (subtitles and books) from which a word counts
# as an ordinary word: frequent misspellings ("twining" 56, "wat" 680) stay under it.
COMMON_WORD_COUNT = 1000
# From this count a word is a real English word, too rare to be "ordinary" ("decibels" 228,
# "emission" 874): spelling repair leaves it alone. Typos stay under it ("twining" 56).
KNOWN_WORD_COUNT = 100


def _load() -> tuple[frozenset[str], frozenset[str]]:
    from spellchecker import SpellChecker

    # The list ships inside the package: loading it reads a file, never the network.
    frequencies = SpellChecker(language="en", distance=1).word_frequency.dictionary
    known = frozenset(word for word, count in frequencies.items() if count >= KNOWN_WORD_COUNT)
    return frozenset(w for w in known if frequencies[w] >= COMMON_WORD_COUNT), known


def common_words() -> frozenset[str]:
    """The common English words, loaded on first use, once per process (thread-safe)."""
    global _common, _known
    if _common is None:
        with _lock:
            if _common is None:
                _common, _known = _load()
    return _common


def is_english_word(word: str) -> bool:
    """Whether the (lower-case) word is a real English word, common or not: no typo to repair."""
    common_words()
    assert _known is not None
    return word in _known


def is_common_word(word: str) -> bool:
    """Whether the (lower-case) word is an ordinary English word, not a typo."""
    return word in common_words()
