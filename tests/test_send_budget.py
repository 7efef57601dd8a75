"""Replies and broadcasts share one budget of messages a second, replies first (virtual time)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Any

from telegram.ext import AIORateLimiter

from bot.announcements.pace import SendPace
from bot.announcements.shared_limit import SharedBudgetLimiter

RATE = 25
SECONDS = 20


class VirtualTime:
    """A clock that moves only when every task is asleep, to the earliest wake-up."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        """The virtual time in seconds."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Sleep in virtual time."""
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), woken))
        await woken

    async def run_until(self, end: float) -> None:
        """Let tasks run, moving time forward, until `end`."""
        while True:
            for _ in range(20):  # let every ready task reach its next sleep
                await asyncio.sleep(0)
            if not self._sleepers or self._sleepers[0][0] > end:
                self.now = end
                return
            self.now, _, woken = heapq.heappop(self._sleepers)
            woken.set_result(None)


async def test_replies_and_a_broadcast_together_stay_within_the_budget_replies_first() -> None:
    time = VirtualTime()
    pace = SendPace(RATE, clock=time.clock, sleep=time.sleep)
    limiter = SharedBudgetLimiter(pace, AIORateLimiter(overall_max_rate=0, group_max_rate=0))
    sent: list[tuple[float, str]] = []
    reply_waits: list[float] = []
    pending: list[asyncio.Task[None]] = []

    async def send_reply(**_: Any) -> bool:
        sent.append((time.now, "reply"))
        return True

    async def one_reply() -> None:
        asked = time.now
        await limiter.process_request(send_reply, (), {}, "sendMessage", {"chat_id": 7}, None)
        reply_waits.append(time.now - asked)

    async def replies() -> None:
        # Bursts of people writing at once: 4 replies at a time, 20 a second for the first
        # half, then 40 a second (more than the budget) for the second.
        while time.now < SECONDS:
            pending.extend(asyncio.create_task(one_reply()) for _ in range(4))
            await time.sleep(4 / (20 if time.now < SECONDS / 2 else 40))

    async def broadcast_worker() -> None:
        while True:
            await pace.take()
            sent.append((time.now, "broadcast"))

    workers = [asyncio.create_task(broadcast_worker()) for _ in range(8)]
    asking = asyncio.create_task(replies())
    await time.run_until(SECONDS)
    for task in [*workers, asking, *pending]:
        task.cancel()
    await asyncio.gather(*workers, asking, *pending, return_exceptions=True)

    # Every one-second window, whatever sent it: within the budget (plus its tenth-second burst).
    moments = [at for at, _ in sent]
    for start in (i / 10 for i in range(SECONDS * 10 - 10)):
        in_window = sum(start <= at < start + 1 for at in moments)
        assert in_window <= RATE + pace.capacity, (start, in_window)
    # While replies need less than the budget, the broadcast gets the rest and no reply waits
    # more than its burst's share.
    first_half = [kind for at, kind in sent if 1 <= at < SECONDS / 2]
    assert first_half.count("broadcast") >= (RATE - 20) * (SECONDS / 2 - 1) * 0.9
    assert max(reply_waits[: 20 * 9]) <= 4 / RATE
    # While replies alone need more than the budget, the broadcast yields: it sends nothing.
    second_half = [kind for at, kind in sent if SECONDS / 2 + 1 <= at < SECONDS]
    assert second_half.count("broadcast") == 0 and len(second_half) >= RATE * (SECONDS / 2 - 1)
