"""sendMessage throughput of the durable emulator (journal, group-committed fsync) vs in memory."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.bench.emulator_process import emulator_in_a_child_process
from tests.bench.table import BenchRow, format_table

TOKEN = "100000001:bench-emulator"
CHATS = 50
SENDS_PER_ROUND = 3_000
ROUNDS = 3
SENDER_COUNTS = (64, 1)


async def _start_chats(http: aiohttp.ClientSession, base: str) -> None:
    for user_id in range(1, CHATS + 1):
        url = f"{base}/api/users/{user_id}/messages"
        async with http.post(url, json={"text": "/start"}) as response:
            assert response.status == 200, await response.text()


async def _sends_per_second(http: aiohttp.ClientSession, base: str, senders: int) -> float:
    url = f"{base}/bot{TOKEN}/sendMessage"
    per_sender = SENDS_PER_ROUND // senders if senders > 1 else SENDS_PER_ROUND // 10

    async def sender(lane: int) -> None:
        for n in range(per_sender):
            chat_id = 1 + (lane + n) % CHATS
            async with http.post(url, json={"chat_id": chat_id, "text": f"reply {n}"}) as reply:
                assert reply.status == 200, await reply.text()

    started = time.perf_counter()
    await asyncio.gather(*(sender(lane) for lane in range(senders)))
    return per_sender * senders / (time.perf_counter() - started)


async def _measure(data_dir: Path | None) -> dict[int, float]:
    rates: dict[int, list[float]] = {count: [] for count in SENDER_COUNTS}
    connector = aiohttp.TCPConnector(limit=max(SENDER_COUNTS))
    async with aiohttp.ClientSession(connector=connector) as http:
        with emulator_in_a_child_process(data_dir) as base:
            await _start_chats(http, base)
            await _sends_per_second(http, base, max(SENDER_COUNTS))  # warm-up
            for _ in range(ROUNDS):
                for count in SENDER_COUNTS:
                    rates[count].append(await _sends_per_second(http, base, count))
    return {count: statistics.median(samples) for count, samples in rates.items()}


def run() -> list[BenchRow]:
    """Measure both emulators (in turn, in child processes) and return the rows."""
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as scratch:
        memory = asyncio.run(_measure(None))
        durable = asyncio.run(_measure(Path(scratch) / "emulator"))
    return [
        BenchRow(
            f"emulator sendMessage, durable, {count} sender{'s' if count > 1 else ''}",
            "sends/s",
            durable[count],
            "in-memory emulator",
            memory[count],
            ">= 300 sends/s" if count > 1 else "",
            higher_is_better=True,
        )
        for count in SENDER_COUNTS
    ]


if __name__ == "__main__":
    print(format_table(run()))
