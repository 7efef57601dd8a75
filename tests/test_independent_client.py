"""A small bot written with aiogram, a Bot API library nobody here wrote, against the emulator."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import serving_emulator
from tests.sandbox_client import SandboxClient, button_data, tiny_png

TOKEN = "424242:aiogram-independent"
ANA, JONAS = 1001, 1002


def small_bot(bot: Bot) -> Router:
    """What the bot does: a welcome with buttons, an edit on a press, echoes, files, groups."""
    router = Router()

    @router.message(CommandStart())
    async def welcome(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Eligible?", callback_data="check")]]
        )
        await message.answer("<b>Welcome</b> to the Twinning helper", reply_markup=keyboard)

    @router.callback_query(F.data == "check")
    async def check(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("<i>Checking</i> your city")
        await query.answer("Checking")

    @router.message(F.document)
    async def document(message: Message) -> None:
        assert message.document is not None
        data = io.BytesIO()
        await bot.download(message.document, destination=data)
        await message.reply(f"Got {message.document.file_name}: {data.getvalue().decode()}")

    @router.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo
        biggest = message.photo[-1]
        await message.reply(f"Photo {biggest.width}x{biggest.height}")

    @router.message(F.chat.type == "group", F.text)
    async def in_group(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(f"Noted in the group, {message.from_user.first_name}")

    @router.message(F.reply_to_message, F.text)
    async def reply(message: Message) -> None:
        assert message.reply_to_message is not None
        await message.reply(f"You replied to {message.reply_to_message.message_id}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    return router


@pytest.fixture
async def emulated() -> AsyncIterator[str]:
    """An emulator with rate limits off; its base URL."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base):
        yield base


async def test_an_aiogram_bot_works_against_the_emulator(
    emulated: str, http: aiohttp.ClientSession
) -> None:
    base = emulated
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))

    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    me = await bot.get_me()
    assert me.is_bot and me.id == 424242
    assert await bot.set_webhook(url="")  # an empty url removes the webhook
    dispatcher = Dispatcher()
    dispatcher.include_router(small_bot(bot))
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    ana = SandboxClient(http, base, ANA)
    try:
        welcome = await ana.ask("/start")
        assert welcome["text"] == "Welcome to the Twinning helper"
        assert button_data(welcome) == ["check"]
        query = await ana.press(welcome["message_id"], "check")
        assert (await ana.button_answer(query))["text"] == "Checking"
        [edited] = [m for m in await ana.messages() if m["message_id"] == welcome["message_id"]]
        assert edited["text"] == "Checking your city" and edited["edited"]

        assert (await ana.ask("Hello, echo"))["text"] == "Hello, echo"

        form = aiohttp.FormData()
        form.add_field("file", b"plan v2", filename="plan.txt")
        async with http.post(f"{base}/api/users/{ANA}/documents", data=form) as response:
            assert response.status == 200, await response.text()
            ana.seen = (await response.json())["message_id"]
        got = await ana.next_bot_message()
        assert got["text"] == "Got plan.txt: plan v2" and got["reply_to"]["from"] == "user"

        form = aiohttp.FormData()
        form.add_field("file", tiny_png(12, 9), filename="me.png")
        async with http.post(f"{base}/api/users/{ANA}/photos", data=form) as response:
            ana.seen = (await response.json())["message_id"]
        assert (await ana.next_bot_message())["text"] == "Photo 12x9"

        async with http.post(
            f"{base}/api/users/{ANA}/messages",
            json={"text": "About that", "reply_to_message_id": welcome["message_id"]},
        ) as response:
            ana.seen = (await response.json())["message_id"]
        assert (await ana.next_bot_message())["text"] == f"You replied to {welcome['message_id']}"

        sent = await bot.send_document(ANA, BufferedInputFile(b"guide text", "guide.txt"))
        assert sent.document is not None
        async with http.get(f"{base}/api/users/{ANA}/messages") as response:
            listed = (await response.json())["messages"]
        [shown] = [m for m in listed if m["message_id"] == sent.message_id]
        async with http.get(shown["document"]["url"]) as response:
            assert await response.read() == b"guide text"
        photo = await bot.send_photo(ANA, BufferedInputFile(tiny_png(3, 2), "chart.png"))
        assert photo.photo and photo.photo[-1].width == 3

        async with http.post(
            f"{base}/api/groups", json={"title": "Staff", "member_ids": [JONAS, ANA]}
        ) as response:
            group = (await response.json())["chat_id"]
        async with http.post(
            f"{base}/api/groups/{group}/messages", json={"user_id": JONAS, "text": "Hi all"}
        ) as response:
            assert response.status == 200
        for _ in range(100):
            async with http.get(f"{base}/api/groups/{group}/messages", params={"wait": "1"}) as r:
                shown_group = (await r.json())["messages"]
            if any(m["from"] == "bot" for m in shown_group):
                break
        assert shown_group[-1]["text"] == f"Noted in the group, User {JONAS}"
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()
