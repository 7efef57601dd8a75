"""The knowledge base as immutable values: entries, links, call settings and the matching index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.eligibility import EligibilityRules
    from faq.matcher import MatchIndex


# The phases an answer may vary by: the names of faq.call.CallPhase, lowercased (faq.call imports
# this module, so the names are spelled here and a test keeps the two in step).
PHASE_KEYS = ("to_be_announced", "opens_soon", "open", "closed")
# The `by_phase:` key of the answer shown, in every phase, while the call's dates are not those of
# the call the facts describe (call.yaml's `facts_call_days`): its facts are history then.
OTHER_CALL = "other_call"
ANSWER_KEYS = (*PHASE_KEYS, OTHER_CALL)
# What an entry is about: only "programme" entries state programme facts and must cite sources.
ABOUT_PROGRAMME = "programme"
ABOUT_KINDS = (ABOUT_PROGRAMME, "bot", "small-talk")
# What an entry's `offer:` may put under its answer: "human" is the "Reach a person" button.
OFFER_HUMAN = "human"
OFFER_KINDS = (OFFER_HUMAN,)
# The earliest day each phase of the Cohort 2 call can be seen, from the facts file (opened
# 8 April 2024 [N3]; first published deadline 31 May 2024): an answer shown in a phase may link
# only sources published by then, unless a date variant's `from:` is later. The default answer is
# held to the earliest of them, as it is what the bot shows before the call is announced.
PHASE_EARLIEST_DAY = {
    "to_be_announced": date(2024, 4, 7),
    "opens_soon": date(2024, 4, 7),
    "open": date(2024, 4, 8),
    "closed": date(2024, 5, 31),
    OTHER_CALL: date(2024, 4, 7),  # staff may set other dates at any time
}


@dataclass(frozen=True)
class Link:
    """A source shown under an answer: a link, or plain text when the source has no address."""

    title: str
    url: str | None


@dataclass(frozen=True)
class Source:
    """One source of the catalogue (faq/data/sources.yaml): id, title and address if any."""

    id: str
    title: str
    url: str | None = None
    published: date | None = None  # the earliest day it can have been published, when known

    @property
    def link(self) -> Link:
        """The source as a link under an answer."""
        return Link(self.title, self.url)


@dataclass(frozen=True)
class SourceLocation:
    """Where something was written: file path and 1-based line."""

    file: str
    line: int


@dataclass(frozen=True)
class DatedVariant:
    """An answer shown only from a day on (a fact dated after the call's phase), in one phase or,
    when `phase` is None, wherever the default answer would be shown."""

    phase: str | None
    starts: date
    answer: str
    sources: tuple[str, ...] = ()  # empty: the phase's (or the entry's) sources apply
    links: tuple[Link, ...] | None = None  # set by the loader from `sources`


@dataclass(frozen=True)
class Entry:
    """One FAQ entry: a question, the other ways people ask it, and its HTML answer."""

    id: str
    question: str
    alternatives: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    links: tuple[Link, ...] = ()
    related: tuple[str, ...] = ()
    location: SourceLocation = SourceLocation("", 0)
    browse: bool = True  # False: answered when asked, but not listed under /faq's topics
    sources: tuple[str, ...] = ()  # source ids of the catalogue; `links` already holds them
    about: str = ABOUT_PROGRAMME
    by_phase: tuple[tuple[str, str], ...] = ()  # (phase key, answer) pairs overriding `answer`
    # Shown under the answer: the sources' links, then `links` (the entry's own, which the matcher
    # reads); empty when the entry was built without the loader.
    shown_links: tuple[Link, ...] = ()
    # (phase key, links) for phases whose answer cites its own sources instead of the entry's
    phase_links: tuple[tuple[str, tuple[Link, ...]], ...] = ()
    phase_sources: tuple[tuple[str, tuple[str, ...]], ...] = ()
    dated: tuple[DatedVariant, ...] = ()  # answers gated by a day, in file order
    offer: str | None = None  # one of OFFER_KINDS: a button offered under every answer

    def dated_at(self, phase_key: str | None, day: date) -> DatedVariant | None:
        """The latest date variant of this phase (None: of the default) already reached on
        `day`, or None."""
        reached = [v for v in self.dated if v.phase == phase_key and v.starts <= day]
        return max(reached, key=lambda v: v.starts, default=None)

    def answer_for(self, phase_key: str) -> str:
        """The answer written for this phase, or the default `answer` when there is none."""
        return dict(self.by_phase).get(phase_key, self.answer)

    def links_for(self, phase_key: str | None) -> tuple[Link, ...]:
        """The links shown under the answer in this phase (the entry's unless the phase has its
        own sources)."""
        shown = self.shown_links or self.links
        if phase_key is None:
            return shown
        return dict(self.phase_links).get(phase_key, shown)

    def sources_for(self, phase_key: str) -> tuple[str, ...]:
        """The source ids the answer of this phase stands on."""
        return dict(self.phase_sources).get(phase_key, self.sources)

    def has_variant(self, phase_key: str) -> bool:
        """True when the entry has its own answer for this phase."""
        return any(key == phase_key for key, _ in self.by_phase)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The main question followed by its alternatives."""
        return (self.question, *self.alternatives)


@dataclass(frozen=True)
class CallSettings:
    """The call's name, dates (a date, or a date and time) and link as written in call.yaml."""

    name: str
    opens: date | datetime | None = None
    deadline: date | datetime | None = None
    url: str | None = None
    # Shown as {deadline_note} beside the deadline once one is set: sources differed on it.
    deadline_note: str = ""
    # The days the note is true of (a deadline on another day gets none); None: any deadline.
    deadline_note_days: tuple[date, ...] | None = None
    # The days of the call the facts describe (the 2024 call's opening and deadlines); None: any.
    facts_call_days: tuple[date, ...] | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries, the call settings, the eligibility rules and the matching index (build it with
    `faq.loader.build_knowledge_base`, which keeps the index in step with the entries)."""

    entries: tuple[Entry, ...]
    call: CallSettings
    index: MatchIndex = field(repr=False, compare=False)
    eligibility: EligibilityRules | None = None  # None when no file has "eligibility:"
    sources: tuple[Source, ...] = ()
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id; KeyError when there is none."""
        return self._by_id[entry_id]

    def tags(self) -> list[str]:
        """The topics to browse: tags of browsable entries, sorted case-insensitively."""
        browsable = (entry for entry in self.entries if entry.browse)
        return sorted({tag for entry in browsable for tag in entry.tags}, key=_tag_order)

    def entries_with_tag(self, tag: str) -> list[Entry]:
        """Browsable entries carrying this tag, in file order."""
        return [entry for entry in self.entries if entry.browse and tag in entry.tags]


def _tag_order(tag: str) -> tuple[str, str]:
    return (tag.casefold(), tag)
