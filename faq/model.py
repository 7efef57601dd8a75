"""The knowledge base as immutable values: entries, links, call settings and the matching index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.eligibility import EligibilityRules
    from faq.matcher import MatchIndex


@dataclass(frozen=True)
class Link:
    """A source link shown under an answer."""

    title: str
    url: str


@dataclass(frozen=True)
class SourceLocation:
    """Where something was written: file path and 1-based line."""

    file: str
    line: int


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


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries, the call settings, the eligibility rules and the matching index (build it with
    `faq.loader.build_knowledge_base`, which keeps the index in step with the entries)."""

    entries: tuple[Entry, ...]
    call: CallSettings
    index: MatchIndex = field(repr=False, compare=False)
    eligibility: EligibilityRules | None = None  # None when no file has "eligibility:"
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
