"""The bot's own per-chat pace: a private chat gets its burst, then ~1 message a second."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Chat, Message, Update
from telegram.ext import BaseRateLimiter

from bot.sandbox.server import RunningSandbox
from bot.telegram import chat_pace
from bot.telegram.chat_pace import PER_CHAT_BURST, ChatPacedRateLimiter
from bot.telegram.update_processor import PerChatUpdateProcessor


class _Inner(BaseRateLimiter[int]):
    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    async def initialize(self) -> None:
        """Nothing."""

    async def shutdown(self) -> None:
        """Nothing."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: Any,
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Note the call."""
        self.sent.append((endpoint, data.get("chat_id")))
        return True


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="x"))  # type: ignore[arg-type]


async def _nothing() -> bool:
    return True


async def test_a_private_chat_is_paced_after_its_burst_groups_and_other_calls_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []

    async def record_wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(chat_pace.asyncio, "sleep", record_wait)
    inner = _Inner()
    limiter = ChatPacedRateLimiter(inner, clock=lambda: 100.0)
    for _ in range(PER_CHAT_BURST + 2):
        await limiter.process_request(_nothing, (), {}, "sendMessage", {"chat_id": 5}, None)
    await limiter.process_request(_nothing, (), {}, "sendMessage", {"chat_id": -100}, None)
    await limiter.process_request(_nothing, (), {}, "answerCallbackQuery", {}, None)
    await limiter.process_request(_nothing, (), {}, "sendMessage", {"chat_id": 6}, None)
    assert len(waits) == 2 and 0 < waits[0] < waits[1]  # the 5th and 6th to chat 5 wait
    assert len(inner.sent) == PER_CHAT_BURST + 5  # everything still goes, in turn


class _StaffGroupLimit(_Inner):
    """Holds a send to the staff group until `opened` (its 20-a-minute limit)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = asyncio.Event()

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: Any,
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Wait for the limit, then note the call."""
        await self.opened.wait()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


async def test_a_reply_waiting_on_the_staff_group_limit_holds_no_update_slot() -> None:
    inner = _StaffGroupLimit()
    limiter = ChatPacedRateLimiter(inner)
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)

    async def human_thread() -> None:
        await limiter.process_request(_nothing, (), {}, "sendMessage", {"chat_id": -100}, None)

    async def another_person() -> None:
        inner.opened.set()  # runs although the only slot's update is still waiting

    async with processor:
        await asyncio.wait_for(
            asyncio.gather(
                processor.process_update(_update(1, 10), human_thread()),
                processor.process_update(_update(2, 20), another_person()),
            ),
            timeout=10,
        )
    assert inner.sent == [("sendMessage", -100)]


async def test_the_sandbox_paces_chats_only_against_an_emulator_keeping_limits(
    sandbox: RunningSandbox,
) -> None:
    # The shared fixture switches the emulator's limits off: the bot's own pace goes with them.
    limiter = sandbox.application.bot.rate_limiter
    assert isinstance(limiter, ChatPacedRateLimiter) and limiter.pace_chats is False
