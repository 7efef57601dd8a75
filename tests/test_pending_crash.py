"""A staff preview survives a SIGKILL before Confirm: after the restart, its button still works."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox.server import SANDBOX_TOKEN
from tests.sandbox_client import SandboxClient, button_data
from tests.test_restart import Processes, _environment, _start, _wait_for_http, session

__all__ = ["session"]

ADMIN = 1
STAFF = 2
SUBSCRIBER = 1001


async def edited(client: SandboxClient, preview: dict[str, Any], timeout: float = 30) -> str:
    """The preview's text once the bot has settled it (its buttons gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in await client.messages(after=preview["message_id"] - 1):
            if message["message_id"] == preview["message_id"] and not message.get("buttons"):
                return str(message["text"])
        await asyncio.sleep(0.05)
    raise AssertionError("the preview was never settled")


class StaffProcesses(Processes):
    """Processes whose bot also has a staff member besides the admin."""

    def bot(self) -> subprocess.Popen[bytes]:
        """Start `applicant-bot run` against the emulator, with ADMIN and STAFF."""
        env = _environment(
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_BASE_URL=self.base,
            DATA_DIR=str(self.folder / "bot"),
            ADMIN_IDS=str(ADMIN),
            STAFF_IDS=str(STAFF),
        )
        process = _start(["run"], env, self.log)
        self.started.append(process)
        return process


@pytest.fixture
def staff_processes(tmp_path: Path) -> Iterator[StaffProcesses]:
    """The emulator and a bot with two staff members; all stopped afterwards."""
    running = StaffProcesses(tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


async def test_previews_confirmed_after_a_kill_are_carried_out(
    staff_processes: StaffProcesses, session: aiohttp.ClientSession
) -> None:
    processes = staff_processes
    emulator = processes.emulator()
    await _wait_for_http(f"{processes.base}/api/stats", emulator, processes.log)
    bot = processes.bot()
    admin = SandboxClient(session, processes.base, ADMIN)
    staff = SandboxClient(session, processes.base, STAFF)
    subscriber = SandboxClient(session, processes.base, SUBSCRIBER)
    assert "Welcome" in (await admin.ask("/start", timeout=30))["text"]
    assert "Welcome" in (await staff.ask("/start"))["text"]
    assert "subscribed" in (await subscriber.ask("/subscribe"))["text"]

    deadline = await admin.ask("/setdeadline 31/05/2031 17:00")
    broadcast = await staff.ask("/broadcast Webinar on Friday")
    # Killed at once: before the periodic persistence flush (every second) could run.
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=10)
    processes.bot()

    for client, preview in ((admin, deadline), (staff, broadcast)):
        (ok,) = [d for d in button_data(preview) if d.startswith("ann:ok:")]
        await client.press(preview["message_id"], ok)
    assert "the deadline is now" in await edited(admin, deadline)
    assert "Queued for 1 subscriber" in await edited(staff, broadcast)
    texts = [(await subscriber.next_bot_message(timeout=30))["text"] for _ in range(2)]
    assert any("31 May 2031" in t for t in texts) and any("Webinar on Friday" in t for t in texts)
