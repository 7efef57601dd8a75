"""Group commit: items added while a write runs share the next write; every caller waits for
its own item and hears of its batch's failure; question counts use it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.batching import GroupCommit
from bot.storage.store import Store


async def test_items_added_during_a_write_share_the_next_one() -> None:
    batches: list[list[int]] = []

    async def write(items: list[int]) -> None:
        await asyncio.sleep(0.01)
        batches.append(items)

    commit: GroupCommit[int] = GroupCommit(write)
    await asyncio.gather(*(commit.add(n) for n in range(30)))
    assert sorted(n for batch in batches for n in batch) == list(range(30))
    assert len(batches) < 30 and len(batches) <= 2, batches
    await commit.add(99)  # a later item gets a write of its own
    assert batches[-1] == [99]


async def test_a_failed_write_reaches_every_caller_of_its_batch_and_the_next_batch_works() -> None:
    failing = True

    async def write(items: list[int]) -> None:
        await asyncio.sleep(0)
        if failing:
            raise OSError("disk full")

    commit: GroupCommit[int] = GroupCommit(write)
    results = await asyncio.gather(*(commit.add(n) for n in range(5)), return_exceptions=True)
    assert all(isinstance(result, OSError) for result in results), results
    failing = False
    await commit.add(5)


async def test_a_cancelled_caller_leaves_its_item_to_be_written() -> None:
    written: list[int] = []
    started = asyncio.Event()

    async def write(items: list[int]) -> None:
        started.set()
        await asyncio.sleep(0.01)
        written.extend(items)

    commit: GroupCommit[int] = GroupCommit(write)
    caller = asyncio.create_task(commit.add(1))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await commit.add(2)
    assert written == [1, 2]


async def test_questions_counted_at_once_are_all_kept_in_few_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "data")
    writes: list[int] = []
    real = store._write_question_counts

    async def counted(counts: list) -> None:  # type: ignore[type-arg]
        writes.append(len(counts))
        await real(counts)

    monkeypatch.setattr(store._question_counts, "_write", counted)
    try:
        await asyncio.gather(
            *(
                store.count_question("answer" if n % 2 else "fallback", "costs" if n % 2 else None)
                for n in range(40)
            )
        )
        [day] = await store.question_days()
        assert dict(day.outcomes) == {"answer": 20, "fallback": 20}
        assert dict(day.answered) == {"costs": 20}
        assert sum(writes) == 40 and len(writes) < 40, writes
    finally:
        await store.close()
    reopened = Store(tmp_path / "data")
    try:
        [day] = await reopened.question_days()
        assert sum(day.outcomes.values()) == 40
    finally:
        await reopened.close()
