"""Process updates of different chats concurrently, and each chat's updates in order.

A chat's waiting updates hold no capacity: an update takes one of the slots only once it is its
chat's turn, and gives it back while it waits on Telegram (see `slot_freed`). A chat that sends
faster than a person types (more than ARRIVAL_BURST at once, then more than ARRIVAL_PER_SECOND)
has the excess skipped, and is told so once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# A chat's updates are taken ARRIVAL_BURST at once, then ARRIVAL_PER_SECOND on average (its
# count starts afresh once it has nothing waiting); the rest are skipped.
ARRIVAL_BURST = 20
ARRIVAL_PER_SECOND = 1.0
SKIPPED_NOTICE = (
    "You are sending messages faster than I can answer, so I am skipping some of them. "
    "Please wait for my replies, then send again, one at a time, anything I have not answered."
)
# PTB's own semaphore is taken before the update's chat is known: it must never be what waits.
_PTB_LIMIT = 1_000_000

Handled = Callable[[object], Awaitable[None]]
Skipped = Callable[[int], Awaitable[None]]


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


def _sent_at(update: object) -> float:
    """When the person sent it: a message's own date, so that updates delivered together after
    the bot was away (or replayed from the inbox) count at the pace they were sent."""
    if isinstance(update, Update):
        message = update.message or update.edited_message
        if message is not None and message.date is not None:
            return message.date.timestamp()
    return time.time()


@dataclass
class _ChatLine:
    """One chat's updates queued or running, and its allowance of updates taken."""

    arrived: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: int = 0
    allowance: float = ARRIVAL_BURST
    skipped: int = 0

    def take(self, now: float) -> bool:
        """Whether one more update of this chat is taken now (else it is skipped)."""
        refill = max(0.0, now - self.arrived) * ARRIVAL_PER_SECOND
        self.allowance = min(ARRIVAL_BURST, self.allowance + refill)
        self.arrived = max(self.arrived, now)
        if self.allowance < 1:
            self.skipped += 1
            return False
        self.allowance -= 1
        return True


async def _nothing(update: object) -> None:
    return None


def _close(coroutine: Awaitable[Any]) -> None:
    if isinstance(coroutine, Coroutine):
        coroutine.close()  # never run: close it so Python does not warn


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """One person's messages are handled one after another (a conversation stays coherent);
    many people are served at once, so one slow or flooding chat does not hold up the rest."""

    def __init__(
        self,
        max_concurrent_updates: int = 16,
        *,
        on_handled: Handled = _nothing,
        on_skipped: Skipped | None = None,
    ) -> None:
        super().__init__(_PTB_LIMIT)
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be positive")
        self.slot_count = max_concurrent_updates
        # Told of every update once it is handled or skipped (the inbox marks it done).
        self.on_handled = on_handled
        # Told a chat's id at the first update of it skipped since it last had nothing waiting.
        self.on_skipped = on_skipped
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._lines: dict[int, _ChatLine] = {}
        self._leaving = False

    def leave_waiting(self) -> None:
        """At a stop: updates not yet started are left unhandled (the inbox has them for the
        next start), so stopping waits only for those running, not for every chat's backlog."""
        self._leaving = True

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
        now = _sent_at(update)
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = _ChatLine(arrived=now)
        if not line.take(now):
            _close(coroutine)
            if line.skipped == 1:
                log.warning("Chat %s sends faster than it can be answered; skipping some", key)
                await self._tell_skipped(key)
            await self.on_handled(update)
            return
        line.queued += 1
        try:
            async with line.lock:
                if self._leaving:
                    _close(coroutine)
                    return
                try:
                    await self._run(coroutine)
                finally:
                    await self.on_handled(update)
        finally:
            line.queued -= 1
            if line.queued == 0 and self._lines.get(key) is line:
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

    async def _tell_skipped(self, chat_id: int) -> None:
        if self.on_skipped is None:
            return
        try:
            await self.on_skipped(chat_id)
        except Exception as error:  # a notice that cannot go must not stop anything else
            log.warning("Could not tell chat %s its messages are skipped: %r", chat_id, error)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
