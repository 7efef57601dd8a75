"""The broadcaster's pace: a token bucket that every reply the bot sends also takes from."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

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
        "editMessageReplyMarkup",
    }
)


class SendPace:
    """At most `per_second` broadcast sends a second, less whatever replies took meanwhile."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        if per_second <= 0:
            raise ValueError(f"per_second must be above 0, not {per_second}")
        self.rate = per_second
        # A tenth of a second's worth: sends are spread evenly instead of going out in bursts.
        self.capacity = max(1.0, per_second / 10)
        self.clock = clock
        self._tokens = self.capacity
        self._updated = clock()
        self._paused_until = 0.0
        self.replies = 0

    def _refill(self) -> None:
        current = self.clock()
        self._tokens = min(self.capacity, self._tokens + (current - self._updated) * self.rate)
        self._updated = current

    def note_request(self, method: str) -> None:
        """Count a message the bot sent outside the broadcaster (a reply): it goes first."""
        if method in SENDING_METHODS:
            self.replies += 1
            self._refill()
            # A debt the broadcaster waits out, so replies and broadcasts together keep the rate.
            self._tokens -= 1

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (Telegram asked the whole bot to wait)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def wait_seconds(self) -> float:
        """Seconds until the next broadcast send may go (0: now)."""
        paused = self._paused_until - self.clock()
        if paused > 0:
            return paused
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    async def take(self) -> None:
        """Wait for a token and spend it."""
        while (wait := self.wait_seconds()) > 0:
            await asyncio.sleep(wait)
        self._tokens -= 1
