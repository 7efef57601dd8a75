"""The calibrated decision: answer, "did you mean", or fall back, from signals the matcher has
already computed, by a small multinomial logistic model learned from the practice sets.

The model (faq/decision_model.json, written by `python -m faq.train`) gives four
probabilities for a ranking of entries: the first entry is right, the right one is second or
third, the right one is further down, the question is off-topic. The first decides an answer,
the first two together a "did you mean"; the cut-offs come with the model.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODEL_FILE = Path(__file__).resolve().parent / "decision_model.json"
CLASSES = ("first", "top3", "missed", "off_topic")
FEATURES = (
    "score",
    "score_squared",
    "margin",
    "margin3",
    "lexical",
    "lexical_margin",
    "cosine",
    "cosine_margin",
    "topic_words",
    "unknown_words",
    "unknown_share",
    "shared_words",
    "shared_share",
    "half_unknown",
    "focused",
    "small_talk",
    "unknown_weight",
    "score_cosine",
    "score_unknown",
    "score_shared",
    "score_margin",
    "generic_share",
)


@dataclass(frozen=True)
class Signals:
    """What the matcher knows about one ranking of entries for a question."""

    # (blended score 0..100, lexical score 0..100, meaning cosine) of the ranked entries.
    scores: tuple[float, ...]
    lexical: tuple[float, ...]
    cosines: tuple[float, ...]
    topic_words: int
    unknown_words: int
    shared_words: int
    half_unknown: bool
    focused: bool
    message_words: int
    small_talk: bool
    # The share of the question's topic weight in words no entry knows.
    unknown_weight: float = 0.0
    # Topic words of the whole call ("twin", "city"): shared with every entry, said or not.
    generic_words: int = 0

    def vector(self) -> NDArray[np.float64]:
        """The features in FEATURES' order."""
        first = self.scores[0] if self.scores else 0.0
        second = self.scores[1] if len(self.scores) > 1 else 0.0
        third = self.scores[2] if len(self.scores) > 2 else 0.0
        lexical = self.lexical[0] if self.lexical else 0.0
        lexical_second = max(self.lexical[1:], default=0.0)
        cosine = self.cosines[0] if self.cosines else 0.0
        cosine_second = max(self.cosines[1:], default=0.0)
        topic = max(self.topic_words, 1)
        shared = min(self.shared_words / topic, 1.0)
        return np.array(
            [
                first / 100,
                (first / 100) ** 2,
                (first - second) / 100,
                (first - third) / 100,
                lexical / 100,
                (lexical - lexical_second) / 100,
                cosine,
                cosine - cosine_second,
                math.log1p(self.topic_words),
                math.log1p(self.unknown_words),
                self.unknown_words / topic,
                min(self.shared_words, 5) / 5,
                shared,
                float(self.half_unknown),
                float(self.focused),
                float(self.small_talk),
                self.unknown_weight,
                first / 100 * cosine,
                first / 100 * self.unknown_weight,
                first / 100 * shared,
                first / 100 * (first - second) / 100,
                min(self.generic_words / topic, 1.0),
            ]
        )


@dataclass(frozen=True)
class DecisionModel:
    """Standardisation, weights and cut-offs of the learned decision."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]  # (features, classes)
    bias: NDArray[np.float64]  # (classes,)
    answer_from: float
    suggest_from: float

    def probabilities(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """The four class probabilities (CLASSES' order) for one feature vector or a matrix."""
        logits = ((features - self.mean) / self.scale) @ self.weights + self.bias
        logits = logits - logits.max(axis=-1, keepdims=True)
        exp = np.exp(logits)
        result: NDArray[np.float64] = exp / exp.sum(axis=-1, keepdims=True)
        return result

    def to_json(self) -> dict[str, object]:
        """The model as the JSON object the file keeps."""
        return {
            "features": list(FEATURES),
            "classes": list(CLASSES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
            "answer_from": round(self.answer_from, 4),
            "suggest_from": round(self.suggest_from, 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DecisionModel:
        """A model from its JSON object; refused when made for other features or classes."""
        if data.get("features") != list(FEATURES) or data.get("classes") != list(CLASSES):
            raise ValueError(
                f"{MODEL_FILE.name} was trained for other features; run `python -m faq.train`."
            )

        def array(key: str) -> NDArray[np.float64]:
            return np.asarray(data[key], dtype=np.float64)

        return cls(
            mean=array("mean"),
            scale=array("scale"),
            weights=array("weights"),
            bias=array("bias"),
            answer_from=float(data["answer_from"]),  # type: ignore[arg-type]
            suggest_from=float(data["suggest_from"]),  # type: ignore[arg-type]
        )


@lru_cache(maxsize=1)
def shipped_model() -> DecisionModel:
    """The model kept in the package (read once per process)."""
    return DecisionModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
