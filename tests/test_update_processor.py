"""Per-chat ordering with concurrency across chats."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.telegram.update_processor import PerChatUpdateProcessor


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
