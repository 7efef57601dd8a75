"""Match a free-text question to FAQ entries: answer, suggest a few, or fall back honestly."""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import itertools
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Hamming

from faq.country_question import with_country_answer
from faq.decision import Signals, shipped_model
from faq.english import common_words, is_common_word
from faq.foreign_words import LETTERS, english_word
from faq.language import is_not_english
from faq.normalize import (
    FILLER_WORDS,
    canonical_token,
    content_tokens,
    fold_accents,
    is_context_word,
    is_filler,
    is_place_name,
    is_stopword,
    normalize_text,
    replace_country_phrases,
    simplify_text,
    synonym_words,
)
from faq.scope import asks_for_work, other_programme
from faq.semantic import SemanticIndex, asking_sentences, build_semantic_index
from faq.spelling import SpellingRepair

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from faq.model import Entry, KnowledgeBase

Decision = Literal["answer", "suggest", "fallback", "not_english"]

MAX_SUGGESTIONS = 3
# In the suggest band, entries this close to the best are offered beside it; else one button.
CLOSE_MARGIN = 6.0
SMALL_TALK = "small-talk"
# A topic word in the phrasings of this share of entries is a word of the whole call.
GENERIC_SHARE = 0.3
MAX_CANDIDATES = 5
# Under this score, a suggestion needs TOPIC_WORDS topic words shared with the leading entry's
# phrasings: off-topic questions there ("deadline for my tax return", "how much does an electric
# car cost") share one or two, right ones mostly three or more (measured on faq_practice.yaml).
TOPIC_CHECK_BELOW = 58.0
TOPIC_WORDS = 3
# A long message (this many topic words or more) dilutes every score with its context about the
# city and the asker, right answers and off-topic alike: it is answered from this many points
# lower. Measured on faq_practice.yaml (its long questions, covered and off-topic): 10 is where
# answered-right stops rising without an off-topic question answered; the suggest band stays.
LONG_MESSAGE_WORDS = 8
LONG_MESSAGE_ALLOWANCE = 10.0
# The blend, found by measurement on tests/data/faq_practice.yaml (see tests/test_faq_eval.py):
# this share of the lexical score, the rest from the meaning cosine mapped from
# SEMANTIC_FLOOR..SEMANTIC_CEILING onto 0..100.
LEXICAL_SHARE = 0.8
SEMANTIC_FLOOR = 0.3
SEMANTIC_CEILING = 0.8
SEMANTIC_CANDIDATES = 10
TIE_ROOM = 5
# A long message answered from its asking sentences alone scores this much less: it must be
# answered there with room to spare (chosen on faq_practice.yaml: 0, 3 and 6 measured).
ASKING_SENTENCE_PENALTY = 3.0
# Inside the running bot a match costs ~1.4 ms of CPU (twice its cost alone: the event loop's
# other work evicts its arrays from the cache); the same text asked again costs nothing.
RESULT_CACHE_SIZE = 4096
WORD_READINGS_SIZE = 50_000
# Up to this many topic words, an unknown one makes a question "did you mean" at most.
SHORT_QUESTION_WORDS = 2
# Query words found in the entry (other phrasings, answer) but not in this phrasing: part credit.
ENTRY_WORD_CREDIT = 0.55
# Greetings and function words weigh this fraction of the rarest word's weight.
FILLER_WEIGHT = 0.14
STOPWORD_WEIGHT = 0.07
SHORT_UNKNOWN_FACTOR = 0.5
UNKNOWN_WEIGHT_FACTOR = 1.2
CONTEXT_UNKNOWN_FACTOR = 0.15
NUMBER_UNKNOWN_FACTOR = 0.3
CHAR_SCORE_FACTOR = 0.92
CHAR_SCORE_CUTOFF = 80.0
CHAR_MIN_LENGTH = 10
QUERY_MISS_WEIGHT = 0.5
PHRASING_MISS_WEIGHT = 0.4
# Past this many unknown-word weights, extra unmatched words in a message count less.
QUERY_MISS_SATURATION = 1.0
LONG_QUERY_MISS_FACTOR = 0.5
LONG_QUERY_WORDS = 6
# A query with two topic words in a phrasing's reverse order ("cities mission" against
# "mission cities") loses this fraction of the pair's rarity on that phrasing.
PAIR_WEIGHT = 0.6
# An ordinary English word is corrected to an FAQ word only if they share this many first letters
# (or all but the last two of the shorter).
SAME_STEM_LETTERS = 4
_TAG = re.compile(r"<[^>]*>")
_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


@dataclass(frozen=True)
class MatchThresholds:
    """Scores (0..100) from which the bot answers directly, or offers a choice."""

    answer: float
    suggest: float
    # Topic words a suggestion scoring under `topic_check_below` needs (0: no check).
    topic_words: int = TOPIC_WORDS
    topic_check_below: float = TOPIC_CHECK_BELOW
    # Points off the answer score for a message of `long_message_words` topic words or more
    # (never under the suggest score).
    long_message_allowance: float = LONG_MESSAGE_ALLOWANCE
    long_message_words: int = LONG_MESSAGE_WORDS
    # The learned decision (faq/decision.py) decides, `answer` and `suggest` being the lowest
    # scores it may answer or suggest from; False: the scores alone decide, as described above.
    calibrated: bool = True

    def answer_score(self, topic_words: int) -> float:
        """The score from which a message with this many topic words is answered."""
        if topic_words < self.long_message_words:
            return self.answer
        return max(self.answer - self.long_message_allowance, self.suggest)


DEFAULT_THRESHOLDS = MatchThresholds(answer=50.0, suggest=40.0)


@dataclass(frozen=True)
class MatchResult:
    """What the bot does with one question, and the best-scoring entries behind it."""

    question: str
    decision: Decision
    entry_id: str | None
    score: float
    suggestions: tuple[str, ...]
    candidates: tuple[tuple[str, float], ...]
    # The meaning cosine (0..1) of the best candidate, for `faq ask --json` and tuning.
    semantic: float = 0.0
    # The other programme a fallback question is about ("Interreg"), when it names one.
    out_of_scope: str | None = None
    # A fallback because the message asks for work (write, translate), not about the call.
    asks_for_work: bool = False
    # The country whose cities the question asks may take part (answered from the rules).
    country: str | None = None


@dataclass(frozen=True)
class _Phrasing:
    entry: int
    tokens: frozenset[str]
    weight: float
    stops: frozenset[str]


@dataclass
class MatchIndex:
    """Everything matching needs, precomputed once per knowledge base."""

    entry_ids: tuple[str, ...]
    phrasings: tuple[_Phrasing, ...]
    idf: dict[str, float]
    unknown_weight: float
    # Phrasing positions (and entry numbers) per content token, as arrays: a question's
    # matched weights are one bincount over them, not a Python loop over thousands of postings.
    postings: dict[str, NDArray[np.intp]]
    entry_postings: dict[str, NDArray[np.intp]]
    # Phrasing positions per stopword, to count the stopwords a phrasing shares with a query.
    stop_postings: dict[str, NDArray[np.intp]]
    entry_phrasings: tuple[range, ...]
    # Per phrasing: its entry and its weight; per entry: where its phrasings start.
    phrasing_owners: NDArray[np.intp]
    phrasing_weights: NDArray[np.float64]
    entry_starts: NDArray[np.intp]
    # Entries with a phrasing of stopwords only: scored even when no content word is shared.
    stopword_only_entries: NDArray[np.intp]
    stopword_weight: float
    char_choices: tuple[str, ...]
    char_lengths: tuple[int, ...]
    char_positions: tuple[int, ...]
    # Per character, how often it occurs in each char choice (same order): a cheap upper bound
    # on fuzz.ratio skips most choices before rapidfuzz compares them.
    char_columns: dict[str, int]
    char_counts: NDArray[np.int16]
    char_sizes: NDArray[np.intp]
    plain_phrasings: tuple[str, ...]
    fuzzy_vocabulary: tuple[str, ...]
    fuzzy_targets: dict[str, str]
    known_words: frozenset[str]
    entry_numbers: dict[str, int]
    # Each entry's phrasing words, for the topic-word check of the suggest band.
    entry_vocabulary: tuple[frozenset[str], ...] = ()
    # Every word of every phrasing as written (accents folded): never read as a foreign word.
    phrasing_words: frozenset[str] = frozenset()
    spelling: SpellingRepair = field(default_factory=lambda: SpellingRepair(()))
    # Words of the whole call ("twin", "city", "programme"), in a share of entries: every entry
    # is about them, said or not ("deadline twin cities" asks the deadline entry).
    generic_words: frozenset[str] = frozenset()
    semantic: SemanticIndex | None = None
    _fuzzy_cache: dict[str, tuple[str, float] | None] = field(default_factory=dict)
    # How each written word is read (English, repaired), per word: most words recur.
    _word_readings: dict[str, str] = field(default_factory=dict)
    _last_query: tuple[str, list[_QueryToken]] | None = None
    # Recent results per (question, thresholds): a result depends on nothing else, and a new
    # FAQ (a reload) is a new index with an empty cache.
    _results: OrderedDict[tuple[str, MatchThresholds], MatchResult] = field(
        default_factory=OrderedDict
    )
    _results_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class _QueryToken:
    token: str
    weight: float
    credit: float
    stop: bool = False


def _phrasing_tokens(text: str) -> list[str]:
    words = [canonical_token(w) for w in replace_country_phrases(normalize_text(text)).split()]
    return list(dict.fromkeys([*words, *_pairs(words)]))


def _is_pair(token: str) -> bool:
    return " " in token


def _answer_tokens(entry: Entry) -> set[str]:
    text = _FIELD.sub(" ", _TAG.sub(" ", entry.answer))
    titles = " ".join(link.title for link in entry.links)
    words = replace_country_phrases(normalize_text(f"{text} {titles}")).split()
    return {t for t in (canonical_token(w) for w in words) if not is_stopword(t)}


def build_index(entries: Iterable[Entry], *, semantic: bool = True) -> MatchIndex:
    """Precompute tokens, weights, postings, fuzzy choices and phrasing vectors for entries."""
    entry_list = list(entries)
    # Read with the index (once per process): the first question should not wait for it.
    common_words()
    phrasing_tokens: list[tuple[int, list[str]]] = []
    bags: list[set[str]] = []
    for number, entry in enumerate(entry_list):
        bag = _answer_tokens(entry)
        for text in entry.phrasings:
            tokens = _phrasing_tokens(text)
            phrasing_tokens.append((number, tokens))
            bag.update(tokens)
        bags.append(bag)
    count = max(len(entry_list), 1)
    rarest = math.log(1 + count)
    phrasing_df: dict[str, set[int]] = {}
    for number, tokens in phrasing_tokens:
        for token in tokens:
            phrasing_df.setdefault(token, set()).add(number)
    bag_df: dict[str, int] = {}
    for bag in bags:
        for token in bag:
            bag_df[token] = bag_df.get(token, 0) + 1
    for _, tokens in phrasing_tokens:
        for token in tokens:
            bag_df.setdefault(token, 1)
    idf: dict[str, float] = {}
    for token, df in bag_df.items():
        if token in phrasing_df:
            idf[token] = math.log(1 + count / len(phrasing_df[token]))
        else:
            idf[token] = math.log(1 + count / df)
        if is_filler(token):
            idf[token] = min(idf[token], FILLER_WEIGHT * rarest)
        if is_stopword(token):
            idf[token] = STOPWORD_WEIGHT * rarest
        if _is_pair(token):
            idf[token] *= PAIR_WEIGHT
    phrasings = tuple(
        _Phrasing(
            number,
            frozenset(tokens),
            sum(idf[t] for t in tokens if not _is_pair(t)),
            frozenset(t for t in tokens if is_stopword(t)),
        )
        for number, tokens in phrasing_tokens
    )
    postings: dict[str, list[int]] = {}
    stop_postings: dict[str, list[int]] = {}
    stopword_only: set[int] = set()
    for position, phrasing in enumerate(phrasings):
        content = [token for token in phrasing.tokens if not is_stopword(token)]
        if not content:
            stopword_only.add(phrasing.entry)
        for token in content:
            postings.setdefault(token, []).append(position)
        for token in phrasing.stops:
            stop_postings.setdefault(token, []).append(position)
    entry_postings: dict[str, list[int]] = {}
    for number, bag in enumerate(bags):
        for token in bag:
            entry_postings.setdefault(token, []).append(number)
    entry_phrasings: list[range] = []
    first = 0
    for entry in entry_list:
        entry_phrasings.append(range(first, first + len(entry.phrasings)))
        first += len(entry.phrasings)
    fuzzy_targets = {t: t for t in bag_df if len(t) >= 3 and t.isalpha()}
    for word, token in synonym_words().items():
        if token in bag_df and len(word) >= 4:
            fuzzy_targets.setdefault(word, token)
    vocabulary = sorted(fuzzy_targets, key=lambda t: (-bag_df[fuzzy_targets[t]], t))
    char_texts = [
        " ".join(sorted(content_tokens([t for t in tokens if not _is_pair(t)])))
        for _, tokens in phrasing_tokens
    ]
    words = [
        word
        for entry in entry_list
        for text in entry.phrasings
        for word in simplify_text(text).split()
    ]
    by_length = sorted(
        ((text, position) for position, text in enumerate(char_texts)),
        key=lambda item: (len(item[0]), item[1]),
    )
    return MatchIndex(
        entry_ids=tuple(entry.id for entry in entry_list),
        phrasings=phrasings,
        idf=idf,
        unknown_weight=rarest * UNKNOWN_WEIGHT_FACTOR,
        stopword_weight=rarest * STOPWORD_WEIGHT,
        postings={t: np.array(p, dtype=np.intp) for t, p in postings.items()},
        entry_postings={t: np.array(e, dtype=np.intp) for t, e in entry_postings.items()},
        stop_postings={t: np.array(p, dtype=np.intp) for t, p in stop_postings.items()},
        entry_phrasings=tuple(entry_phrasings),
        phrasing_owners=np.array([phrasing.entry for phrasing in phrasings], dtype=np.intp),
        phrasing_weights=np.array([phrasing.weight for phrasing in phrasings], dtype=np.float64),
        entry_starts=np.array([positions.start for positions in entry_phrasings], dtype=np.intp),
        stopword_only_entries=np.array(sorted(stopword_only), dtype=np.intp),
        char_choices=tuple(text for text, _ in by_length),
        char_lengths=tuple(len(text) for text, _ in by_length),
        char_positions=tuple(position for _, position in by_length),
        **_char_histograms([text for text, _ in by_length]),
        plain_phrasings=tuple(
            simplify_text(text) for entry in entry_list for text in entry.phrasings
        ),
        fuzzy_vocabulary=tuple(vocabulary),
        fuzzy_targets=fuzzy_targets,
        known_words=frozenset(bag_df),
        entry_numbers={entry.id: number for number, entry in enumerate(entry_list)},
        entry_vocabulary=tuple(
            frozenset().union(*(phrasings[p].tokens for p in positions))
            for positions in entry_phrasings
        ),
        phrasing_words=frozenset(words),
        spelling=SpellingRepair(words, canonical_token, frozenset(idf)),
        generic_words=_generic_words(phrasing_tokens, count),
        semantic=build_semantic_index(
            [(number, text) for number, entry in enumerate(entry_list) for text in entry.phrasings],
            len(entry_list),
        )
        if semantic
        else None,
    )


def _generic_words(phrasing_tokens: list[tuple[int, list[str]]], entries: int) -> frozenset[str]:
    """Topic words in the phrasings of GENERIC_SHARE of the entries or more ("twin", "city")."""
    users: dict[str, set[int]] = {}
    for number, tokens in phrasing_tokens:
        for token in tokens:
            users.setdefault(token, set()).add(number)
    return frozenset(
        token
        for token, numbers in users.items()
        if len(numbers) >= GENERIC_SHARE * entries
        and not is_stopword(token)
        and not _is_pair(token)
        and token not in _QUESTION_WORDS
    )


def _join_split_words(words: list[str], known: frozenset[str]) -> list[str]:
    joined: list[str] = []
    position = 0
    while position < len(words):
        for width in (3, 2):
            group = words[position : position + width]
            if len(group) < width:
                continue
            merged = canonical_token("".join(group))
            if merged in known and any(canonical_token(w) not in known for w in group):
                joined.append("".join(group))
                position += width
                break
        else:
            joined.append(words[position])
            position += 1
    return joined


def _is_other_word(word: str, near: str) -> bool:
    """An ordinary English word is another word, not a typo of a near FAQ word, unless it is a
    form of it ("heard" for "hear", "automatic" for "automated"): "heat pump" is no "hear lump"."""
    if not is_common_word(word):
        return False
    shared = next(
        (i for i, (a, b) in enumerate(zip(word, near, strict=False)) if a != b),
        min(len(word), len(near)),
    )
    return shared < max(SAME_STEM_LETTERS, min(len(word), len(near)) - 2)


def _max_edits(token: str) -> int:
    return 1 if len(token) <= 7 else 2


def _fuzzy_lookup(token: str, index: MatchIndex) -> tuple[str, float] | None:
    if token in index._fuzzy_cache:
        return index._fuzzy_cache[token]
    found: tuple[str, float] | None = None
    if len(token) >= 4 and token.isalpha():
        best = process.extractOne(
            token, index.fuzzy_vocabulary, scorer=OSA.distance, score_cutoff=_max_edits(token)
        )
        if best is not None:
            target = index.fuzzy_targets[best[0]]
            similarity = 1.0 - best[1] / max(len(token), len(best[0]), 1)
            if not (_is_other_word(token, best[0]) and _is_other_word(token, target)):
                found = (target, similarity)
    if len(index._fuzzy_cache) < 50_000:
        index._fuzzy_cache[token] = found
    return found


_LONG_FILLERS = tuple(sorted(word for word in FILLER_WORDS if len(word) >= 4))


def _near_filler(word: str) -> bool:
    """A misspelt greeting or thanks ("helo", "thnaks") is one: not a typo of a topic word."""
    if len(word) < 4 or is_common_word(word):
        return False
    return any(
        abs(len(word) - len(filler)) <= 1 and OSA.distance(word, filler, score_cutoff=1) <= 1
        for filler in _LONG_FILLERS
    )


def _is_misspelt_stopword(token: str) -> bool:
    # A one-letter swap of a short word is usually another real word ("car", "bar"), not a typo.
    return any(
        OSA.distance(token, stop, score_cutoff=1) <= 1
        and (len(stop) != len(token) or Hamming.distance(token, stop) != 1)
        for stop in _SHORT_STOPWORDS
        if abs(len(stop) - len(token)) <= 1
    )


_SHORT_STOPWORDS = tuple(
    sorted(
        {
            "the",
            "what",
            "that",
            "this",
            "with",
            "have",
            "does",
            "can",
            "for",
            "you",
            "are",
            "and",
            "there",
            "your",
            "our",
            "will",
            "would",
            "could",
            "should",
            "which",
            "from",
            "about",
        }
    )
)


def _unknown_factor(token: str) -> float:
    if is_context_word(token):
        return CONTEXT_UNKNOWN_FACTOR
    if token.isdigit():
        return NUMBER_UNKNOWN_FACTOR
    if len(token) <= 3:
        return SHORT_UNKNOWN_FACTOR
    return 1.0


def _query_tokens(question: str, index: MatchIndex) -> list[_QueryToken]:
    """The question's weighted tokens; the last question's are kept (the topic check asks again)."""
    last = index._last_query
    if last is not None and last[0] == question:
        return last[1]
    tokens = _tokenize_query(question, index)
    index._last_query = (question, tokens)
    return tokens


def _tokenize_query(question: str, index: MatchIndex) -> list[_QueryToken]:
    words = replace_country_phrases(normalize_text(question)).split()
    words = _join_split_words(words, index.known_words)
    tokens = {canonical_token(word): word for word in reversed(words)}
    result: list[_QueryToken] = []
    # What each query token stands for in the index: itself, a fuzzy target, or nothing.
    resolved: dict[str, str] = {}
    for token, word in reversed(tokens.items()):
        if is_stopword(token):
            light = index.stopword_weight
            result.append(_QueryToken(token, light, light * (token in index.idf), True))
            continue
        known = index.idf.get(token)
        # Job titles met only in answers ("mayor") say who asks, not what about; cities named
        # in answers (the example pairs) are kept.
        if is_context_word(word) and not is_place_name(word) and token not in index.postings:
            known = None
        elif known is not None:
            result.append(_QueryToken(token, known, known))
            resolved[token] = token
            continue
        if is_filler(token) or is_filler(word) or _near_filler(word):
            light = index.stopword_weight
            result.append(_QueryToken(token, light, 0.0, True))
            continue
        if is_context_word(word) or is_context_word(token):
            result.append(_QueryToken(token, index.unknown_weight * CONTEXT_UNKNOWN_FACTOR, 0.0))
            continue
        found = _fuzzy_lookup(word, index) or _fuzzy_lookup(token, index)
        if found is not None:
            target, similarity = found
            resolved[token] = target
            if any(q.token == target for q in result):
                continue
            target_weight = index.idf[target]
            result.append(
                _QueryToken(target, target_weight, target_weight * (0.5 + 0.5 * similarity))
            )
            continue
        if len(token) <= 4 and _is_misspelt_stopword(token):
            continue
        result.append(_QueryToken(token, index.unknown_weight * _unknown_factor(token), 0.0))
    sequence = [resolved.get(canonical_token(word), "") for word in words]
    pairs = dict.fromkeys(_pairs(sequence))
    for pair in pairs:
        first, second = pair.split(" ")
        inverted = f"{second} {first}"
        weight = index.idf.get(inverted)
        if weight is not None and inverted not in pairs:
            result.append(_QueryToken(inverted, 0.0, -weight))
    return result


def _pairs(sequence: list[str]) -> list[str]:
    """Ordered pairs of neighbouring topic tokens ("city mission" is not "mission city")."""
    content = [t for t in sequence if t and not is_stopword(t) and not is_filler(t)]
    return [f"{a} {b}" for a, b in itertools.pairwise(content) if a != b]


def _token_scores(
    query: list[_QueryToken], index: MatchIndex, keep: int
) -> dict[int, tuple[float, int]]:
    """Best phrasing score per entry, for the `keep` best entries of those sharing a word."""
    query_weight = sum(q.weight for q in query)
    if query_weight <= 0 or not len(index.phrasings):
        return {}
    matched, in_entry, touched = _matched_weights(query, index)
    if not touched.any():
        return {}
    stop_weight = index.stopword_weight
    saturation = index.unknown_weight * QUERY_MISS_SATURATION
    # Only long, chatty messages get the discount: in a short one an unknown word is the topic.
    long_query = sum(1 for q in query if not q.stop and q.weight > 0) >= LONG_QUERY_WORDS
    known_stops = dict.fromkeys(q.token for q in query if q.stop and q.credit > 0)
    shared_stops = [index.stop_postings[t] for t in known_stops if t in index.stop_postings]
    exact = matched
    if shared_stops:
        counts = np.bincount(np.concatenate(shared_stops), minlength=len(matched))
        exact = matched + counts * stop_weight
    # Every phrasing at once, in the order of operations of the formula written per phrasing
    # (so the scores are the same floats): credit over credit plus weighted misses.
    # In place where it can be: each pass over every phrasing counts at 6,000 phrasings.
    # (A negative miss counts as none: maximum(x, 0) is where(x > 0, x, 0) up to a -0.0.)
    credit = in_entry[index.phrasing_owners]
    credit -= matched
    credit *= ENTRY_WORD_CREDIT
    credit += exact
    unmatched = query_weight - credit
    if long_query:
        unmatched = np.where(
            unmatched > saturation,
            saturation + (unmatched - saturation) * LONG_QUERY_MISS_FACTOR,
            unmatched,
        )
    np.maximum(unmatched, 0.0, out=unmatched)
    unmatched *= QUERY_MISS_WEIGHT
    missing = index.phrasing_weights - exact
    np.maximum(missing, 0.0, out=missing)
    missing *= PHRASING_MISS_WEIGHT
    denominator = credit + unmatched
    denominator += missing
    scores = np.zeros(len(credit))
    np.divide(credit, denominator, out=scores, where=denominator > 0)
    # An entry's score is its best phrasing's; under -1 counts as no phrasing at all.
    entry_best = np.maximum(np.maximum.reduceat(scores, index.entry_starts), -1.0)
    numbers = np.flatnonzero(touched)
    values = entry_best[numbers]
    if len(numbers) > keep:
        # The keep best by (score desc, entry number asc); ties at the cut are all kept.
        cut = np.partition(values, len(values) - keep)[len(values) - keep]
        chosen = values >= cut
        numbers, values = numbers[chosen], values[chosen]
    best: dict[int, tuple[float, int]] = {}
    for number, value in zip(numbers.tolist(), values.tolist(), strict=True):
        positions = index.entry_phrasings[number]
        if value > -1.0:
            offset = int(np.argmax(scores[positions.start : positions.stop] == value))
            best[number] = (value, positions.start + offset)
        else:
            best[number] = (value, -1)
    return best


def _matched_weights(
    query: list[_QueryToken], index: MatchIndex
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Query weight found in each phrasing and in each entry, and which entries share a word."""
    entries = len(index.entry_ids)
    phrasing_parts: list[NDArray[np.intp]] = []
    phrasing_credits: list[float] = []
    entry_parts: list[NDArray[np.intp]] = []
    entry_credits: list[float] = []
    for q in query:
        if q.credit == 0 or (q.stop and q.credit > 0):
            continue
        posting = index.postings.get(q.token)
        if posting is not None:
            phrasing_parts.append(posting)
            phrasing_credits.append(q.credit)
        if q.credit < 0:
            # The same two words in the other order ("mission city" for "city mission").
            continue
        posting = index.entry_postings.get(q.token)
        if posting is not None:
            entry_parts.append(posting)
            entry_credits.append(q.credit)
    # bincount adds its weights in input order, as the loop over postings did: same sums.
    matched = _weighted_counts(phrasing_parts, phrasing_credits, len(index.phrasings))
    in_entry = _weighted_counts(entry_parts, entry_credits, entries)
    touched = np.zeros(entries, dtype=np.bool_)
    for part in entry_parts:
        touched[part] = True
    touched[index.stopword_only_entries] = True
    return matched, in_entry, touched


def _weighted_counts(
    parts: list[NDArray[np.intp]], weights: list[float], size: int
) -> NDArray[np.float64]:
    if not parts:
        return np.zeros(size)
    lengths = [len(part) for part in parts]
    return np.bincount(
        np.concatenate(parts), weights=np.repeat(weights, lengths), minlength=size
    ).astype(np.float64, copy=False)


def _char_histograms(choices: list[str]) -> dict[str, Any]:
    """Each character's count in each choice, one row per character, for the ratio bound."""
    columns = {char: column for column, char in enumerate(sorted(set("".join(choices))))}
    counts = np.zeros((len(columns), len(choices)), dtype=np.int16)
    for position, text in enumerate(choices):
        for char, count in Counter(text).items():
            counts[columns[char], position] = count
    sizes = np.array([len(text) for text in choices], dtype=np.intp)
    return {"char_columns": columns, "char_counts": counts, "char_sizes": sizes}


def _ratio_candidates(text: str, index: MatchIndex, first: int, last: int) -> list[int]:
    """Offsets in choices[first:last] whose fuzz.ratio with text can reach the cutoff.

    fuzz.ratio is 200 * LCS / (len a + len b), and the LCS has at most, of each character,
    the fewer of its two counts: a choice whose bound is under the cutoff cannot score it.
    """
    columns = index.char_columns
    wanted = [(columns[char], n) for char, n in Counter(text).items() if char in columns]
    if not wanted or last <= first:
        return []
    rows = [column for column, _ in wanted]
    limits = np.array([n for _, n in wanted], dtype=np.int16)[:, None]
    common = np.minimum(index.char_counts[rows, first:last], limits).sum(axis=0)
    lengths = index.char_sizes[first:last] + len(text)
    return np.flatnonzero(200 * common >= CHAR_SCORE_CUTOFF * lengths).tolist()


def _char_scores(query: list[_QueryToken], index: MatchIndex) -> dict[int, tuple[float, int]]:
    text = " ".join(sorted(q.token for q in query if not q.stop))
    best: dict[int, tuple[float, int]] = {}
    if len(text) < CHAR_MIN_LENGTH:
        return best
    # fuzz.ratio >= 80 needs the longer text at most 1.5x the shorter: compare only those.
    lengths = index.char_lengths
    first = bisect.bisect_left(lengths, (2 * len(text) + 2) // 3)
    last = bisect.bisect_right(lengths, (3 * len(text)) // 2)
    offsets = _ratio_candidates(text, index, first, last)
    found = process.extract(
        text,
        [index.char_choices[first + offset] for offset in offsets],
        scorer=fuzz.ratio,
        processor=None,
        limit=None,
        score_cutoff=CHAR_SCORE_CUTOFF,
    )
    positions = index.char_positions
    ranked = sorted((-score, positions[first + offsets[at]]) for _, score, at in found)
    for negative_score, position in ranked[: MAX_CANDIDATES * 2]:
        number = index.phrasings[position].entry
        value = -negative_score / 100.0 * CHAR_SCORE_FACTOR
        if value > best.get(number, (0.0, -1))[0]:
            best[number] = (value, position)
    return best


def score_entries(
    question: str, index: MatchIndex, limit: int = MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """The `limit` best entries, best first (0..100): words and meaning blended."""
    return [(entry_id, score) for entry_id, score, _, _ in _blended(question, index, limit)]


def _blended(question: str, index: MatchIndex, limit: int) -> list[tuple[str, float, float, float]]:
    """(entry id, blended score, meaning cosine, lexical score) of the best entries."""
    # lexical_scores keeps TIE_ROOM more internally; the meaning signal adds its own candidates.
    if index.semantic is None:
        return [
            (entry_id, score, 0.0, score)
            for entry_id, score in lexical_scores(question, index, limit)
        ]
    # A text with no letter or digit is only embedded if it matched a word.
    lexical = lexical_scores(question, index, limit)
    if not lexical and not any(char.isalnum() for char in question):
        return []
    numbers = index.entry_numbers
    by_number = {numbers[entry_id]: score for entry_id, score in lexical}
    cosines = index.semantic.nearest(question, SEMANTIC_CANDIDATES, by_number)
    for number in cosines:
        by_number.setdefault(number, 0.0)
    span = SEMANTIC_CEILING - SEMANTIC_FLOOR
    blended = []
    for number, score in by_number.items():
        cosine = float(cosines[number])
        meaning = min(max((cosine - SEMANTIC_FLOOR) / span, 0.0), 1.0) * 100
        value = round(LEXICAL_SHARE * score + (1 - LEXICAL_SHARE) * meaning, 1)
        blended.append((index.entry_ids[number], value, cosine, score))
    blended.sort(key=lambda item: (-item[1], numbers[item[0]]))
    return blended[:limit]


def lexical_scores(
    question: str, index: MatchIndex, limit: int = MAX_CANDIDATES
) -> list[tuple[str, float]]:
    """The `limit` best entries by words alone, best first, on a 0..100 scale."""
    query = _query_tokens(question, index)
    if not query:
        return []
    scores = _token_scores(query, index, limit + TIE_ROOM)
    for number, found in _char_scores(query, index).items():
        if found[0] > scores.get(number, (0.0, -1))[0]:
            scores[number] = found
    best = heapq.nsmallest(
        limit + TIE_ROOM, scores.items(), key=lambda item: (-item[1][0], item[0])
    )
    ranked = sorted(
        ((number, round(score * 100, 1), position) for number, (score, position) in best),
        key=lambda item: (-item[1], item[0]),
    )
    ranked = _break_ties(question, ranked, index)
    return [(index.entry_ids[number], score) for number, score, _ in ranked[:limit]]


def _break_ties(
    question: str, ranked: list[tuple[int, float, int]], index: MatchIndex
) -> list[tuple[int, float, int]]:
    """Among entries with the same top score, prefer the one whose phrasing reads closest."""
    if len(ranked) < 2 or ranked[0][1] != ranked[1][1]:
        return ranked
    top = ranked[0][1]
    tied = [item for item in ranked if item[1] == top]
    plain = simplify_text(question)
    tied.sort(key=lambda item: -fuzz.ratio(plain, index.plain_phrasings[item[2]]))
    return tied + ranked[len(tied) :]


def match_question(
    question: str, kb: KnowledgeBase, thresholds: MatchThresholds = DEFAULT_THRESHOLDS
) -> MatchResult:
    """Answer the best entry, offer one (or 2-3 close) suggestions, or fall back honestly."""
    index = kb.index
    key = (question, thresholds)
    with index._results_lock:
        cached = index._results.get(key)
        if cached is not None:
            index._results.move_to_end(key)
            return cached
    result = with_country_answer(_match_uncached(question, kb, thresholds), kb)
    with index._results_lock:
        index._results[key] = result
        if len(index._results) > RESULT_CACHE_SIZE:
            index._results.popitem(last=False)
    return result


def forget_results(kb: KnowledgeBase) -> None:
    """Empty the result cache of this knowledge base's index (benchmarks time matching itself)."""
    with kb.index._results_lock:
        kb.index._results.clear()


def _match_uncached(question: str, kb: KnowledgeBase, thresholds: MatchThresholds) -> MatchResult:
    if is_not_english(question):
        return MatchResult(question, "not_english", None, 0.0, (), ())
    reading = prepared_text(question, kb)
    if thresholds.calibrated:
        result = _match_calibrated(reading, kb, thresholds)
    else:
        result = _match_reading(reading, kb, thresholds)
    return dataclasses.replace(result, question=question)


def prepared_text(question: str, kb: KnowledgeBase) -> str:
    """The English question as the matcher reads it: foreign words and typos repaired."""
    index = kb.index
    readings = index._word_readings

    def read(match: re.Match[str]) -> str:
        word = match.group(0)
        found = readings.get(word)
        if found is None:
            found = _read_word(word, index)
            if len(readings) < WORD_READINGS_SIZE:
                readings[word] = found
        return found

    return LETTERS.sub(read, question)


def _read_word(word: str, index: MatchIndex) -> str:
    # A word of the writer's language inside English: read in English, or dropped.
    english = english_word(word, index.phrasing_words)
    if english != word:
        return english
    # A typo repaired against the FAQ's own words, for the words matched and the meaning alike.
    folded = fold_accents(word)
    repaired = index.spelling.word(folded)
    return word if repaired == folded else repaired


@dataclass(frozen=True)
class Reading:
    """One way of reading a message (whole, or its asking part): its ranking and signals."""

    text: str
    ranked: tuple[tuple[str, float, float, float], ...]
    signals: Signals


def readings(question: str, kb: KnowledgeBase) -> list[Reading]:
    """The message read whole and, when it has one apart, from its asking part alone."""
    words = len(question.split())
    texts = [(question, False)]
    asking = asking_sentences(question)
    if asking != question:
        texts.append((asking, True))
    found = []
    for text, focused in texts:
        ranked = tuple(_blended(text, kb.index, MAX_CANDIDATES))
        if ranked:
            found.append(Reading(text, ranked, _signals(text, ranked, kb, focused, words)))
    return found


def _signals(
    text: str,
    ranked: tuple[tuple[str, float, float, float], ...],
    kb: KnowledgeBase,
    focused: bool,
    message_words: int,
) -> Signals:
    index = kb.index
    query = _query_tokens(text, index)
    topic = [q for q in query if not q.stop and q.weight > 0 and not _is_pair(q.token)]
    best = ranked[0][0]
    return Signals(
        scores=tuple(item[1] for item in ranked),
        lexical=tuple(item[3] for item in ranked),
        cosines=tuple(item[2] for item in ranked),
        topic_words=len(topic),
        unknown_words=sum(1 for q in topic if q.credit == 0),
        shared_words=_topic_words(query, best, index),
        generic_words=sum(1 for q in topic if q.token in index.generic_words),
        half_unknown=_half_unknown(query),
        focused=focused,
        message_words=message_words,
        small_talk=kb.entries[index.entry_numbers[best]].about == SMALL_TALK,
        unknown_weight=sum(q.weight for q in topic if q.credit == 0)
        / max(sum(q.weight for q in topic), 1e-9),
    )


def _match_calibrated(question: str, kb: KnowledgeBase, thresholds: MatchThresholds) -> MatchResult:
    found = readings(question, kb)
    if not found:
        return MatchResult(question, "fallback", None, 0.0, (), ())
    whole = found[0]
    candidates = tuple((entry_id, score) for entry_id, score, _, _ in whole.ranked)
    best_score, cosine = whole.ranked[0][1], whole.ranked[0][2]
    elsewhere = other_programme(question)
    if elsewhere is not None:
        return MatchResult(
            question, "fallback", None, best_score, (), candidates, cosine, out_of_scope=elsewhere
        )
    if asks_for_work(question):
        return MatchResult(
            question, "fallback", None, best_score, (), candidates, cosine, asks_for_work=True
        )
    model = shipped_model()
    chances = [model.probabilities(reading.signals.vector()) for reading in found]
    decision, chosen, suggestions = calibrated_decision(
        found, chances, model.answer_from, model.suggest_from, thresholds
    )
    ranked = chosen.ranked
    candidates = tuple((entry_id, score) for entry_id, score, _, _ in ranked)
    entry_id = ranked[0][0] if decision == "answer" else None
    return MatchResult(
        question, decision, entry_id, ranked[0][1], suggestions, candidates, ranked[0][2]
    )


def calibrated_decision(
    found: list[Reading],
    chances: list[NDArray[np.float64]],
    answer_from: float,
    suggest_from: float,
    thresholds: MatchThresholds,
) -> tuple[Decision, Reading, tuple[str, ...]]:
    """Answer, suggest or fall back, from each reading's class probabilities: the reading most
    likely to have the right entry first is the one decided on."""
    at = max(range(len(found)), key=lambda number: float(chances[number][0]))
    reading, chance = found[at], chances[at]
    best_score = reading.ranked[0][1]
    if (
        chance[0] >= answer_from
        and best_score >= thresholds.answer
        and not reading.signals.half_unknown
    ):
        return "answer", reading, ()
    if chance[0] + chance[1] >= suggest_from and best_score >= thresholds.suggest:
        suggestions = tuple(
            entry_id
            for entry_id, score, _, _ in reading.ranked[:MAX_SUGGESTIONS]
            if score >= thresholds.suggest and best_score - score <= CLOSE_MARGIN
        )
        return "suggest", reading, suggestions
    return "fallback", reading, ()


def _match_reading(question: str, kb: KnowledgeBase, thresholds: MatchThresholds) -> MatchResult:
    whole = _decide(question, kb, thresholds)
    if whole.decision == "answer" or whole.out_of_scope is not None or whole.asks_for_work:
        return whole
    # A long message's context (the city, the council, a greeting) dilutes every score; its
    # asking sentences alone, if they are answered with confidence, answer it.
    asking = asking_sentences(question)
    if asking == question:
        return whole
    focused = _decide(asking, kb, thresholds)
    score = round(focused.score - ASKING_SENTENCE_PENALTY, 1)
    if focused.decision != "answer" or score < thresholds.answer:
        return whole
    candidates = tuple(
        (entry_id, round(value - ASKING_SENTENCE_PENALTY, 1))
        for entry_id, value in focused.candidates
    )
    return dataclasses.replace(focused, question=question, score=score, candidates=candidates)


def _decide(question: str, kb: KnowledgeBase, thresholds: MatchThresholds) -> MatchResult:
    ranked = _blended(question, kb.index, MAX_CANDIDATES)
    candidates = tuple((entry_id, score) for entry_id, score, _, _ in ranked)
    if not ranked:
        return MatchResult(question, "fallback", None, 0.0, (), ())
    best_id, best_score, cosine, _ = ranked[0]
    elsewhere = other_programme(question)
    if elsewhere is not None:
        return MatchResult(
            question, "fallback", None, best_score, (), candidates, cosine, out_of_scope=elsewhere
        )
    if asks_for_work(question):
        return MatchResult(
            question, "fallback", None, best_score, (), candidates, cosine, asks_for_work=True
        )
    query = _query_tokens(question, kb.index)
    if best_score >= thresholds.answer_score(_topic_word_count(query)) and not _half_unknown(query):
        return MatchResult(question, "answer", best_id, best_score, (), candidates, cosine)
    if best_score < thresholds.suggest:
        return MatchResult(question, "fallback", None, best_score, (), candidates, cosine)
    if best_score < thresholds.topic_check_below and (
        _topic_words(query, best_id, kb.index) < thresholds.topic_words
    ):
        return MatchResult(question, "fallback", None, best_score, (), candidates, cosine)
    # One clear leader gets one button; entries close behind it are offered beside it.
    suggestions = tuple(
        entry_id
        for entry_id, score in candidates[:MAX_SUGGESTIONS]
        if score >= thresholds.suggest and best_score - score <= CLOSE_MARGIN
    )
    return MatchResult(question, "suggest", None, best_score, suggestions, candidates, cosine)


def _half_unknown(query: list[_QueryToken]) -> bool:
    """A question of one or two topic words, one of which no entry knows ("tax deadline"): what
    it is about may be just that word, so it is asked back ("did you mean"), never answered."""
    topic = [q for q in query if not q.stop and q.weight > 0]
    return len(topic) <= SHORT_QUESTION_WORDS and any(q.credit == 0 for q in topic)


def _topic_word_count(query: list[_QueryToken]) -> int:
    """The message's topic words, known or not (the same count that makes a query long)."""
    return sum(1 for q in query if not q.stop and q.weight > 0)


# Question words say how something is asked, not what about: they are no topic words.
_QUESTION_WORDS = frozenset(
    canonical_token(word)
    for word in ("what", "how", "who", "when", "which", "why", "where", "many", "much", "long")
)


def _topic_words(query: list[_QueryToken], entry_id: str, index: MatchIndex) -> int:
    """How many of the query's topic words (typos resolved) the entry's phrasings use."""
    vocabulary = index.entry_vocabulary[index.entry_numbers[entry_id]]
    return len(
        {
            q.token
            for q in query
            if not q.stop
            and q.credit > 0
            and not _is_pair(q.token)
            and q.token not in _QUESTION_WORDS
            and q.token in vocabulary
        }
    )
