"""Durable save_registration latency vs TinyDB's JSONStorage, and event-loop blocking."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document

from bot.storage.registrations import Registration
from tests.bench.table import BenchRow, format_table

SIZES = (100, 1_000, 10_000)
WRITES_PER_SIZE = 60
TICK_SECONDS = 0.005
LOOP_BLOCK_WRITES = 150


def realistic_record(user_id: int) -> Registration:
    """A pre-registration as the bot keeps it."""
    return Registration(
        user_id=user_id,
        city=f"Municipality of Example {user_id}",
        country="PT",
        status="none",
        commitment="yes",
        population=120_000 + user_id,
        contact_name=f"Ana Maria Silva {user_id}",
        contact_role="Climate neutrality project officer",
        email=f"climate.office{user_id}@example-city.eu",
        topics=("buildings and energy", "citizen engagement", "finance"),
        verdict="eligible",
        consented_at=datetime(2025, 1, 15, 9, 30, 12, tzinfo=UTC),
        notice_version="2025-01",
        registered_at=datetime(2025, 1, 15, 9, 31, 40, tzinfo=UTC),
    )


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted list (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seed_file(path: Path, size: int) -> None:
    """Write `size` registrations with TinyDB's own format, readable by both storages."""
    table = {
        str(user_id): realistic_record(user_id).to_document() for user_id in range(1, size + 1)
    }
    with TinyDB(path) as database:
        database.storage.write({"registrations": table})


def time_baseline_writes(path: Path, size: int) -> list[float]:
    """Upsert one registration at a time through TinyDB's default JSONStorage."""
    samples = []
    with TinyDB(path) as database:
        table = database.table("registrations")
        for offset in range(WRITES_PER_SIZE):
            user_id = size + 1 + offset
            started = time.perf_counter()
            if table.contains(doc_id=user_id):
                table.update(realistic_record(user_id).to_document(), doc_ids=[user_id])
            else:
                table.insert(Document(realistic_record(user_id).to_document(), doc_id=user_id))
            samples.append(time.perf_counter() - started)
    return samples


async def time_store_writes(data_dir: Path, size: int) -> list[float]:
    """The same writes through Store.save_registration (durable, off the event loop)."""
    from bot.storage.store import Store

    store = Store(data_dir)
    samples = []
    for offset in range(WRITES_PER_SIZE):
        user_id = size + 1 + offset
        started = time.perf_counter()
        await store.save_registration(realistic_record(user_id))
        samples.append(time.perf_counter() - started)
    await store.close()
    return samples


class Ticker:
    """Wakes every TICK_SECONDS and records how late the event loop let it run."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            expected = time.perf_counter() + TICK_SECONDS
            await asyncio.sleep(TICK_SECONDS)
            self.worst = max(self.worst, time.perf_counter() - expected)

    def stop(self) -> None:
        self._stop.set()


async def longest_loop_block(data_dir: Path) -> tuple[float, float]:
    """Largest ticker lateness (s) while idle, then while 8 tasks write registrations."""
    from bot.storage.store import Store

    store = Store(data_dir)
    idle = Ticker()
    idle_task = asyncio.create_task(idle.run())
    await asyncio.sleep(0.5)
    idle.stop()
    await idle_task

    async def writer(worker: int) -> None:
        for number in range(worker, LOOP_BLOCK_WRITES, 8):
            await store.save_registration(realistic_record(20_000 + number))

    busy = Ticker()
    busy_task = asyncio.create_task(busy.run())
    await asyncio.sleep(TICK_SECONDS * 3)
    await asyncio.gather(*(writer(worker) for worker in range(8)))
    busy.stop()
    await busy_task
    await store.close()
    return busy.worst, idle.worst


def _ms(seconds: float) -> float:
    return seconds * 1000


def run() -> list[BenchRow]:
    """Measure write latency at three sizes and the event loop's longest block."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as scratch:
        root = Path(scratch)
        for size in SIZES:
            baseline_path = root / f"baseline-{size}.json"
            seed_file(baseline_path, size)
            baseline = time_baseline_writes(baseline_path, size)
            data_dir = root / f"store-{size}"
            data_dir.mkdir()
            seed_file(data_dir / "registrations.json", size)
            durable = asyncio.run(time_store_writes(data_dir, size))
            target = "< 20 ms" if size == 10_000 else ""
            summaries: tuple[tuple[str, Callable[[list[float]], float]], ...] = (
                ("median", statistics.median),
                ("p99", lambda samples: percentile(samples, 0.99)),
            )
            for label, summary in summaries:
                rows.append(
                    BenchRow(
                        name=f"save_registration {label} @{size:,}",
                        unit="ms",
                        value=_ms(summary(durable)),
                        baseline_name="TinyDB JSONStorage",
                        baseline=_ms(summary(baseline)),
                        target=target if label == "median" else "",
                    )
                )
        block_dir = root / "loop"
        block_dir.mkdir()
        seed_file(block_dir / "registrations.json", 10_000)
        busy, idle = asyncio.run(longest_loop_block(block_dir))
        rows.append(
            BenchRow(
                name="longest event-loop block @10,000",
                unit="ms",
                value=_ms(busy),
                baseline_name="same loop, no writes",
                baseline=_ms(idle),
                target="< 50 ms",
            )
        )
    return rows


if __name__ == "__main__":
    print(format_table(run()))
