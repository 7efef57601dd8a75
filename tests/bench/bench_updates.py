"""Updates under stress: one chat flooding while others ask (their reply time), and the bot
SIGKILLed again and again under load (questions never answered, registrations a person saw
confirmed and the export lacks).

The flood runs the bot in this process against the emulator in a child process with Telegram's
limits (30 messages a second overall, ~1 a second per chat); the kill loop runs the emulator and
the bot as two processes (tests/kill_loop.py).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.app import build_application
from bot.lifecycle import running_with_polling
from bot.sandbox.server import SANDBOX_TOKEN
from bot.settings import load_settings
from tests.bench.emulator_process import emulator_in_a_child_process
from tests.bench.table import BenchRow
from tests.kill_loop import QUESTIONS, run_kill_loop

TELEGRAM_LIMITS = {"overall_per_second": 30, "per_chat_per_second": 1.0}
FLOOD_MESSAGES = 200
FLOOD_CONCURRENCY = 20
OTHERS = 50
ASK_EVERY = 3.0
ASKING_SECONDS = 24.0
REPLY_PATIENCE = 60.0
KILL_USERS = 60
KILL_QUESTIONS_PER_SECOND = 42
KILLS = 20
KILL_REGISTERING = 4


@asynccontextmanager
async def _bot(base: str, data_dir: Path) -> AsyncIterator[None]:
    settings = load_settings({"DATA_DIR": str(data_dir)})
    application = build_application(settings, token=SANDBOX_TOKEN, base_url=f"{base}/bot")
    async with running_with_polling(application):
        yield


async def _reply_time(session: aiohttp.ClientSession, base: str, user_id: int, text: str) -> float:
    """Seconds from posting `text` to the bot's reply (REPLY_PATIENCE when none came)."""
    url = f"{base}/api/users/{user_id}/messages"
    started = time.perf_counter()
    async with session.post(url, json={"text": text}) as response:
        sent = (await response.json())["message_id"]
    while time.perf_counter() - started < REPLY_PATIENCE:
        async with session.get(url, params={"after": str(sent), "wait": "1"}) as response:
            messages = (await response.json())["messages"]
        if any(message["from"] == "bot" for message in messages):
            return time.perf_counter() - started
    return REPLY_PATIENCE


async def _others_reply_times(base: str, flood: bool) -> list[float]:
    """Reply times of OTHERS people asking every ASK_EVERY s, while one chat floods (or not)."""
    times: list[float] = []
    async with aiohttp.ClientSession() as session:

        async def person(index: int) -> None:
            await asyncio.sleep(ASK_EVERY * index / OTHERS)
            finish = time.perf_counter() + ASKING_SECONDS
            n = 0
            while time.perf_counter() < finish:
                asked = time.perf_counter()
                text = QUESTIONS[(index + n) % len(QUESTIONS)]
                times.append(await _reply_time(session, base, 70_000 + index, text))
                n += 1
                await asyncio.sleep(max(0.0, ASK_EVERY - (time.perf_counter() - asked)))

        async def flooder() -> None:
            gate = asyncio.Semaphore(FLOOD_CONCURRENCY)
            url = f"{base}/api/users/69999/messages"

            async def one(n: int) -> None:
                async with gate, session.post(url, json={"text": f"deadline? {n}"}):
                    pass

            await asyncio.sleep(1.0)  # the others have started
            await asyncio.gather(*(one(n) for n in range(FLOOD_MESSAGES)))

        tasks = [person(i) for i in range(OTHERS)]
        await asyncio.gather(*tasks, *([flooder()] if flood else []))
    return times


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def _flood_rows() -> list[BenchRow]:
    p99: dict[bool, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for flood in (False, True):
            with emulator_in_a_child_process(None, TELEGRAM_LIMITS) as base:
                async with _bot(base, Path(tmp) / str(flood)):
                    p99[flood] = _p99(await _others_reply_times(base, flood))
    return [
        BenchRow(
            f"flood: 1 chat sends {FLOOD_MESSAGES} at once, {OTHERS} others' reply p99",
            "s",
            p99[True],
            "the same 50 without the flood",
            p99[False],
            "< 1 s",
        )
    ]


async def _kill_rows() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as tmp:
        result = await run_kill_loop(
            Path(tmp),
            users=KILL_USERS,
            questions_per_second=KILL_QUESTIONS_PER_SECOND,
            kills=KILLS,
            kill_after=(7.0, 12.0),
            settle_seconds=60.0,
            registering=KILL_REGISTERING,
        )
    return [
        BenchRow(
            f"SIGKILL under load: questions lost ({result.kills} kills, "
            f"{result.questions_per_second:.0f} q/s, {KILL_USERS} people)",
            "questions",
            result.lost,
            "questions asked",
            result.questions,
            "0",
        ),
        BenchRow(
            "SIGKILL under load: questions answered twice (killed while handled), for context",
            "questions",
            result.repeated,
            "questions asked",
            result.questions,
            "",
        ),
        BenchRow(
            f"SIGKILL under load: confirmed registrations lost ({KILL_REGISTERING} people "
            "registering, one city after another)",
            "registrations",
            result.registrations_lost,
            "registrations confirmed",
            result.registrations_confirmed,
            "0",
        ),
    ]


def run() -> list[BenchRow]:
    """The flood row, then the kill loop rows."""
    return asyncio.run(_flood_rows()) + asyncio.run(_kill_rows())


if __name__ == "__main__":
    import sys

    from tests.bench.table import format_table

    parts = sys.argv[1:] or ["flood", "kill"]
    rows: list[BenchRow] = []
    if "flood" in parts:
        rows += asyncio.run(_flood_rows())
    if "kill" in parts:
        rows += asyncio.run(_kill_rows())
    print(format_table(rows))
