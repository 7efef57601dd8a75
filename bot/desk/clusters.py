"""Group similar logged questions into clusters admins can turn into FAQ phrasings in one tap."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.storage.questions import LoggedQuestion
from faq.normalize import canonical_tokens, content_tokens

# Decisions that mean the FAQ did not answer outright (an answer or a foreign question is no
# material for a new English phrasing); "wrong" was answered, and the person said not that.
CLUSTERED_DECISIONS = frozenset({"fallback", "suggest", "chosen", "none", "wrong"})
# Two questions belong together from this token_sort_ratio of their sorted content words.
SIMILARITY = 70.0
# Question words say nothing about the topic, yet would pull every "how ..." together.
QUESTION_WORDS = frozenset({"what", "how", "when", "who", "where", "why", "which", "much", "many"})
# A press on a suggestion says more about the right entry than any score.
CHOSEN_WEIGHT = 200.0
TOKEN_CHARS = 10
TYPICAL_CANDIDATES = 30


@dataclass(frozen=True)
class HiddenCluster:
    """A cluster an admin dealt with: questions like it are hidden (asked up to `until`)."""

    key: str
    until: datetime | None = None  # None: hidden for good (Ignore)


@dataclass(frozen=True)
class QuestionCluster:
    """Similar logged questions: how many, the most typical one, and the entry they want."""

    key: str
    count: int
    example: str
    best_entry: str | None
    entries: tuple[str, ...]
    last_asked: datetime
    # Entries that answered these questions and were pressed "Not what I asked", commonest first.
    wrongly_answered: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        """A short, stable name of the cluster for button data."""
        return cluster_token(self.key)


def cluster_token(key: str) -> str:
    """The short name of a cluster key, safe in callback data."""
    return hashlib.sha256(key.encode()).hexdigest()[:TOKEN_CHARS]


def question_key(text: str) -> str:
    """The sorted, distinct content words of a question: what similarity is measured on."""
    words = content_tokens(canonical_tokens(text))
    topical = {word for word in words if word not in QUESTION_WORDS}
    return " ".join(sorted(topical or set(words)))


def cluster_questions(
    rows: Iterable[LoggedQuestion],
    hidden: Sequence[HiddenCluster] = (),
    known_entries: Collection[str] | None = None,
) -> list[QuestionCluster]:
    """Clusters of the unanswered questions, most frequent first (then most recent, then key)."""
    by_key: dict[str, list[LoggedQuestion]] = defaultdict(list)
    for row in rows:
        if row.decision in CLUSTERED_DECISIONS:
            key = question_key(row.question)
            if key:
                by_key[key].append(row)
    # Biggest groups lead, so a cluster is named after its most common wording.
    order = sorted(by_key, key=lambda key: (-len(by_key[key]), key))
    seeds = _strongest(hidden)
    seed_keys = list(seeds)
    leaders: list[str] = []
    members: dict[str, list[str]] = {}
    for key in order:
        seed = process.extractOne(
            key, seed_keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILARITY
        )
        if seed is not None:
            until = seeds[seed[0]].until
            by_key[key] = [] if until is None else [r for r in by_key[key] if r.asked_at > until]
            if not by_key[key]:
                continue  # dealt with; asked again after a fix, it comes back below
        found = process.extractOne(
            key, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILARITY
        )
        if found is None:
            leaders.append(key)
            members[key] = [key]
        else:
            members[found[0]].append(key)
    clusters = [
        _cluster(leader, [by_key[key] for key in keys], known_entries)
        for leader, keys in members.items()
    ]
    clusters.sort(key=lambda c: (-c.count, -c.last_asked.timestamp(), c.key))
    return clusters


def _strongest(hidden: Sequence[HiddenCluster]) -> dict[str, HiddenCluster]:
    """One seed per key: hidden for good wins, else the latest fix."""
    seeds: dict[str, HiddenCluster] = {}
    for seed in hidden:
        earlier = seeds.get(seed.key)
        if earlier is None or earlier.until is None:
            seeds.setdefault(seed.key, seed)
        elif seed.until is None or seed.until > earlier.until:
            seeds[seed.key] = seed
    return seeds


def _cluster(
    leader: str, groups: list[list[LoggedQuestion]], known: Collection[str] | None
) -> QuestionCluster:
    rows = [row for group in groups for row in group]
    entries = _ranked_entries(rows, known)
    return QuestionCluster(
        key=leader,
        count=_askings(rows),
        example=_most_typical(groups),
        best_entry=entries[0] if entries else None,
        entries=entries,
        last_asked=max(row.asked_at for row in rows),
        wrongly_answered=_wrongly_answered(rows, known),
    )


def _askings(rows: list[LoggedQuestion]) -> int:
    """How many times people asked: a press under a suggestion is the same asking as it."""
    shown = Counter(row.question for row in rows if row.decision == "suggest")
    count = 0
    for row in rows:
        if row.decision in ("chosen", "none") and shown[row.question] > 0:
            shown[row.question] -= 1
        else:
            count += 1
    return count


def _most_typical(groups: list[list[LoggedQuestion]]) -> str:
    """The commonest wording of the group closest to all the others (weighted by count)."""
    # The biggest groups are enough to find the centre, and keep this linear in the log.
    central = sorted(groups, key=len, reverse=True)[:TYPICAL_CANDIDATES]
    keys = [question_key(group[0].question) for group in central]
    weights = [len(group) for group in central]

    def closeness(i: int) -> float:
        return sum(
            fuzz.token_sort_ratio(keys[i], other) * weight
            for other, weight in zip(keys, weights, strict=True)
        )

    totals = [closeness(i) for i in range(len(keys))]
    best = min(range(len(keys)), key=lambda i: (-totals[i], -weights[i], keys[i]))
    wordings = Counter(" ".join(row.question.split()) for row in central[best])
    return min(wordings, key=lambda text: (-wordings[text], len(text), text))


def _ranked_entries(rows: list[LoggedQuestion], known: Collection[str] | None) -> tuple[str, ...]:
    """Entries by weight: what people pressed first, then the matcher's candidates."""
    weight: defaultdict[str, float] = defaultdict(float)
    for row in rows:
        if row.decision == "chosen" and row.chosen_entry:
            weight[row.chosen_entry] += CHOSEN_WEIGHT
        elif row.decision != "none":  # "None of these": its candidates were wrong
            for entry_id, score in row.candidates:
                # "Not what I asked": the entry that answered is the one home it does not want.
                if row.decision != "wrong" or entry_id != row.chosen_entry:
                    weight[entry_id] += score
    ranked = sorted(weight, key=lambda entry_id: (-weight[entry_id], entry_id))
    return tuple(e for e in ranked if known is None or e in known)


def _wrongly_answered(rows: list[LoggedQuestion], known: Collection[str] | None) -> tuple[str, ...]:
    """The entries pressed "Not what I asked" under, most often first (then by id)."""
    wrong = Counter(r.chosen_entry for r in rows if r.decision == "wrong" and r.chosen_entry)
    ranked = sorted(wrong, key=lambda entry_id: (-wrong[entry_id], entry_id))
    return tuple(e for e in ranked if known is None or e in known)
