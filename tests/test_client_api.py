"""The sandbox client API: users chatting with the bot through plain JSON over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.chat import MAX_MESSAGES_PER_CHAT
from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import STATIC_DIR, serving_emulator
from tests.sandbox_client import SandboxClient, button_data

TOKEN = "100000001:client-api-test"
USER = 1001

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator serving the chat page too, rate limits off."""
    config = EmulatorConfig(rate_limit=False, static_dir=STATIC_DIR)
    async with serving_emulator(config) as pair:
        pair[0].world.start_chat(USER)  # bots may write only to people who started them
        yield pair


@pytest.fixture
async def bot(served: Served) -> AsyncIterator[Bot]:
    """A real PTB Bot on the same emulator."""
    async with Bot(TOKEN, base_url=f"{served[1]}/bot") as real:
        yield real


@pytest.fixture
def user(served: Served, http: aiohttp.ClientSession) -> SandboxClient:
    """User 1001."""
    return SandboxClient(http, served[1], USER)


async def request(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    """One raw request; the status and the decoded JSON body."""
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json()


async def test_commands_carry_bot_command_entities_wherever_they_are(
    user: SandboxClient, bot: Bot
) -> None:
    await user.send("/start@applicant_sandbox_bot now")
    await user.send("hello /help")
    first, second = [u.message for u in await bot.get_updates()]
    assert first is not None and second is not None
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bot_command", 0, 28)]
    # Telegram marks a command anywhere in the text; only one at offset 0 is a command to PTB.
    assert [(e.type, e.offset, e.length) for e in second.entities] == [("bot_command", 6, 5)]
    shown = await user.messages()
    assert shown[0]["entities"] == [{"type": "bot_command", "offset": 0, "length": 28}]


async def test_user_and_bot_messages_share_one_id_sequence(user: SandboxClient, bot: Bot) -> None:
    assert await user.send("one") == 1
    assert (await bot.send_message(USER, "two")).message_id == 2
    assert await user.send("three") == 3
    shown = await user.messages()
    assert [(m["message_id"], m["from"], m["text"]) for m in shown] == [
        (1, "user", "one"),
        (2, "bot", "two"),
        (3, "user", "three"),
    ]
    assert [m["message_id"] for m in await user.messages(after=1)] == [2, 3]
    assert all(m["edited"] is False and m["buttons"] == [] for m in shown)
    assert all(isinstance(m["date"], int) for m in shown)


async def test_first_name_reaches_the_bot(user: SandboxClient, bot: Bot) -> None:
    await user.send("hi", first_name="Ana")
    (update,) = await bot.get_updates()
    assert update.effective_user is not None and update.effective_user.first_name == "Ana"
    assert update.effective_chat is not None and update.effective_chat.id == USER


async def test_wait_holds_until_a_bot_message_arrives(user: SandboxClient, bot: Bot) -> None:
    await user.send("question")
    waiting = asyncio.create_task(user.messages(after=1, wait=20))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # only the user's own message exists after id 0
    await bot.send_message(USER, "answer")
    shown = await asyncio.wait_for(waiting, 15)
    assert [(m["from"], m["text"]) for m in shown] == [("bot", "answer")]


async def test_wait_returns_empty_when_time_is_up(user: SandboxClient) -> None:
    assert await user.messages(after=0, wait=0.2) == []


async def test_buttons_and_edits_are_shown_as_they_are_now(user: SandboxClient, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="y"),
                InlineKeyboardButton("No", callback_data="n"),
            ],
            [InlineKeyboardButton("Site", url="https://netzerocities.eu")],
        ]
    )
    sent = await bot.send_message(USER, "<i>Sure?</i>", parse_mode="HTML", reply_markup=keyboard)
    (shown,) = await user.messages()
    assert shown["buttons"] == [
        [{"text": "Yes", "data": "y"}, {"text": "No", "data": "n"}],
        [{"text": "Site", "url": "https://netzerocities.eu"}],
    ]
    assert shown["entities"] == [{"type": "italic", "offset": 0, "length": 5}]
    await bot.edit_message_text("Done", USER, sent.message_id)
    (edited,) = await user.messages()
    assert (edited["text"], edited["buttons"], edited["edited"]) == ("Done", [], True)


async def test_pressing_a_button_delivers_a_callback_query(
    served: Served, user: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    await user.send("/start", first_name="Ana")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("FAQ", callback_data="menu:faq")]])
    sent = await bot.send_message(USER, "Menu", reply_markup=keyboard)
    url = f"{served[1]}/api/users/{USER}/callbacks"
    status, body = await request(
        http, "POST", url, json={"message_id": sent.message_id, "data": "menu:faq"}
    )
    assert status == 200 and body["callback_query_id"]
    query = (await bot.get_updates())[-1].callback_query
    assert query is not None and query.id == body["callback_query_id"]
    assert query.data == "menu:faq" and query.from_user.first_name == "Ana"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.chat_instance


async def test_the_bots_answer_to_a_press_is_kept_for_the_client(
    served: Served, user: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    await user.send("/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Old", callback_data="old")]])
    sent = await bot.send_message(USER, "Menu", reply_markup=keyboard)
    query_id = await user.press(sent.message_id, "old")
    url = f"{served[1]}/api/users/{USER}/callbacks/{query_id}"
    assert (await request(http, "GET", url))[1] == {
        "answered": False,
        "text": "",
        "show_alert": False,
    }
    await bot.answer_callback_query(query_id, "Out of date", show_alert=True)
    assert await user.button_answer(query_id) == {
        "answered": True,
        "text": "Out of date",
        "show_alert": True,
    }
    status, body = await request(http, "GET", f"{served[1]}/api/users/1002/callbacks/{query_id}")
    assert status == 400 and "pressed no button" in body["error"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"message_id": 2, "data": "other"}, "has no button with data 'other'"),
        ({"message_id": 1, "data": "menu:faq"}, "has no bot message 1"),
        ({"message_id": 99, "data": "menu:faq"}, "has no bot message 99"),
        ({"message_id": "2", "data": "menu:faq"}, "message_id"),
        ({"message_id": 2}, '"data"'),
    ],
)
async def test_pressing_what_is_not_there_is_refused(
    served: Served,
    user: SandboxClient,
    bot: Bot,
    http: aiohttp.ClientSession,
    payload: dict[str, Any],
    fragment: str,
) -> None:
    await user.send("hi")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("FAQ", callback_data="menu:faq")]])
    await bot.send_message(USER, "Menu", reply_markup=keyboard)
    status, body = await request(
        http, "POST", f"{served[1]}/api/users/{USER}/callbacks", json=payload
    )
    assert status == 400 and fragment in body["error"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "fragment"),
    [
        ("POST", "/api/users/1001/messages", {"data": b"{not json"}, "not valid JSON"),
        ("POST", "/api/users/1001/messages", {"json": ["hi"]}, "must be a JSON object"),
        ("POST", "/api/users/1001/messages", {"json": {}}, 'non-empty string in "text"'),
        ("POST", "/api/users/1001/messages", {"json": {"text": "  "}}, "non-empty string"),
        ("POST", "/api/users/1001/messages", {"json": {"text": "x" * 4097}}, "longer than 4096"),
        (
            "POST",
            "/api/users/1001/messages",
            {"json": {"text": "hi", "first_name": 5}},
            '"first_name" must be a string',
        ),
        ("POST", "/api/users/0/messages", {"json": {"text": "hi"}}, "user id '0' is not valid"),
        ("POST", "/api/users/abc/messages", {"json": {"text": "hi"}}, "for example 1001"),
        ("GET", "/api/users/-5/messages", {}, "above 0"),
        ("GET", "/api/users/1001/messages?after=x", {}, '"after" must be a number'),
        ("GET", "/api/users/1001/messages?wait=-1", {}, '"wait" must be a number'),
        ("POST", "/api/users/1001/callbacks", {"data": b""}, "must be a JSON object"),
    ],
)
async def test_malformed_requests_get_one_clear_sentence(
    served: Served,
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    fragment: str,
) -> None:
    status, body = await request(http, method, served[1] + path, **kwargs)
    assert status == 400
    assert fragment in body["error"] and body["error"].endswith(".")


async def test_block_and_unblock(
    served: Served, user: SandboxClient, bot: Bot, http: aiohttp.ClientSession
) -> None:
    await user.set_blocked(True)
    await user.set_blocked(True)  # blocking twice changes nothing more
    status, body = await request(
        http, "POST", f"{served[1]}/api/users/{USER}/messages", json={"text": "hi"}
    )
    assert status == 400 and "unblock it first" in body["error"]
    await user.set_blocked(False)
    await user.send("back")
    updates = await bot.get_updates()
    kinds = [
        (u.my_chat_member.new_chat_member.status if u.my_chat_member else u.message.text)  # type: ignore[union-attr]
        for u in updates
    ]
    assert kinds == ["kicked", "member", "back"]
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.user.id == 100000001


async def test_stats_count_bot_api_calls_and_statuses(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    await bot.send_message(USER, "one")
    await bot.send_message(USER, "two")
    async with http.post(f"{served[1]}/bot{TOKEN}/sendMessage", json={"chat_id": USER}) as r:
        assert r.status == 400
    status, stats = await request(http, "GET", f"{served[1]}/api/stats")
    assert status == 200
    assert stats["requests"]["sendMessage"] == 3 and stats["requests"]["getMe"] == 1
    assert stats["statuses"] == {"200": 3, "400": 1}
    assert stats == served[0].stats()


async def test_the_chat_page_and_its_files_are_served(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    async with http.get(f"{base}/") as response:
        assert response.status == 200
        assert (await response.text()) == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    async with http.get(f"{base}/static/chat.js") as response:
        assert response.status == 200 and "javascript" in response.content_type
    for sneaky in ("/static/..%2Fserver.py", "/static/.hidden", "/static/missing.css"):
        async with http.get(base + sneaky) as response:
            assert response.status == 404, sneaky


async def test_unknown_client_endpoints_say_what_exists(
    served: Served, http: aiohttp.ClientSession
) -> None:
    status, body = await request(http, "POST", f"{served[1]}/api/users/1001/typing")
    assert status == 404 and "/api/users/<id>/messages" in body["error"]


async def test_without_static_dir_there_is_no_page(http: aiohttp.ClientSession) -> None:
    async with serving_emulator(EmulatorConfig()) as (_, base), http.get(f"{base}/") as response:
        assert response.status == 404


async def test_each_chat_keeps_its_last_thousand_messages(served: Served) -> None:
    chat = served[0].world.chat(USER)
    for n in range(MAX_MESSAGES_PER_CHAT + 5):
        served[0].world.add_message(chat, chat.user_json(), f"message {n}")
    assert len(chat.messages) == MAX_MESSAGES_PER_CHAT
    assert next(iter(chat.messages)) == 6


async def test_the_sandbox_client_helper_sees_bot_replies(user: SandboxClient, bot: Bot) -> None:
    await user.send("ping")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])
    await bot.send_message(USER, "pong", reply_markup=keyboard)
    reply = await user.next_bot_message(timeout=5)
    assert reply["text"] == "pong" and button_data(reply) == ["again"]
