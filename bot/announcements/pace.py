"""One budget of messages a second for everything the bot sends: replies first, broadcasts after.

Telegram allows a bot about 30 messages a second in all. Replies (through PTB's rate limiter,
see SharedBudgetLimiter) and the broadcaster take from the same token bucket, so the two
together never go over `per_second`; while a reply waits for a token, no broadcast send takes one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Bot API methods that count against Telegram's messages-per-second limits.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)


ROUNDING = 1e-9


class SendPace:
    """At most `per_second` messages a second, replies and broadcast sends together."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError(f"per_second must be above 0, not {per_second}")
        self.rate = per_second
        # A tenth of a second's worth: sends are spread evenly instead of going out in bursts.
        self.capacity = max(1.0, per_second / 10)
        self.clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated = clock()
        self._paused_until = 0.0
        self._replies_waiting = 0
        self.replies = 0
        self.broadcast_sends = 0

    def _refill(self) -> None:
        current = self.clock()
        self._tokens = min(self.capacity, self._tokens + (current - self._updated) * self.rate)
        self._updated = current

    def pause(self, seconds: float) -> None:
        """Send no broadcast for `seconds` (Telegram asked the whole bot to wait)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def wait_seconds(self, *, reply: bool = False) -> float:
        """Seconds until the next send of this kind may go (0: now)."""
        if not reply:
            paused = self._paused_until - self.clock()
            if paused > 0:
                return paused
        self._refill()
        if not reply and self._replies_waiting:
            # Replies go first: look again once the next token is theirs to take.
            return max(1 - self._tokens, 1.0) / self.rate
        # Within rounding of a whole token counts as one: a wait of 1e-17 s would never end.
        return 0.0 if self._tokens >= 1 - ROUNDING else (1 - self._tokens) / self.rate

    async def take(self, *, reply: bool = False) -> None:
        """Wait for a token and spend it; a reply (`reply=True`) goes before any broadcast send."""
        if reply:
            self._replies_waiting += 1
        try:
            while (wait := self.wait_seconds(reply=reply)) > 0:
                await self._sleep(wait)
        finally:
            if reply:
                self._replies_waiting -= 1
        # Checked and spent with no await in between: concurrent takers never overspend.
        self._tokens -= 1
        if reply:
            self.replies += 1
        else:
            self.broadcast_sends += 1
