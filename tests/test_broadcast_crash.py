"""A broadcast with the bot SIGKILLed half-way: `applicant-bot emulator` and `run` as processes."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp

from bot.announcements.broadcaster import IN_FLIGHT
from bot.announcements.outbox import Outbox
from bot.storage.store import Store
from tests.test_restart import Processes, _wait_for_http, processes, session

__all__ = ["processes", "session"]

MARK = "Crash-test broadcast"
SUBSCRIBERS = list(range(5001, 5301))
ADMIN = 1


async def seed(data_dir: Path) -> str:
    """Subscribers and a queued broadcast in the bot's data folder, as staff would leave them."""
    store = Store(data_dir)
    for chat_id in SUBSCRIBERS:
        await store.add_subscriber(chat_id)
    outbox = Outbox.in_data_dir(data_dir)
    queued = await outbox.queue(
        kind="broadcast",
        html=f"<b>{MARK}</b>: the call opens soon.",
        recipients=await store.active_subscribers(),
        created_by=ADMIN,
    )
    await outbox.close()
    await store.close()
    return queued.id


async def counts(session: aiohttp.ClientSession, base: str, text: str) -> dict[int, int]:
    """Bot messages containing `text`, per chat."""
    async with session.get(f"{base}/api/bot-messages", params={"contains": text}) as response:
        return {int(k): v for k, v in (await response.json())["chats"].items()}


async def wait_for(
    session: aiohttp.ClientSession, base: str, text: str, chats: int, seconds: float
) -> dict[int, int]:
    """Poll until `chats` chats hold a message with `text`; the counts then."""
    deadline = time.monotonic() + seconds
    while len(found := await counts(session, base, text)) < chats:
        assert time.monotonic() < deadline, f"only {len(found)} of {chats} chats got {text!r}"
        await asyncio.sleep(0.05)
    return found


async def test_a_broadcast_killed_half_way_resumes_missing_none_repeating_few(
    processes: Processes, session: aiohttp.ClientSession
) -> None:
    announcement_id = await seed(processes.folder / "bot")
    emulator = processes.emulator()
    await _wait_for_http(f"{processes.base}/api/stats", emulator, processes.log)
    started = {"user_ids": [ADMIN, *SUBSCRIBERS]}
    async with session.post(f"{processes.base}/api/users/started", json=started) as response:
        assert response.status == 200

    bot = processes.bot()
    half = await wait_for(session, processes.base, MARK, len(SUBSCRIBERS) // 2, 60)
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=10)
    assert len(half) < len(SUBSCRIBERS)  # killed mid-way, not after the end

    processes.bot()
    delivered = await wait_for(session, processes.base, MARK, len(SUBSCRIBERS), 60)
    assert sorted(delivered) == SUBSCRIBERS  # none missed
    duplicates = sum(count - 1 for count in delivered.values())
    assert duplicates <= IN_FLIGHT  # only sends in flight at the kill may repeat
    report = await wait_for(session, processes.base, announcement_id, 1, 30)
    assert report == {ADMIN: 1}
