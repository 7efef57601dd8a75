"""The meaning signal: static word vectors (WordLlama, inside its wheel), loaded offline once."""

from __future__ import annotations

import re
import threading
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
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
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
    parts = [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]
    if len(parts) < 2:
        return text
    asking = [
        part
        for part in parts
        if "?" in part or part.split()[0].lower().strip(",") in _QUESTION_WORDS
    ]
    return " ".join(asking) if asking else parts[-1]


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

    def similarities(self, question: str) -> NDArray[np.float64]:
        """Per entry, the best cosine between the question and one of its phrasings."""
        best = np.full(self.entries, -1.0)
        if not len(self.owners):
            return best
        focus = question_sentence(question)
        if focus == question:
            vector = embed([question])[0]
        else:
            whole, asked = embed([question, focus])
            vector = (1 - QUESTION_SENTENCE_WEIGHT) * whole + QUESTION_SENTENCE_WEIGHT * asked
        # float32 throughout: a float64 vector would copy the whole matrix on every question.
        cosines = self.vectors @ vector.astype(np.float32, copy=False)
        best[self.present] = np.maximum.reduceat(cosines, self.starts)
        return best


def build_semantic_index(phrasings: list[tuple[int, str]], entries: int) -> SemanticIndex:
    """Embed every phrasing once (entry number, text), when the FAQ index is built."""
    texts = [text for _, text in phrasings]
    vectors = embed(texts) if texts else np.zeros((0, 256), dtype=np.float32)
    order = sorted(range(len(phrasings)), key=lambda position: phrasings[position][0])
    vectors = np.ascontiguousarray(vectors[order], dtype=np.float32) if order else vectors
    owners = np.array([phrasings[position][0] for position in order], dtype=np.intp)
    present, starts = np.unique(owners, return_index=True)
    return SemanticIndex(
        vectors=vectors,
        owners=owners,
        entries=entries,
        starts=starts.astype(np.intp),
        present=present.astype(np.intp),
    )
