"""Per-chat ordering with concurrency across chats."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.telegram.update_processor import ARRIVAL_BURST, PerChatUpdateProcessor, slot_freed


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="x"))  # type: ignore[arg-type]


async def test_one_chat_in_order_other_chats_in_parallel() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    events: list[tuple[str, int, int]] = []
    running = 0
    most_running = 0

    async def handle(chat_id: int, n: int, delay: float) -> None:
        nonlocal running, most_running
        running += 1
        most_running = max(most_running, running)
        events.append(("start", chat_id, n))
        await asyncio.sleep(delay)
        events.append(("end", chat_id, n))
        running -= 1

    async with processor:
        await asyncio.gather(
            processor.process_update(_update(1, 10), handle(10, 1, 0.05)),
            processor.process_update(_update(2, 10), handle(10, 2, 0.0)),
            processor.process_update(_update(3, 20), handle(20, 1, 0.01)),
        )
    chat10 = [e for e in events if e[1] == 10]
    assert chat10 == [("start", 10, 1), ("end", 10, 1), ("start", 10, 2), ("end", 10, 2)]
    assert most_running == 2  # chat 20 ran while chat 10's first update was in progress
    assert processor.busy_chats == 0  # idle chats are forgotten


async def test_a_flooding_chat_holds_one_slot_and_others_run_at_once() -> None:
    # Two slots: on the old code the flood's queued updates took both before their chat's turn.
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    events: list[str] = []
    release_flood = asyncio.Event()

    async def flood(n: int) -> None:
        events.append(f"flood {n}")
        await release_flood.wait()

    async def other() -> None:
        events.append("other")
        release_flood.set()

    async with processor:
        await asyncio.wait_for(
            asyncio.gather(
                *(processor.process_update(_update(n, 10), flood(n)) for n in range(1, 11)),
                processor.process_update(_update(99, 20), other()),
            ),
            timeout=10,
        )
    assert events.index("other") == 1  # right after the flood's first, not after its backlog
    assert events.count("other") == 1 and len(events) == 11


async def test_waiting_on_telegram_gives_the_slot_back() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)
    answered = asyncio.Event()

    async def waits_on_telegram() -> None:
        async with slot_freed():
            await answered.wait()  # e.g. the staff group's 20-a-minute limit

    async def quick() -> None:
        answered.set()

    async with processor:
        await asyncio.wait_for(
            asyncio.gather(
                processor.process_update(_update(1, 10), waits_on_telegram()),
                processor.process_update(_update(2, 20), quick()),
            ),
            timeout=10,
        )
    assert answered.is_set()


async def test_a_flood_is_answered_up_to_its_allowance_and_told_once() -> None:
    handled: list[object] = []
    told: list[int] = []
    ran: list[int] = []

    async def on_handled(update: object) -> None:
        handled.append(update)

    async def on_skipped(chat_id: int) -> None:
        told.append(chat_id)

    async def answer(n: int) -> None:
        ran.append(n)
        await asyncio.sleep(0)

    processor = PerChatUpdateProcessor(4, on_handled=on_handled, on_skipped=on_skipped)
    async with processor:
        await asyncio.gather(
            *(processor.process_update(_update(n, 10), answer(n)) for n in range(200)),
            processor.process_update(_update(500, 20), answer(500)),
        )
    assert sorted(ran) == [*range(ARRIVAL_BURST), 500]
    assert ran.count(500) == 1 and len(ran) == ARRIVAL_BURST + 1
    assert told == [10]  # one notice, to the flooding chat only
    assert len(handled) == 201  # skipped ones are done too (never handled again after a restart)


async def test_at_a_stop_updates_not_yet_started_are_left_for_the_next_start() -> None:
    handled: list[int] = []
    ran: list[int] = []
    first_running = asyncio.Event()
    finish_first = asyncio.Event()

    async def on_handled(update: object) -> None:
        handled.append(update.update_id)  # type: ignore[attr-defined]

    async def first() -> None:
        ran.append(1)
        first_running.set()
        await finish_first.wait()

    async def later(n: int) -> None:
        ran.append(n)

    processor = PerChatUpdateProcessor(4, on_handled=on_handled)
    async with processor:
        work = asyncio.gather(
            processor.process_update(_update(1, 10), first()),
            *(processor.process_update(_update(n, 10), later(n)) for n in (2, 3)),
        )
        await first_running.wait()
        processor.leave_waiting()  # SIGTERM: the running one finishes, the waiting ones stay
        finish_first.set()
        await asyncio.wait_for(work, timeout=10)
    assert ran == [1]
    assert handled == [1]  # 2 and 3 are not marked done: the inbox replays them at start-up
