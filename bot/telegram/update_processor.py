"""Process updates of different chats concurrently, and each chat's updates in order.

A chat's waiting updates hold no capacity: an update takes one of the slots only once it is its
chat's turn, and gives it back while it waits on Telegram (see `slot_freed`). A chat that sends
more than BACKLOG_LIMIT updates before the bot has caught up has the excess skipped; once its
backlog is answered it gets one notice saying how many were skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Updates of one chat waiting or running at once; beyond it a chat's updates are skipped.
BACKLOG_LIMIT = 20
SKIPPED_NOTICE = (
    "You sent messages faster than I can answer, so I skipped {count} of them. "
    "Please send again, one at a time, anything I have not answered."
)
# PTB's own semaphore is taken before the update's chat is known: it must never be what waits.
_PTB_LIMIT = 1_000_000

Handled = Callable[[object], Awaitable[None]]
Skipped = Callable[[int, int], Awaitable[None]]


class _Slot:
    """One of the processor's slots, held by the update running in this context."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self.slots = slots
        self.held = False

    async def take(self) -> None:
        await self.slots.acquire()
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()


_current_slot: ContextVar[_Slot | None] = ContextVar("update_slot", default=None)


@asynccontextmanager
async def slot_freed() -> AsyncIterator[None]:
    """Give the running update's slot back while waiting (on Telegram), take one again after."""
    slot = _current_slot.get()
    if slot is None or not slot.held:
        yield
        return
    slot.give_back()
    try:
        yield
    finally:
        await slot.take()


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


@dataclass
class _ChatLine:
    """One chat's updates: those queued or running, and how many were skipped meanwhile."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: int = 0
    skipped: int = 0


async def _nothing(update: object) -> None:
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """One person's messages are handled one after another (a conversation stays coherent);
    many people are served at once, so one slow or flooding chat does not hold up the rest."""

    def __init__(
        self,
        max_concurrent_updates: int = 16,
        *,
        backlog_limit: int = BACKLOG_LIMIT,
        on_handled: Handled = _nothing,
        on_skipped: Skipped | None = None,
    ) -> None:
        super().__init__(_PTB_LIMIT)
        if max_concurrent_updates < 1 or backlog_limit < 1:
            raise ValueError("max_concurrent_updates and backlog_limit must be positive")
        self.slot_count = max_concurrent_updates
        self.backlog_limit = backlog_limit
        # Told of every update once it is handled or skipped (the inbox marks it done).
        self.on_handled = on_handled
        # Told (chat id, how many) once a chat's backlog is answered after some were skipped.
        self.on_skipped = on_skipped
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._lines: dict[int, _ChatLine] = {}

    @property
    def busy_chats(self) -> int:
        """How many chats have updates queued or running."""
        return len(self._lines)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's handling in its chat's turn, holding a slot only while it runs."""
        key = _chat_key(update)
        if key is None:
            try:
                await self._run(coroutine)
            finally:
                await self.on_handled(update)
            return
        line = self._lines.setdefault(key, _ChatLine())
        if line.queued >= self.backlog_limit:
            line.skipped += 1
            if isinstance(coroutine, Coroutine):
                coroutine.close()  # never run: close it so Python does not warn
            if line.skipped == 1:
                log.warning("Chat %s sent updates faster than it can be answered", key)
            await self.on_handled(update)
            return
        line.queued += 1
        try:
            async with line.lock:
                try:
                    await self._run(coroutine)
                finally:
                    await self.on_handled(update)
                if line.queued == 1 and line.skipped:
                    skipped, line.skipped = line.skipped, 0
                    await self._tell_skipped(key, skipped)
        finally:
            line.queued -= 1
            if line.queued == 0:
                # Forget idle chats so the map stays as small as the set of busy chats.
                del self._lines[key]

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        slot = _Slot(self._slots)
        await slot.take()
        token = _current_slot.set(slot)
        try:
            await coroutine
        finally:
            _current_slot.reset(token)
            slot.give_back()

    async def _tell_skipped(self, chat_id: int, skipped: int) -> None:
        if self.on_skipped is None:
            return
        try:
            await self.on_skipped(chat_id, skipped)
        except Exception:  # a notice that cannot go must not stop the chat's next update
            log.warning("Could not tell chat %s about %d skipped updates", chat_id, skipped)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
