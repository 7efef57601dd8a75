"""The Application's update queue, backed by the inbox: an update reaches the handlers only once
it is on disk, and polling confirms nothing to Telegram before that (see `stored`)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import Update

from bot.storage.inbox import Inbox, JournalError

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger(__name__)


class DurableUpdateQueue(asyncio.Queue[object]):
    """Updates put here are journaled (group-committed fsyncs) before they are handed on."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self._unsaved: list[Update] = []
        self._flusher: asyncio.Task[None] | None = None
        self._keys: dict[int, str] = {}  # id(update) -> inbox key, while it is in flight
        self._failed = False

    async def put(self, item: object) -> None:
        """Journal an Update (handed on once saved); anything else follows what came before."""
        if isinstance(item, Update):
            self.receive(item)
            return
        await self.stored()
        await super().put(item)

    def receive(self, update: Update) -> None:
        """Journal `update` unless it was received before; it is queued once saved."""
        key = self.inbox.receive(update.to_dict())
        if key is None:
            log.debug("Update %s was received before; not handled again", update.update_id)
            return
        self._keys[id(update)] = key
        self._unsaved.append(update)
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush(), name="inbox flush")

    async def stored(self) -> None:
        """Return once every update received so far is on disk (and queued)."""
        while self._flusher is not None:
            await asyncio.shield(self._flusher)

    async def put_stored(self, update: Update) -> None:
        """Journal `update` and return once it is on disk (the webhook answers after this)."""
        self.receive(update)
        await self.stored()

    async def _flush(self) -> None:
        try:
            while self._unsaved:
                batch, self._unsaved = self._unsaved, []
                await self._save()
                for update in batch:
                    self.put_nowait(update)
        finally:
            self._flusher = None

    async def _save(self) -> None:
        try:
            await self.inbox.saved()
        except JournalError as error:
            # Answering without the journal beats answering no one; say so once.
            if not self._failed:
                self._failed = True
                log.error("Updates are handled without being kept first: %s", error)

    async def handled(self, update: object) -> None:
        """Mark `update` done in the inbox (returns once that is on disk)."""
        key = self._keys.pop(id(update), None)
        if key is None:
            return
        self.inbox.done(key)
        await self._save()

    def replay(self, bot: Bot) -> int:
        """Queue what was received and not done before the last stop; returns how many."""
        undone = self.inbox.undone()
        for key, payload in undone:
            try:
                update = Update.de_json(payload, bot)
            except Exception as error:  # kept by an older version PTB no longer reads
                log.error("Dropped a kept update PTB cannot read (%r): %s", error, key)
                self.inbox.done(key)
                continue
            self._keys[id(update)] = key
            self.put_nowait(update)
        return len(undone)
