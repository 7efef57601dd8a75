"""The bot killed mid-chat while "Telegram" (the emulator, a process of its own) stays up.

Run as a person would: `applicant-bot emulator` and `applicant-bot run` as separate processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.server import SANDBOX_TOKEN
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(PYTHONPATH=str(ROOT), **values)
    return env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def _wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the process ended: {log.read_text()}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 s: {log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Processes:
    """The emulator and bot processes of one test, stopped at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "processes.log"
        self.started: list[subprocess.Popen[bytes]] = []

    def emulator(self) -> subprocess.Popen[bytes]:
        """Start `applicant-bot emulator` on this test's port and data folder."""
        args = ["emulator", "--port", str(self.port), "--data-dir", str(self.folder / "emu")]
        process = _start(args, _environment(), self.log)
        self.started.append(process)
        return process

    def bot(self) -> subprocess.Popen[bytes]:
        """Start `applicant-bot run` against the emulator."""
        env = _environment(
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_BASE_URL=self.base,
            DATA_DIR=str(self.folder / "bot"),
            ADMIN_IDS="1",
            PRIVACY_CONTROLLER="Test Programme Team",
            PRIVACY_CONTACT="privacy@test.example",
        )
        process = _start(["run"], env, self.log)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        """SIGTERM (then SIGKILL) everything still running."""
        for process in reversed(self.started):
            _stop(process)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """A place to start the emulator and the bot as processes; all are stopped afterwards."""
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession() as opened:
        yield opened


async def test_a_bot_killed_with_sigkill_carries_on_in_the_same_chats_after_a_restart(
    processes: Processes, session: aiohttp.ClientSession
) -> None:
    emulator = processes.emulator()
    await _wait_for_http(f"{processes.base}/api/stats", emulator, processes.log)
    bot = processes.bot()
    user = SandboxClient(session, processes.base, 1001)

    welcome = await user.ask("/start", timeout=30)
    assert "Welcome" in welcome["text"]
    subscribed = await user.ask("/subscribe")
    assert "You are subscribed" in subscribed["text"]

    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=10)
    assert bot.returncode == -signal.SIGKILL
    # Asked while the bot is down: Telegram keeps the update until the bot is back.
    asked_while_down = await user.send("When is the deadline?")

    processes.bot()
    answer = await user.next_bot_message(timeout=30)
    if "already subscribed" in answer["text"]:
        # Killed before it could note /subscribe as handled: handled again (README, "Updates").
        answer = await user.next_bot_message(timeout=30)
    assert answer["message_id"] > asked_while_down > subscribed["message_id"]
    assert "deadline" in answer["text"].lower()
    again = await user.ask("/subscribe")
    assert "already subscribed" in again["text"]  # the bot's own data survived the kill
    history = await user.messages()
    ids = [message["message_id"] for message in history]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert history[0]["message_id"] <= welcome["message_id"]  # one chat, from the start


async def test_the_emulator_restarted_under_a_running_bot_keeps_the_chat_and_the_bot_recovers(
    processes: Processes, session: aiohttp.ClientSession
) -> None:
    emulator = processes.emulator()
    await _wait_for_http(f"{processes.base}/api/stats", emulator, processes.log)
    processes.bot()
    user = SandboxClient(session, processes.base, 1002)
    welcome = await user.ask("/start", timeout=30)

    _stop(emulator)
    await asyncio.sleep(1.5)  # the bot's polls fail meanwhile
    emulator = processes.emulator()
    await _wait_for_http(f"{processes.base}/api/stats", emulator, processes.log)

    answer = await user.ask("Is there a grant?", timeout=30)
    assert answer["message_id"] > welcome["message_id"]
    assert "grant" in answer["text"].lower()
    shown = [message["message_id"] for message in await user.messages()]
    assert shown[: shown.index(welcome["message_id"]) + 1] == list(
        range(1, welcome["message_id"] + 1)
    )
    log = processes.log.read_text()
    assert "Could not fetch updates" in log
    assert "Traceback" not in log
