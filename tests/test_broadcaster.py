"""The broadcaster against the emulator: who gets what, how errors are handled, the report."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Bot

from bot.announcements.broadcaster import Broadcaster
from bot.announcements.outbox import Announcement, Outbox
from bot.announcements.pace import SendPace
from bot.sandbox.config import EmulatorConfig, FaultConfig
from bot.sandbox.emulator import TelegramEmulator
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.storage.store import Store
from bot.telegram.transport import AiohttpRequest

STAFF = 2
SEND_ONLY = frozenset({"sendMessage"})


@dataclass
class Setup:
    """An emulator, the bot's store and outbox, and a broadcaster sending through them."""

    emulator: TelegramEmulator
    store: Store
    outbox: Outbox
    broadcaster: Broadcaster

    def start_users(self, users: Iterable[int]) -> None:
        """These users have started the bot."""
        for user_id in users:
            self.emulator.world.start_chat(user_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot."""
        self.emulator.world.set_blocked(self.emulator.world.chat(user_id), True)

    def bot_texts(self, user_id: int) -> list[str]:
        """The bot's messages in the user's chat."""
        chat = self.emulator.world.chats.get(user_id)
        return [] if chat is None else [m.text for m in chat.messages.values() if m.from_bot]

    def sends(self) -> int:
        """sendMessage calls the emulator received."""
        return self.emulator.requests["sendMessage"]

    async def broadcast(self, html: str, users: Iterable[int]) -> Announcement:
        """Queue an announcement by the staff member and deliver it (and the report)."""
        queued = await self.outbox.queue(
            kind="broadcast", html=html, recipients=list(users), created_by=STAFF
        )
        await self.deliver_all()
        found = await self.outbox.get(queued.id)
        assert found is not None
        return found

    async def deliver_all(self) -> None:
        """Deliver everything queued, the reports included."""
        while (announcement := self.outbox.next_unfinished()) is not None:
            await asyncio.wait_for(self.broadcaster.deliver(announcement.id), 60)


@asynccontextmanager
async def setup(tmp_path: Path, faults: FaultConfig | None = None) -> AsyncIterator[Setup]:
    """A broadcaster on a fresh emulator (flood limits off, unless faults say otherwise)."""
    config = EmulatorConfig(rate_limit=False, faults=faults or FaultConfig())
    async with serving_emulator(config) as (emulator, base):
        store = Store(tmp_path / "data")
        outbox = Outbox.in_data_dir(tmp_path / "data")
        bot = Bot(SANDBOX_TOKEN, base_url=f"{base}/bot", request=AiohttpRequest())
        await bot.initialize()
        broadcaster = Broadcaster(
            outbox, store, bot, SendPace(1000), in_flight=4, backoff_seconds=0.01
        )
        emulator.world.start_chat(STAFF)
        try:
            yield Setup(emulator, store, outbox, broadcaster)
        finally:
            await bot.shutdown()
            await outbox.close()
            await store.close()


async def test_every_recipient_gets_the_announcement_exactly_once(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        users = range(1000, 1060)
        s.start_users(users)
        done = await s.broadcast("<b>Webinar</b> on Friday", users)
        assert (done.status, done.sent, done.blocked, done.failed) == ("done", 60, 0, 0)
        assert all(s.bot_texts(u) == ["Webinar on Friday"] for u in users)
        assert done.finished_at is not None


async def test_blocked_and_unknown_chats_are_marked_inactive_and_skipped(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        s.start_users([1001, 1002, 1003])
        s.block(1002)
        # 1004 never started the bot (403); -5 is no chat at all (400 chat not found).
        done = await s.broadcast("News", [1001, 1002, 1003, 1004, -5])
        assert (done.sent, done.blocked, done.failed) == (2, 3, 0)
        assert await s.store.is_chat_blocked(1002)
        assert await s.store.is_chat_blocked(1004)
        assert await s.store.is_chat_blocked(-5)
        assert not await s.store.is_chat_blocked(1001)


async def test_a_429_is_waited_out_and_the_same_recipient_gets_it(tmp_path: Path) -> None:
    faults = FaultConfig(share_429=0.3, retry_after=1, seed=3, methods=SEND_ONLY)
    async with setup(tmp_path, faults) as s:
        users = range(1000, 1020)
        s.start_users(users)
        done = await s.broadcast("News", users)
        assert s.emulator.statuses["429"] > 0
        assert (done.sent, done.failed) == (20, 0)
        assert all(s.bot_texts(u) == ["News"] for u in users)


async def test_server_errors_are_retried_a_bounded_number_of_times_then_counted_failed(
    tmp_path: Path,
) -> None:
    faults = FaultConfig(share_5xx=1.0, methods=SEND_ONLY)
    async with setup(tmp_path, faults) as s:
        s.start_users([1001, 1002])
        queued = await s.outbox.queue(
            kind="broadcast", html="News", recipients=[1001, 1002], created_by=None
        )
        await s.deliver_all()
        done = await s.outbox.get(queued.id)
        assert done is not None and (done.status, done.sent, done.failed) == ("done", 0, 2)
        retries = s.broadcaster.retry_limit
        assert s.sends() == 2 * (retries + 1)


async def test_unparsable_html_stops_the_broadcast_and_tells_the_staff_member(
    tmp_path: Path,
) -> None:
    async with setup(tmp_path) as s:
        users = range(1000, 1030)
        s.start_users(users)
        stopped = await s.broadcast("<b>Unclosed", users)
        assert stopped.status == "stopped"
        assert stopped.stop_reason is not None and "parse entities" in stopped.stop_reason
        assert stopped.sent == 0 and s.sends() <= 1 + s.broadcaster.in_flight
        (report,) = s.bot_texts(STAFF)
        assert "was stopped" in report and "parse entities" in report


async def test_the_staff_member_gets_a_report_with_the_counts(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        s.start_users([1001, 1002])
        s.block(1002)
        done = await s.broadcast("News", [1001, 1002])
        (report,) = s.bot_texts(STAFF)
        assert done.id in report and "is delivered" in report
        assert "Sent: 1 of 2" in report and "Blocked the bot or gone: 1" in report
        assert "Failed after retries: 0" in report and "Time since it was queued" in report
        reports = [a for a in await s.outbox.announcements() if a.key == f"report:{done.id}"]
        assert [a.status for a in reports] == ["done"]  # sent through the outbox, once


async def test_nobody_is_reported_to_when_created_by_is_none(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        s.start_users([1001])
        await s.outbox.queue(kind="reminder", html="Soon", recipients=[1001], created_by=None)
        await s.deliver_all()
        assert s.bot_texts(1001) == ["Soon"] and s.bot_texts(STAFF) == []


async def test_a_cancelled_announcement_sends_nothing_more(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        users = list(range(1000, 1200))
        s.start_users(users)
        s.broadcaster.pace = SendPace(50)
        queued = await s.outbox.queue(
            kind="broadcast", html="News", recipients=users, created_by=STAFF
        )
        delivering = asyncio.create_task(s.broadcaster.deliver(queued.id))
        while s.sends() < 10:
            await asyncio.sleep(0.01)
        assert await s.outbox.cancel(queued.id)
        await asyncio.wait_for(delivering, 10)
        sent_when_cancelled = s.sends()
        cancelled = await s.outbox.get(queued.id)
        assert cancelled is not None and cancelled.status == "cancelled"
        assert sent_when_cancelled < len(users)
        assert s.outbox.next_unfinished() is None and s.bot_texts(STAFF) == []


async def test_the_background_task_resumes_an_unfinished_announcement(tmp_path: Path) -> None:
    async with setup(tmp_path) as s:
        users = list(range(1000, 1010))
        s.start_users(users)
        queued = await s.outbox.queue(
            kind="broadcast", html="News", recipients=users, created_by=None
        )
        await s.outbox.start_sending(queued.id)
        for user_id in users[:4]:
            await s.outbox.record(queued.id, user_id, "sent")  # served before a "crash"
        s.broadcaster.start()
        try:
            while s.outbox.announcement(queued.id).status != "done":
                await asyncio.sleep(0.02)
        finally:
            await s.broadcaster.stop()
        assert [s.bot_texts(u) for u in users] == [[]] * 4 + [["News"]] * 6


async def test_an_announcement_the_bot_always_fails_on_is_given_up_and_the_next_goes_out(
    tmp_path: Path,
) -> None:
    async with setup(tmp_path) as s:
        s.start_users([1001, 1002])
        broken = await s.outbox.queue(
            kind="broadcast", html="Broken", recipients=[1001, 1002], created_by=STAFF
        )
        fine = await s.outbox.queue(
            kind="broadcast", html="Fine", recipients=[1001], created_by=None
        )
        send = s.broadcaster._send

        async def buggy_send(run: Any, attempt: Any) -> Any:
            if run.id == broken.id:
                raise RuntimeError("a bug that always hits this one")
            return await send(run, attempt)

        s.broadcaster._send = buggy_send  # type: ignore[method-assign]
        s.broadcaster.after_crash_seconds = 0.01
        s.broadcaster.start()
        try:
            async with asyncio.timeout(10):
                while s.outbox.announcement(fine.id).status != "done":
                    await asyncio.sleep(0.02)
                while not s.bot_texts(STAFF):
                    await asyncio.sleep(0.02)
        finally:
            await s.broadcaster.stop()
        given_up = s.outbox.announcement(broken.id)
        assert (given_up.status, given_up.failed) == ("failed", 2)
        assert given_up.stop_reason is not None and "always hits" in given_up.stop_reason
        (notice,) = s.bot_texts(STAFF)
        assert "could not be sent" in notice and "always hits" in notice
        assert s.bot_texts(1001) == ["Fine"]
