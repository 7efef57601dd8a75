"""A Bot API outage during a broadcast: nobody is dropped; staff resend to those who failed."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.announcements.broadcaster import Broadcaster
from bot.announcements.outage import ApiOutage
from bot.announcements.outbox import Outbox
from bot.announcements.pace import SendPace
from bot.sandbox.config import EmulatorConfig, FaultConfig
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.faults import FaultInjector
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.storage.store import Store
from bot.telegram.transport import AiohttpRequest
from tests.outage_proxy import OutageProxy, outage_proxy

STAFF = 2
USERS = list(range(3000, 3300))
# Short waits so an outage of a few seconds outlasts the old retries (0.2 + 0.4 + 0.8 s).
BACKOFF = 0.2
OUTAGE_SECONDS = 3.0


@dataclass
class Setup:
    """The emulator behind a proxy that can fail, and a broadcaster sending through it."""

    emulator: TelegramEmulator
    proxy: OutageProxy
    outbox: Outbox
    broadcaster: Broadcaster

    def sends(self) -> int:
        """sendMessage calls that reached the emulator."""
        return self.emulator.requests["sendMessage"]

    def received(self, user_id: int) -> int:
        """Bot messages in the user's chat."""
        chat = self.emulator.world.chats.get(user_id)
        return 0 if chat is None else sum(m.from_bot for m in chat.messages.values())


@asynccontextmanager
async def setup(tmp_path: Path, faults: FaultConfig | None = None) -> AsyncIterator[Setup]:
    """A broadcaster that reaches a fresh emulator through an OutageProxy."""
    config = EmulatorConfig(rate_limit=False, faults=faults or FaultConfig())
    async with (
        serving_emulator(config) as (emulator, base),
        outage_proxy(urlsplit(base).port or 0) as proxy,
    ):
        store = Store(tmp_path / "data")
        outbox = Outbox.in_data_dir(tmp_path / "data")
        bot = Bot(
            SANDBOX_TOKEN,
            base_url=f"http://127.0.0.1:{proxy.port}/bot",
            request=AiohttpRequest(read_timeout=2, connect_timeout=2),
        )
        await bot.initialize()
        broadcaster = Broadcaster(outbox, store, bot, SendPace(150), backoff_seconds=BACKOFF)
        broadcaster.outage = ApiOutage(bot.get_me, first_wait=BACKOFF, max_wait=0.5)
        for user_id in [STAFF, *USERS]:
            emulator.world.start_chat(user_id)
        try:
            yield Setup(emulator, proxy, outbox, broadcaster)
        finally:
            await bot.shutdown()
            await outbox.close()
            await store.close()


async def _broadcast_through(s: Setup, outage: str) -> None:
    """Deliver to USERS, the API failing for OUTAGE_SECONDS once a third got it."""
    queued = await s.outbox.queue(kind="broadcast", html="News", recipients=USERS, created_by=STAFF)
    delivering = asyncio.create_task(s.broadcaster.deliver(queued.id))
    while s.sends() < len(USERS) // 3:
        await asyncio.sleep(0.01)
    if outage == "refused":
        await s.proxy.down()
    else:
        s.proxy.bad_gateway()
    await asyncio.sleep(OUTAGE_SECONDS)
    await s.proxy.up()
    await asyncio.wait_for(delivering, 60)


@pytest.mark.parametrize("outage", ["refused", "502"])
async def test_an_outage_mid_broadcast_loses_no_recipient(tmp_path: Path, outage: str) -> None:
    async with setup(tmp_path) as s:
        await _broadcast_through(s, outage)
        done = s.outbox.announcement(_only(s))
        assert (done.status, done.failed, done.blocked) == ("done", 0, 0)
        missed = [u for u in USERS if s.received(u) == 0]
        assert missed == []
        assert s.broadcaster.outage.outages >= 1


def _only(s: Setup) -> str:
    (announcement,) = [a for a in s.outbox._announcements.values() if a.kind == "broadcast"]
    return announcement.id


async def test_an_error_about_one_chat_while_the_api_answers_is_counted_failed(
    tmp_path: Path,
) -> None:
    # 5xx for one chat only (every other chat and getMe are spared): that is about them.
    spared = frozenset([STAFF, *USERS[1:]])
    faults = FaultConfig(share_5xx=1.0, methods=frozenset({"sendMessage"}), spared_chats=spared)
    async with setup(tmp_path, faults) as s:
        queued = await s.outbox.queue(
            kind="broadcast", html="News", recipients=USERS[:20], created_by=None
        )
        await asyncio.wait_for(s.broadcaster.deliver(queued.id), 30)
        done = s.outbox.announcement(queued.id)
        assert (done.sent, done.failed) == (19, 1)
        assert s.outbox.failed_recipients(queued.id) == [USERS[0]]
        assert s.broadcaster.outage.outages == 0


async def test_the_outage_wait_ends_when_the_api_answers_and_is_shared() -> None:
    failures = 3
    probes = 0

    async def probe() -> None:
        nonlocal probes
        probes += 1
        if probes <= failures:
            raise NetworkError("connection refused")

    outage = ApiOutage(probe, first_wait=0.001, max_wait=0.002)
    waited = await asyncio.gather(*(outage.wait_if_down() for _ in range(5)))
    assert waited == [True] * 5 and probes == failures + 1 and outage.outages == 1
    assert await outage.wait_if_down() is False  # answering now: nothing to wait for


async def test_server_errors_to_everyone_while_getme_answers_count_nobody_failed(
    tmp_path: Path,
) -> None:
    # Telegram answering 500 to every sendMessage (getMe still fine), then recovering.
    faults = FaultConfig(share_5xx=1.0, methods=frozenset({"sendMessage"}))
    async with setup(tmp_path, faults) as s:
        queued = await s.outbox.queue(
            kind="broadcast", html="News", recipients=USERS[:40], created_by=None
        )
        delivering = asyncio.create_task(s.broadcaster.deliver(queued.id))
        await asyncio.sleep(OUTAGE_SECONDS)
        s.emulator.config = dataclasses.replace(s.emulator.config, faults=FaultConfig())
        s.emulator.faults = FaultInjector(FaultConfig())
        await asyncio.wait_for(delivering, 60)
        done = s.outbox.announcement(queued.id)
        assert (done.sent, done.failed) == (40, 0)
        assert [u for u in USERS[:40] if s.received(u) == 0] == []
        assert s.emulator.statuses["500"] >= s.broadcaster.in_flight  # it did meet them
