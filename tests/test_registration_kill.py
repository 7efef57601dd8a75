"""The bot killed between Confirm being saved and the chat told: nobody hears "nothing was saved".

`applicant-bot run` is a process of its own; the emulator (in this test's process) SIGKILLs it the
moment it asks to send the "Thank you", so the registration is saved while the conversation's
persisted step still says "review" and the person was told nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.registration.steps import Step
from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.storage.store import Store
from tests.registration_steps import data, walk_to
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]
USER_ID = 1001
THANKS = "Thank you"
NOTHING_SAVED = "nothing was saved"


class Bots:
    """`applicant-bot run` processes against the emulator; all killed at the end."""

    def __init__(self, base: str, folder: Path) -> None:
        self.base, self.folder = base, folder
        self.log = folder / "bot.log"
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        """A bot process on this test's data folder."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_BASE_URL=self.base,
            DATA_DIR=str(self.folder / "data"),
            ADMIN_IDS="1",
        )
        with self.log.open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        return process

    def kill_all(self) -> None:
        """SIGKILL whatever still runs."""
        for process in self.started:
            if process.poll() is None:
                process.kill()
            process.wait()


def kill_at_thanks(emulator: TelegramEmulator, bots: Bots) -> asyncio.Event:
    """Make the emulator SIGKILL the bot when it first sends a "Thank you"; set when done."""
    killed = asyncio.Event()
    original = emulator.bot_api.call

    async def call(method: str, bot_id: int, params: Any) -> Any:
        text = str(params.values.get("text", ""))
        if method == "sendMessage" and THANKS in text and not killed.is_set():
            bots.started[-1].send_signal(signal.SIGKILL)
            bots.started[-1].wait()
            killed.set()
            raise ConnectionResetError("the bot was killed")  # nobody reads this answer
        return await original(method, bot_id, params)

    emulator.bot_api.call = call  # type: ignore[method-assign]
    return killed


@pytest.fixture
async def emulated() -> AsyncIterator[tuple[TelegramEmulator, str]]:
    """The emulator, in this process, outliving the bot processes."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as running:
        yield running


async def _texts_until(client: SandboxClient, after: int, needle: str) -> list[str]:
    """Bot messages after `after` until one contains `needle` or says nothing was saved."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        messages = await client.messages(after=after, wait=1)
        texts = [m["text"] for m in messages if m["from"] == "bot"]
        if any(needle in text or NOTHING_SAVED in text for text in texts):
            # A moment more, for a message that should not follow.
            await asyncio.sleep(1)
            return [m["text"] for m in await client.messages(after=after) if m["from"] == "bot"]
    raise AssertionError(f"no bot message with {needle!r} within 40 s")


async def test_a_kill_after_confirm_is_saved_never_says_nothing_was_saved(
    tmp_path: Path, emulated: tuple[TelegramEmulator, str]
) -> None:
    emulator, base = emulated
    running = Bots(base, tmp_path)
    killed = kill_at_thanks(emulator, running)
    running.start()
    try:
        texts = await _kill_and_restart(tmp_path, base, running, killed)
    finally:
        running.kill_all()
    assert not [text for text in texts if NOTHING_SAVED in text], texts
    assert len([text for text in texts if THANKS in text]) == 1, texts


async def _kill_and_restart(
    tmp_path: Path, base: str, running: Bots, killed: asyncio.Event
) -> list[str]:
    """Register, get killed at the thanks, restart (thanked), /register; the messages since."""
    async with aiohttp.ClientSession() as session:
        user = SandboxClient(session, base, USER_ID)
        await user.ask("/start", timeout=30)
        review = await walk_to(user, Step.REVIEW)
        await asyncio.sleep(1.5)  # the conversation's step "review" reaches persistence.json
        await user.press(review["message_id"], data(Step.REVIEW, "confirm"))
        await asyncio.wait_for(killed.wait(), 15)
        saved = Store(tmp_path / "data")
        assert await saved.get_registration(USER_ID) is not None  # Confirm was saved
        await saved.close()

        running.start()
        # Its start-up knows the Thank you was never sent, and sends it without being asked.
        await _texts_until(user, review["message_id"], THANKS)
        await user.send("/register")
        return await _texts_until(user, review["message_id"], "already pre-registered")
