"""Telegram-like flood limits: one overall token bucket plus one per chat."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

MAX_TRACKED_CHATS = 10_000


class TokenBucket:
    """Holds up to `capacity` tokens, refilled at `rate` tokens per second."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self.tokens = capacity
        self.updated = clock()

    def _refill(self) -> None:
        current = self.clock()
        self.tokens = min(self.capacity, self.tokens + (current - self.updated) * self.rate)
        self.updated = current

    def wait_seconds(self) -> float:
        """Seconds until a token is available (0 when one is)."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Spend one token (call after wait_seconds() returned 0)."""
        self.tokens -= 1

    def is_full(self) -> bool:
        """Whether the bucket has refilled completely (nothing to remember)."""
        self._refill()
        return self.tokens >= self.capacity


class RateLimiter:
    """Decides whether one more message to a chat may go now, or how long to wait."""

    def __init__(
        self,
        overall_per_second: float,
        per_chat_per_second: float,
        per_chat_burst: int,
        clock: Callable[[], float] = time.monotonic,
        per_group_per_minute: float = 20.0,
    ) -> None:
        self.clock = clock
        self.per_chat_per_second = per_chat_per_second
        self.per_chat_burst = per_chat_burst
        self.per_group_per_minute = per_group_per_minute
        self.overall = TokenBucket(overall_per_second, overall_per_second, clock)
        self.chats: dict[int, TokenBucket] = {}

    def retry_after(self, chat_id: int, group: bool = False) -> int | None:
        """None and a token spent if the send may go; else whole seconds to wait (>= 1)."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if len(self.chats) >= MAX_TRACKED_CHATS:
                self.chats = {k: b for k, b in self.chats.items() if not b.is_full()}
            if group:
                # A group's minute allowance, spendable at once, refilled evenly.
                rate, burst = self.per_group_per_minute / 60, self.per_group_per_minute
                chat = TokenBucket(rate, burst, self.clock)
            else:
                chat = TokenBucket(self.per_chat_per_second, self.per_chat_burst, self.clock)
            self.chats[chat_id] = chat
        wait = max(chat.wait_seconds(), self.overall.wait_seconds())
        if wait > 0:
            return max(1, math.ceil(wait))
        chat.take()
        self.overall.take()
        return None
