"""Telling a Bot API outage from an error about one recipient, and waiting the outage out.

A send that fails to connect, times out or gets a 5xx says nothing by itself about the person:
the broadcaster asks the API something cheap (getMe). If that fails too, the API is down: every
send waits here, probing with growing pauses, and nobody is counted failed for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import NetworkError, TelegramError

log = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 8.0


class ApiOutage:
    """Shared by a broadcaster's sends: one probe at a time, one wait for all while it is down."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[object]],
        *,
        first_wait: float = FIRST_WAIT_SECONDS,
        max_wait: float = MAX_WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.clock = clock
        self._lock = asyncio.Lock()
        self._waiting: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.outages = 0

    async def reachable(self) -> bool:
        """Whether the Bot API answers at all (a 4xx other than 429 counts as an answer)."""
        try:
            await self._probe()
        except NetworkError:  # no connection, a timeout or a 5xx
            return False
        except TelegramError:
            return True
        return True

    async def wait_if_down(self) -> bool:
        """After a send failed without an answer: if the API is down, wait until it is back
        (or stop() is called) and return True; return False at once if it answers."""
        async with self._lock:
            if self._waiting is None:
                if await self.reachable():
                    return False
                self.outages += 1
                self._waiting = asyncio.create_task(self._until_back(), name="bot api outage")
            waiting = self._waiting
        # Shielded: one send being cancelled must not end the wait the others share.
        await asyncio.shield(waiting)
        return True

    def stop(self) -> None:
        """End any wait now (the broadcaster is stopping)."""
        self._stop.set()

    async def _until_back(self) -> None:
        started = self.clock()
        wait = self.first_wait
        log.warning("The Bot API cannot be reached; broadcasts wait until it answers again.")
        try:
            while not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), wait)
                if await self.reachable():
                    log.warning(
                        "The Bot API answers again after %.0f s; broadcasts carry on.",
                        self.clock() - started,
                    )
                    return
                wait = min(wait * 2, self.max_wait)
        finally:
            self._waiting = None
