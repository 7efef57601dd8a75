"""The bot's rate limiter: Telegram's per-chat pace kept by the bot itself, and no update slot
held while a request waits.

PTB's AIORateLimiter paces the whole bot and groups, not private chats; a chat answered faster
than Telegram allows gets 429, and AIORateLimiter then pauses every request of the bot. Pacing
each private chat here keeps one busy chat from pausing everyone else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

from bot.telegram.update_processor import slot_freed

# Telegram asks for about one message a second per chat, short bursts allowed (a margin
# below it, as requests can reach Telegram closer together than they left).
PER_CHAT_PER_SECOND = 0.95
PER_CHAT_BURST = 4
MAX_TRACKED_CHATS = 10_000
# The methods that post something into a chat (as Telegram counts them).
PACED_PREFIXES = ("send", "copyMessage", "forwardMessage")


class _Bucket:
    def __init__(self, now: float) -> None:
        self.tokens = float(PER_CHAT_BURST)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds to wait for a token; takes it (possibly in advance) either way."""
        self.tokens = min(PER_CHAT_BURST, self.tokens + (now - self.updated) * PER_CHAT_PER_SECOND)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / PER_CHAT_PER_SECOND


class ChatPacedRateLimiter(BaseRateLimiter[int]):
    """Wraps another rate limiter: paces sends to each private chat and frees the update slot
    while a request waits, so waiting on Telegram holds no capacity other chats need."""

    def __init__(
        self,
        inner: BaseRateLimiter[Any],
        clock: Callable[[], float] = time.monotonic,
        *,
        pace_chats: bool = True,
    ) -> None:
        self.inner = inner
        self.clock = clock
        self.pace_chats = pace_chats
        self._buckets: dict[int, _Bucket] = {}

    async def initialize(self) -> None:
        """Initialize the wrapped limiter."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped limiter down."""
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the chat's pace, then let the wrapped limiter send; no slot held meanwhile."""
        async with slot_freed():
            delay = self._delay(endpoint, data.get("chat_id"))
            if delay > 0:
                await asyncio.sleep(delay)
            return await self.inner.process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _delay(self, endpoint: str, chat_id: object) -> float:
        if not self.pace_chats or not endpoint.startswith(PACED_PREFIXES):
            return 0.0
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if not isinstance(chat_id, int) or chat_id < 0:
            return 0.0  # groups and channels: the wrapped limiter paces them
        now = self.clock()
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_CHATS:
                self._forget_rested(now)
            bucket = self._buckets[chat_id] = _Bucket(now)
        return bucket.wait(now)

    def _forget_rested(self, now: float) -> None:
        rested = PER_CHAT_BURST / PER_CHAT_PER_SECOND
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < rested}
