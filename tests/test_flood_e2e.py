"""One person flooding the bot through the sandbox, with Telegram's flood limits on: the others
are answered meanwhile, the flood's excess is skipped and its sender told once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, RunningSandbox, running_sandbox
from bot.settings import Settings
from bot.telegram.update_processor import SKIPPED_NOTICE
from tests.sandbox_client import SandboxClient

FLOOD = 60
CONCURRENT_POSTS = 20


@pytest.fixture
async def limited_sandbox(settings: Settings) -> AsyncIterator[RunningSandbox]:
    """The bot against an emulator keeping Telegram's limits (30/s overall, ~1/s per chat)."""
    config = EmulatorConfig(static_dir=STATIC_DIR)
    async with running_sandbox(settings, emulator_config=config) as running:
        yield running


async def _flood(client: SandboxClient) -> None:
    gate = asyncio.Semaphore(CONCURRENT_POSTS)

    async def one(n: int) -> None:
        async with gate:
            await client.send(f"What is the deadline? ({n})")

    await asyncio.gather(*(one(n) for n in range(FLOOD)))


async def _bot_messages_once(client: SandboxClient, text: str) -> list[dict[str, Any]]:
    """The bot's messages so far, once one contains `text` (within ~5 s)."""
    for _ in range(50):
        replies = [m for m in await client.messages() if m["from"] == "bot"]
        if any(text in m["text"] for m in replies):
            return replies
        await asyncio.sleep(0.1)
    return replies


async def test_a_flooding_chat_does_not_delay_another_and_is_told_once(
    limited_sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    base = limited_sandbox.url
    flooder = SandboxClient(http, base, 3001)
    other = SandboxClient(http, base, 3002)
    await _flood(flooder)

    # On the old code the flood's queued updates held every slot: this waited ~a minute.
    reply = await other.ask("When is the deadline?", timeout=8)
    assert "deadline" in reply["text"].lower()

    notice = SKIPPED_NOTICE.split(",")[0]
    flood_replies = await _bot_messages_once(flooder, notice)
    assert len(flood_replies) < FLOOD // 2  # the flood is still being answered at its pace
    assert sum(notice in m["text"] for m in flood_replies) == 1  # told, once
    # (How many of a flood are answered, and that skipped ones count as done: unit tests.)
