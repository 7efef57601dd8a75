"""Self-test: every phrasing of every entry must be answered by its own entry, clearly."""

from __future__ import annotations

from dataclasses import dataclass

from faq.matcher import MatchThresholds, match_question
from faq.model import KnowledgeBase, SourceLocation

# Another entry scoring within this margin of a phrasing's own entry competes for it.
COMPETING_MARGIN = 3.0


@dataclass(frozen=True)
class Misrouted:
    """A phrasing that does not get its own entry as a direct answer."""

    phrasing: str
    entry_id: str
    decision: str
    got_id: str | None
    score: float
    location: SourceLocation

    def __str__(self) -> str:
        got = f'"{self.got_id}"' if self.got_id else "no entry"
        return (
            f'{self.location.file}:{self.location.line}: "{self.phrasing}" of entry '
            f'"{self.entry_id}" gets {self.decision} {got} (score {self.score:.1f}); '
            "reword it or make it more specific"
        )


@dataclass(frozen=True)
class Competing:
    """Two entries scoring almost the same for one phrasing."""

    phrasing: str
    entry_id: str
    other_id: str
    own_score: float
    other_score: float
    location: SourceLocation

    def __str__(self) -> str:
        return (
            f'{self.location.file}:{self.location.line}: "{self.phrasing}" of entry '
            f'"{self.entry_id}" ({self.own_score:.1f}) competes with entry "{self.other_id}" '
            f"({self.other_score:.1f}); make the two entries' phrasings more distinct"
        )


@dataclass(frozen=True)
class SelfTestReport:
    """The phrasings that go astray and the entry pairs that compete."""

    misrouted: tuple[Misrouted, ...]
    competing: tuple[Competing, ...]
    phrasings: int

    @property
    def ok(self) -> bool:
        """True when every phrasing answers its own entry without a close rival."""
        return not self.misrouted and not self.competing


def self_test(kb: KnowledgeBase, thresholds: MatchThresholds) -> SelfTestReport:
    """Ask every question and alternative; report those not answered by their own entry."""
    misrouted: list[Misrouted] = []
    competing: list[Competing] = []
    count = 0
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            count += 1
            result = match_question(phrasing, kb, thresholds)
            if result.decision != "answer" or result.entry_id != entry.id:
                misrouted.append(
                    Misrouted(
                        phrasing,
                        entry.id,
                        result.decision,
                        result.entry_id,
                        result.score,
                        entry.location,
                    )
                )
                continue
            scores = dict(result.candidates)
            own = scores.get(entry.id, 0.0)
            for other_id, other_score in result.candidates:
                if other_id != entry.id and other_score >= own - COMPETING_MARGIN:
                    competing.append(
                        Competing(phrasing, entry.id, other_id, own, other_score, entry.location)
                    )
    return SelfTestReport(tuple(misrouted), tuple(competing), count)
