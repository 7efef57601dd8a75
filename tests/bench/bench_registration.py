"""A whole pre-registration driven through the emulator as a person would: how many messages
and button presses from /register to Confirm, and how long it takes, against as many plain FAQ
questions asked one after another in the same run.

The emulator runs in a child process with its durable world, as Telegram is elsewhere."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from telegram.ext import AIORateLimiter

from bot.app import build_application
from bot.lifecycle import running_with_polling
from bot.sandbox.server import SANDBOX_TOKEN
from bot.settings import load_settings
from tests.bench.emulator_process import emulator_in_a_child_process
from tests.bench.table import BenchRow
from tests.registration_steps import register
from tests.sandbox_client import SandboxClient

WALKS = 8
FAQ_QUESTION = "Is there a grant for Twin Cities?"


class CountingClient(SandboxClient):
    """A sandbox user that counts what they type and press."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, user_id: int) -> None:
        super().__init__(session, base_url, user_id)
        self.typed = 0
        self.pressed = 0

    async def send(self, text: str, first_name: str = "Ana") -> int:
        """Send a message, counted."""
        self.typed += 1
        return await super().send(text, first_name)

    async def press(self, message_id: int, data: str) -> str:
        """Press a button, counted."""
        self.pressed += 1
        return await super().press(message_id, data)


async def _bot_sends(session: aiohttp.ClientSession, base: str) -> int:
    async with session.get(f"{base}/api/stats") as response:
        requests = (await response.json())["requests"]
    return sum(int(requests.get(name, 0)) for name in ("sendMessage", "editMessageText"))


async def _measure(data_dir: Path) -> list[BenchRow]:
    settings = load_settings({"DATA_DIR": str(data_dir / "bot")})
    with emulator_in_a_child_process(data_dir / "emulator") as base:
        application = build_application(
            settings,
            token=SANDBOX_TOKEN,
            base_url=f"{base}/bot",
            rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0),
        )
        async with running_with_polling(application), aiohttp.ClientSession() as session:
            await register(CountingClient(session, base, 90_000))  # warm-up
            walks: list[float] = []
            actions: list[int] = []
            bot_messages: list[int] = []
            for number in range(WALKS):
                client = CountingClient(session, base, 90_001 + number)
                sent_before = await _bot_sends(session, base)
                started = time.perf_counter()
                confirmed = await register(client)
                walks.append(time.perf_counter() - started)
                assert "is pre-registered" in confirmed["text"], confirmed["text"]
                actions.append(client.typed + client.pressed)
                bot_messages.append(await _bot_sends(session, base) - sent_before)
            questions: list[float] = []
            for number in range(WALKS):
                client = CountingClient(session, base, 95_000 + number)
                started = time.perf_counter()
                for _ in range(actions[number]):
                    await client.ask(FAQ_QUESTION)
                questions.append(time.perf_counter() - started)
    return [
        BenchRow(
            "registration: user actions /register to Confirm",
            "messages+presses",
            statistics.median(actions),
        ),
        BenchRow(
            "registration: bot messages sent or edited",
            "messages",
            statistics.median(bot_messages),
        ),
        BenchRow(
            "registration: /register to Confirm (median)",
            "s",
            statistics.median(walks),
            "as many FAQ questions in a row",
            statistics.median(questions),
        ),
    ]


def run() -> list[BenchRow]:
    """Measure and return the rows."""
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_measure(Path(tmp)))


if __name__ == "__main__":
    from tests.bench.table import format_table

    print(format_table(run()))
