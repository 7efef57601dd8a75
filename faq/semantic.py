"""The meaning signal: static word vectors (WordLlama, inside its wheel), loaded offline once."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

_lock = threading.Lock()
_model: Any = None

# A long message's own question weighs this much of its vector; greetings and context the rest.
QUESTION_SENTENCE_WEIGHT = 0.3
# From this many phrasings, a question is first compared on COARSE_DIMENSIONS principal
# directions: a cosine's bound is read there, and exact cosines are taken only for the entries
# whose bound can reach the nearest ones. Reading a quarter of the matrix is what saves: the
# full product runs from memory, not cache, once the lexical pass has run (~0.5 ms at 6,000).
COARSE_FROM_ROWS = 2000
COARSE_DIMENSIONS = 128
# Covers the float32 rounding of the coarse product, so that a bound is never below a cosine.
BOUND_MARGIN = 1e-4
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# A question word inside a sentence, as non-native writers often ask ("we need to know when").
# Not "if": "they want to understand if it is online" is context more often than the question.
_CLAUSE_BREAK = re.compile(r",|\s(?=but\s|so\s|because\s)")
_EMBEDDED_QUESTION = re.compile(r"\b(?:what|how|when|which|who|where|whether)\b")
# Asking without a question mark or a leading question word: "I would like to know the last day".
_REQUEST = re.compile(
    r"\b(?:please|kindly|let (?:me|us) know|tell (?:me|us)|explain|clarify"
    r"|(?:would|'d) like to (?:know|ask|understand|check)|wanted? to (?:know|ask|understand)"
    r"|need to know|wonder(?:ing)?|grateful if|appreciate (?:it )?if|looking for)\b"
)
_GREETING_LINE = re.compile(
    r"(?:dear|hello|hi|hey|good (?:morning|afternoon|evening)|greetings)\b[^.!?]{0,40}[,!.:]?"
)
_CLOSING = re.compile(
    r"(?:(?:kind|best|warm|many)?\s*regards|best wishes|best\b|sincerely|yours\b|cheers"
    r"|thanks?\b|thank you|with thanks|many thanks|greetings from|sent from)"
)
_QUESTION_WORDS = frozenset(
    [
        "what",
        "how",
        "when",
        "who",
        "which",
        "where",
        "why",
        "is",
        "are",
        "can",
        "could",
        "do",
        "does",
        "will",
        "may",
        "must",
        "should",
        "would",
        "until",
        "if",
    ]
)


def _load() -> Any:
    import wordllama
    from threadpoolctl import threadpool_limits
    from wordllama import WordLlama

    # One product of a few thousand rows takes ~0.1 ms on one core; BLAS's worker threads
    # only add wake-up and contention spikes (p99 ~16 ms on a busy machine), and buffers.
    threadpool_limits(limits=1, user_api="blas")
    # The same for the tokenizer: encoding a question or two in its thread pool doubled the
    # embedding time (0.26 vs 0.12 ms median) and added spikes of several ms. It reads this
    # setting on every call; an operator's own choice is kept.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    # The wheel holds weights and tokenizer beside the code; the default cache path would look
    # for the tokenizer elsewhere and try to download it.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def model() -> Any:
    """The embedding model, loaded on first use, once per process (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def embed(texts: list[str]) -> NDArray[np.float32]:
    """Unit-length vectors for the texts, one row each."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors: NDArray[np.float32] = model().embed(texts, norm=True)
    return vectors


def question_sentence(text: str) -> str:
    """The sentences that ask (with "?" or a question word), or the last one; whole if one."""
    parts = _body(_sentences(text))
    if len(parts) < 2:
        return text
    asking = [part for part in parts if _asks(part)]
    return " ".join(asking) if asking else parts[-1]


def asking_sentences(text: str) -> str:
    """question_sentence, with sentences that ask inside ("we don't know which is the deadline")."""
    if len(_sentences(text)) < 2:
        return text
    parts = _body(_sentences(text)) or _sentences(text)
    asking = [part if _asks(part) else _asking_clauses(part) for part in parts]
    asking = [part for part in asking if part]
    return " ".join(asking) if asking else parts[-1]


def _asking_clauses(sentence: str) -> str:
    """The clauses of a sentence that ask inside it ("..., but we don't know which is the
    deadline"): a sentence of context with a question at its end is mostly context."""
    clauses = [clause.strip() for clause in _CLAUSE_BREAK.split(sentence)]
    return ", ".join(c for c in clauses if _EMBEDDED_QUESTION.search(c.lower()))


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _asks(sentence: str) -> bool:
    return (
        "?" in sentence
        or sentence.split()[0].lower().strip(",") in _QUESTION_WORDS
        or _REQUEST.search(sentence.lower()) is not None
    )


def _body(parts: list[str]) -> list[str]:
    """The sentences of a message without its greeting line and its signature: from a closing
    ("Kind regards", "Thank you in advance") in its second half on, nothing asks."""
    kept = [part for part in parts if not _GREETING_LINE.fullmatch(part.lower())]
    for at in range(len(kept) // 2, len(kept)):
        if at > 0 and _CLOSING.match(kept[at].lower()):
            return kept[:at]
    return kept


@dataclass(frozen=True)
class SemanticIndex:
    """Phrasing vectors, and which entry each phrasing belongs to."""

    vectors: NDArray[np.float32]
    owners: NDArray[np.intp]
    entries: int
    # Where each entry's phrasings start in `vectors` (they are stored entry by entry), and
    # which entries have any: one maximum.reduceat per question instead of a slow ufunc.at.
    starts: NDArray[np.intp]
    present: NDArray[np.intp]
    # The coarse pass (large bases only): vectors = center + coarse @ basis + rest, where
    # rest is orthogonal to the basis and rest_norms holds its length per phrasing.
    center: NDArray[np.float32] | None = None
    basis: NDArray[np.float32] | None = None
    coarse: NDArray[np.float32] | None = None
    rest_norms: NDArray[np.float32] | None = None

    def question_vector(self, question: str) -> NDArray[np.float32]:
        """The question's vector; a long message's asking sentences weigh in more."""
        focus = question_sentence(question)
        if focus == question:
            return embed([question])[0]
        whole, asked = embed([question, focus])
        vector: NDArray[np.float32] = (
            1 - QUESTION_SENTENCE_WEIGHT
        ) * whole + QUESTION_SENTENCE_WEIGHT * asked
        return vector

    def similarities(self, question: str) -> NDArray[np.float64]:
        """Per entry, the best cosine between the question and one of its phrasings."""
        best = np.full(self.entries, -1.0)
        if not len(self.owners):
            return best
        return self._all_cosines(self.question_vector(question))

    def _all_cosines(self, vector: NDArray[np.float32]) -> NDArray[np.float64]:
        best = np.full(self.entries, -1.0)
        # float32 throughout: a float64 vector would copy the whole matrix on every question.
        cosines = self.vectors @ vector.astype(np.float32, copy=False)
        best[self.present] = np.maximum.reduceat(cosines, self.starts)
        return best

    def nearest(self, question: str, count: int, also: Iterable[int]) -> dict[int, float]:
        """Best cosines of the `count` entries closest in meaning and of the `also` entries.

        A text of no known token embeds as NaN: it means nothing, so every cosine is -1.
        """
        if not len(self.owners):
            also = list(also)
            return {number: -1.0 for number in [*also, *range(min(count, self.entries))]}
        return self.nearest_to(self.question_vector(question), count, also)

    def nearest_to(
        self, vector: NDArray[np.float32], count: int, also: Iterable[int]
    ) -> dict[int, float]:
        """`nearest` for a vector: exact best cosines, the same floats as the full product."""
        count = min(count, self.entries)
        also = list(also)
        if self.coarse is None or np.isnan(vector).any():
            cosines = np.nan_to_num(self._all_cosines(vector), nan=-1.0)
            top: list[int] = np.argpartition(-cosines, count - 1)[:count].tolist() if count else []
            return {int(n): float(cosines[n]) for n in [*also, *top]}
        return self._nearest_coarse(vector.astype(np.float32, copy=False), count, also)

    def _nearest_coarse(
        self, vector: NDArray[np.float32], count: int, also: list[int]
    ) -> dict[int, float]:
        assert self.center is not None and self.basis is not None
        assert self.coarse is not None and self.rest_norms is not None
        projected = self.basis @ vector
        rest = float(np.linalg.norm(vector.astype(np.float64) - self.basis.T @ projected))
        # float32 like the product: its rounding (~1e-6) is far inside BOUND_MARGIN.
        bounds = self.coarse @ projected
        bounds += self.rest_norms * np.float32(rest)
        bounds += np.float32(float(self.center @ vector) + BOUND_MARGIN)
        highs = np.full(self.entries, -np.inf, dtype=np.float32)
        highs[self.present] = np.maximum.reduceat(bounds, self.starts)
        # The 2 x count entries of highest bound, with the entries asked for, in one pass: the
        # count-th best exact cosine of the former is a floor that the nearest entries reach;
        # then every other entry whose bound reaches that floor.
        leading = np.argpartition(-highs, min(2 * count, self.entries) - 1)[: 2 * count]
        chosen = np.zeros(self.entries, dtype=np.bool_)
        chosen[leading] = True
        chosen[also] = True
        exact = self._exact_cosines(chosen, vector)
        reached = sorted((exact[n] for n in leading.tolist() if n in exact), reverse=True)
        # Fewer reached than count (entries without phrasings): every bound is a candidate.
        floor = reached[count - 1] if 0 < count <= len(reached) else -np.inf if count else np.inf
        more = (highs >= floor) & ~chosen
        if more.any():
            exact.update(self._exact_cosines(more, vector))
        # Entries without phrasings have no cosine: -1, as in the full product.
        for number in also:
            exact.setdefault(number, -1.0)
        ranked = sorted(exact, key=lambda number: -exact[number])[:count]
        return {number: exact[number] for number in [*also, *ranked]}

    def _exact_cosines(
        self, chosen: NDArray[np.bool_], vector: NDArray[np.float32]
    ) -> dict[int, float]:
        rows = np.flatnonzero(chosen[self.owners])
        if not len(rows):
            return {}
        cosines = self.vectors[rows] @ vector
        owners = self.owners[rows]
        firsts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        best = np.maximum.reduceat(cosines, firsts).astype(np.float64)
        return dict(zip(owners[firsts].tolist(), best.tolist(), strict=True))


def build_semantic_index(phrasings: list[tuple[int, str]], entries: int) -> SemanticIndex:
    """Embed every phrasing once (entry number, text), when the FAQ index is built."""
    texts = [text for _, text in phrasings]
    vectors = embed(texts) if texts else np.zeros((0, 256), dtype=np.float32)
    order = sorted(range(len(phrasings)), key=lambda position: phrasings[position][0])
    vectors = np.ascontiguousarray(vectors[order], dtype=np.float32) if order else vectors
    owners = np.array([phrasings[position][0] for position in order], dtype=np.intp)
    return index_from_vectors(vectors, owners, entries)


def index_from_vectors(
    vectors: NDArray[np.float32], owners: NDArray[np.intp], entries: int
) -> SemanticIndex:
    """The index over phrasing vectors stored entry by entry (owners ascending)."""
    present, starts = np.unique(owners, return_index=True)
    coarse_parts: dict[str, Any] = {}
    if len(vectors) >= COARSE_FROM_ROWS and vectors.shape[1] > COARSE_DIMENSIONS:
        exact = vectors.astype(np.float64)
        center = exact.mean(axis=0)
        _, _, directions = np.linalg.svd(exact - center, full_matrices=False)
        basis = directions[:COARSE_DIMENSIONS]
        coarse = (exact - center) @ basis.T
        rest = exact - center - coarse @ basis
        coarse_parts = {
            "center": center.astype(np.float32),
            "basis": np.ascontiguousarray(basis, dtype=np.float32),
            "coarse": np.ascontiguousarray(coarse, dtype=np.float32),
            "rest_norms": np.linalg.norm(rest, axis=1).astype(np.float32),
        }
    return SemanticIndex(
        vectors=vectors,
        owners=owners,
        entries=entries,
        starts=starts.astype(np.intp),
        present=present.astype(np.intp),
        **coarse_parts,
    )
