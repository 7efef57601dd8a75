"""The live knowledge base: the last good FAQ, swapped atomically when the folder changes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from faq.loader import FaqValidationError, directory_fingerprint, load_knowledge_base
from faq.model import KnowledgeBase


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: swapped in a new base, found nothing new, or kept the old one."""

    changed: bool
    error: FaqValidationError | None = None
    entry_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the folder is valid (whether or not anything changed)."""
        return self.error is None


class LiveKnowledgeBase:
    """Holds the knowledge base in use; readers always see one complete, validated version."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fingerprint = directory_fingerprint(directory)
        self._current = load_knowledge_base(directory)
        self._lock = asyncio.Lock()
        self.last_error: FaqValidationError | None = None

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base answers are drawn from now."""
        return self._current

    async def reload_if_changed(self) -> ReloadOutcome:
        """Reload when the folder's files changed since the last look."""
        if directory_fingerprint(self.directory) == self._fingerprint:
            return ReloadOutcome(changed=False, entry_count=len(self._current.entries))
        return await self.reload()

    async def reload(self) -> ReloadOutcome:
        """Validate the folder now; swap it in if valid, else keep the last good version."""
        async with self._lock:
            fingerprint = directory_fingerprint(self.directory)
            try:
                loaded = await asyncio.to_thread(load_knowledge_base, self.directory)
            except FaqValidationError as error:
                self._fingerprint = fingerprint
                self.last_error = error
                return ReloadOutcome(changed=True, error=error)
            self._fingerprint = fingerprint
            self._current = loaded
            self.last_error = None
            return ReloadOutcome(changed=True, entry_count=len(loaded.entries))
