"""The durable inbox: every update the bot receives is journaled before Telegram is told it
arrived, and marked done once handled; what a kill left undone is handled at the next start.

The journal in ``DATA_DIR/inbox`` holds a line per update received (its JSON) and a line per
update done. An update is known by its update_id and a digest of its content, so the same update
delivered again (Telegram re-sends what was not confirmed) is recognised, while a new update that
reuses an id (a Bot API server started afresh) is not mistaken for it. Compaction keeps only the
updates not yet done and the keys of the last KEEP_DONE done, so handled texts do not linger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from bot.storage.journal import Journal, JournalCorruptError, JournalError, Record

__all__ = ["Inbox", "JournalError", "update_key"]

INBOX_FOLDER = "inbox"
COMPACT_AFTER_BYTES = 1024 * 1024
# Telegram re-sends only what was not confirmed: at most a getUpdates batch (100) or the
# webhook deliveries in flight (40); the last thousand done are plenty to recognise them.
KEEP_DONE = 1_000
IN_USE = "{folder} is in use by another running bot; stop that one first."


def update_key(payload: dict[str, Any]) -> str:
    """The update's id and a digest of its content: what recognises a delivery repeated."""
    digest = hashlib.blake2b(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS), digest_size=8)
    return f"{payload.get('update_id')}:{digest.hexdigest()}"


class Inbox:
    """Updates received and not yet handled, kept in a journal; one instance per data folder."""

    def __init__(self, folder: Path, *, compact_after_bytes: int = COMPACT_AFTER_BYTES) -> None:
        self.folder = Path(folder)
        self._pending: dict[str, dict[str, Any]] = {}
        self._done: dict[str, None] = {}
        self._journal = Journal(self.folder, compact_after_bytes, in_use=IN_USE, owner="The inbox")
        try:
            for path, line, record in self._journal.recover():
                try:
                    self._apply(record)
                except (KeyError, TypeError, ValueError) as error:
                    raise JournalCorruptError(
                        path, line, f"not an inbox change: {error!r}"
                    ) from None
            self._journal.start(self._snapshot)
        except BaseException:
            self._journal.release()
            raise

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Inbox:
        """The inbox kept in `data_dir`/inbox."""
        return cls(Path(data_dir) / INBOX_FOLDER)

    def _apply(self, record: Record) -> None:
        kind, key = record["t"], record["k"]
        if not isinstance(key, str):
            raise TypeError(f"key {key!r} is not a string")
        if kind == "in":
            if not isinstance(record["u"], dict):
                raise TypeError("the update is not an object")
            self._pending[key] = record["u"]
        elif kind == "done":
            self._mark_done(key)
        else:
            raise ValueError(f"unknown change {kind!r}")

    def _mark_done(self, key: str) -> None:
        self._pending.pop(key, None)
        self._done[key] = None
        if len(self._done) > KEEP_DONE:
            del self._done[next(iter(self._done))]

    def _snapshot(self) -> Iterable[Record]:
        for key in self._done:
            yield {"t": "done", "k": key}
        for key, payload in self._pending.items():
            yield {"t": "in", "k": key, "u": payload}

    def undone(self) -> list[tuple[str, dict[str, Any]]]:
        """Updates received and not done, in the order they came (so in order per chat)."""
        return list(self._pending.items())

    def receive(self, payload: dict[str, Any]) -> str | None:
        """Record an update; its key, or None if it was received before. Durable after saved()."""
        key = update_key(payload)
        if key in self._pending or key in self._done:
            return None
        self._pending[key] = payload
        self._journal.append({"t": "in", "k": key, "u": payload})
        return key

    def done(self, key: str) -> None:
        """Mark an update handled; durable after saved()."""
        if key in self._pending:
            self._mark_done(key)
            self._journal.append({"t": "done", "k": key})

    async def saved(self) -> None:
        """Return once every change so far is on disk; raises JournalError if it cannot be."""
        await self._journal.saved()

    async def close(self) -> None:
        """Save everything, compact, and release the folder."""
        await self._journal.close()
