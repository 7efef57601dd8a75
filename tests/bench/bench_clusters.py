"""Clustering 1,000 logged questions for /unanswered, against just normalising them."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bot.desk.clusters import cluster_questions, question_key
from bot.storage.questions import LoggedQuestion
from tests.bench.table import BenchRow, format_table

QUESTIONS = 1_000
RUNS = 5
TOPICS = (
    "travel costs for the study visits",
    "can a university apply",
    "what language are the seminars in",
    "is there a deadline extension",
    "how many people from our city can take part",
    "do we need a letter of support from the mayor",
    "can two cities apply together",
    "what happens if we are not selected",
)
NOISE = ("please", "hello", "thanks", "our town", "in 2026", "quickly", "exactly", "again")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def logged_questions(count: int, seed: int = 7) -> list[LoggedQuestion]:
    """Questions as people type them: a few topics in many wordings, and one-off questions."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = []
    for number in range(count):
        if rng.random() < 0.7:
            words = rng.choice(TOPICS).split()
            rng.shuffle(words)
            text = " ".join([*words, rng.choice(NOISE)])
        else:
            # A one-off: made-up words, so it forms a cluster of its own (the worst case).
            text = " ".join(_word(rng) for _ in range(4))
        rows.append(
            LoggedQuestion(
                question=text,
                decision=rng.choice(("fallback", "suggest", "none")),
                candidates=(("costs", 61.0), ("contact", 55.0)),
                asked_at=start + timedelta(minutes=number),
            )
        )
    return rows


def _median_seconds(action: object) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run() -> list[BenchRow]:
    """Median time to cluster 1,000 logged questions, beside normalising each of them once."""
    rows = logged_questions(QUESTIONS)
    clustering = _median_seconds(lambda: cluster_questions(rows))
    normalising = _median_seconds(lambda: [question_key(row.question) for row in rows])
    return [
        BenchRow(
            f"cluster {QUESTIONS:,} logged questions",
            "ms",
            clustering * 1000,
            baseline_name="normalise each question once",
            baseline=normalising * 1000,
            target="< 500 ms (one /unanswered)",
        )
    ]


if __name__ == "__main__":
    print(format_table(run()))
