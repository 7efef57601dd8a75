"""Group chats and richer users through the client API, as the bot sees them over the Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import serving_emulator
from tests.sandbox_client import SandboxClient, tiny_png

TOKEN = "123456:groups-test"
BOT_ID = 123456
ANA, JONAS, EVA = 1001, 1002, 1003

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator with rate limits off."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as pair:
        yield pair


async def api(
    http: aiohttp.ClientSession, method: str, url: str, payload: Any = None
) -> tuple[int, Any]:
    """One client API request; the status and the JSON body."""
    async with http.request(method, url, json=payload) as response:
        return response.status, await response.json()


async def bot(http: aiohttp.ClientSession, base: str, method: str, **params: Any) -> Any:
    """A Bot API call that must succeed; its result."""
    async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
        body = await response.json()
    assert response.status == 200, body
    return body["result"]


async def bot_status(http: aiohttp.ClientSession, base: str, method: str, **params: Any) -> Any:
    """A Bot API call's status and description."""
    async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
        body = await response.json()
    return response.status, body.get("description")


async def updates(http: aiohttp.ClientSession, base: str) -> list[dict[str, Any]]:
    """Every pending update, confirmed."""
    pending = await bot(http, base, "getUpdates")
    if pending:
        await bot(http, base, "getUpdates", offset=pending[-1]["update_id"] + 1)
    return list(pending)


async def make_group(http: aiohttp.ClientSession, base: str, **extra: Any) -> int:
    """The staff group: Ana (creator) and Jonas."""
    status, body = await api(
        http,
        "POST",
        f"{base}/api/groups",
        {"title": "Twinning staff", "member_ids": [ANA, JONAS], **extra},
    )
    assert status == 200, body
    return int(body["chat_id"])


async def test_a_new_group_has_the_bot_and_tells_it_so(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    chat_id = await make_group(http, base)
    assert chat_id < 0
    _, listed = await api(http, "GET", f"{base}/api/groups")
    assert listed == {
        "groups": [{"chat_id": chat_id, "title": "Twinning staff", "member_ids": [ANA, JONAS]}]
    }
    [joined] = await updates(http, base)
    change = joined["my_chat_member"]
    assert change["chat"] == {"id": chat_id, "type": "group", "title": "Twinning staff"}
    assert change["from"]["id"] == ANA
    assert change["old_chat_member"]["status"] == "left"
    assert change["new_chat_member"]["status"] == "member"
    info = await bot(http, base, "getChat", chat_id=chat_id)
    assert info["type"] == "group" and info["title"] == "Twinning staff"
    creator = await bot(http, base, "getChatMember", chat_id=chat_id, user_id=ANA)
    member = await bot(http, base, "getChatMember", chat_id=chat_id, user_id=JONAS)
    assert (creator["status"], member["status"]) == ("creator", "member")
    assert (await bot(http, base, "getChatMember", chat_id=chat_id, user_id=BOT_ID))[
        "status"
    ] == "member"


async def test_members_write_reply_and_press_in_the_group(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    chat_id = await make_group(http, base, chat_id=-4_000_000_777)
    assert chat_id == -4_000_000_777
    await updates(http, base)
    markup = {"inline_keyboard": [[{"text": "Take it", "callback_data": "take:7"}]]}
    asked = await bot(
        http, base, "sendMessage", chat_id=chat_id, text="New question", reply_markup=markup
    )
    assert asked["chat"]["type"] == "group"
    status, reply = await api(
        http,
        "POST",
        f"{base}/api/groups/{chat_id}/messages",
        {"user_id": JONAS, "text": "I'll answer it", "reply_to_message_id": asked["message_id"]},
    )
    assert status == 200, reply
    assert reply["from_user"] == {"id": JONAS, "first_name": f"User {JONAS}"}
    assert reply["reply_to"]["message_id"] == asked["message_id"]
    status, pressed = await api(
        http,
        "POST",
        f"{base}/api/groups/{chat_id}/callbacks",
        {"user_id": ANA, "message_id": asked["message_id"], "data": "take:7"},
    )
    assert status == 200, pressed
    message, press = await updates(http, base)
    assert message["message"]["chat"]["type"] == "group"
    assert message["message"]["from"]["id"] == JONAS
    assert message["message"]["reply_to_message"]["message_id"] == asked["message_id"]
    assert press["callback_query"]["from"]["id"] == ANA
    assert press["callback_query"]["message"]["chat"]["id"] == chat_id
    answer = SandboxClient(http, base, ANA)
    assert await bot(
        http, base, "answerCallbackQuery", callback_query_id=pressed["callback_query_id"]
    )
    assert (await answer.button_answer(pressed["callback_query_id"]))["answered"]
    status, body = await api(
        http, "POST", f"{base}/api/groups/{chat_id}/messages", {"user_id": EVA, "text": "hi"}
    )
    assert status == 400 and "not a member" in body["error"]
    status, shown = await api(http, "GET", f"{base}/api/groups/{chat_id}/messages?after=0")
    assert [(m["from"], m.get("from_user", {}).get("id")) for m in shown["messages"]] == [
        ("bot", None),
        ("user", JONAS),
    ]


async def test_a_removed_bot_hears_nothing_and_gets_403_until_added_back(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    chat_id = await make_group(http, base)
    await updates(http, base)
    status, _ = await api(http, "POST", f"{base}/api/groups/{chat_id}/bot", {"member": False})
    assert status == 200
    [left] = await updates(http, base)
    assert left["my_chat_member"]["new_chat_member"]["status"] == "left"
    assert await bot_status(http, base, "sendMessage", chat_id=chat_id, text="x") == (
        403,
        "Forbidden: bot was kicked from the group chat",
    )
    await api(http, "POST", f"{base}/api/groups/{chat_id}/messages", {"user_id": ANA, "text": "?"})
    assert await updates(http, base) == []
    await api(http, "POST", f"{base}/api/groups/{chat_id}/bot", {"member": True})
    [back] = await updates(http, base)
    assert back["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert (await bot(http, base, "sendMessage", chat_id=chat_id, text="back"))["text"] == "back"


async def test_a_group_takes_about_20_bot_messages_a_minute(http: aiohttp.ClientSession) -> None:
    async with serving_emulator(EmulatorConfig(overall_per_second=1000)) as (_, base):
        chat_id = await make_group(http, base)
        results = [
            await bot_status(http, base, "sendMessage", chat_id=chat_id, text=f"n{n}")
            for n in range(21)
        ]
    assert [status for status, _ in results[:20]] == [200] * 20
    assert results[20][0] == 429 and "retry after" in results[20][1]


async def test_a_user_replies_edits_and_sends_a_document_and_a_photo(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    ana = SandboxClient(http, base, ANA)
    first = await ana.send("Hello")
    sent = await bot(http, base, "sendMessage", chat_id=ANA, text="How can I help?")
    status, reply = await api(
        http,
        "POST",
        f"{base}/api/users/{ANA}/messages",
        {"text": "Deadline?", "reply_to_message_id": sent["message_id"]},
    )
    assert status == 200 and reply["reply_to"]["from"] == "bot"
    status, body = await api(
        http,
        "POST",
        f"{base}/api/users/{ANA}/messages",
        {"text": "x", "reply_to_message_id": 999},
    )
    assert status == 400 and "no message 999" in body["error"]
    status, edited = await api(
        http, "PATCH", f"{base}/api/users/{ANA}/messages/{first}", {"text": "Hello again"}
    )
    assert status == 200 and edited["edited"] and edited["text"] == "Hello again"
    status, body = await api(
        http, "PATCH", f"{base}/api/users/{ANA}/messages/{sent['message_id']}", {"text": "no"}
    )
    assert status == 400 and "own messages" in body["error"]
    uploads = []
    for kind, data, name in (("documents", b"%PDF", "plan.pdf"), ("photos", tiny_png(), "me.png")):
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name)
        form.add_field("caption", f"my {name}")
        async with http.post(f"{base}/api/users/{ANA}/{kind}", data=form) as response:
            assert response.status == 200, await response.text()
            uploads.append(await response.json())
    assert uploads[0]["document"]["file_name"] == "plan.pdf"
    assert uploads[1]["photo"]["file_name"] == "me.png"
    kinds = [next(k for k in u if k != "update_id") for u in await updates(http, base)]
    assert kinds == ["message", "message", "edited_message", "message", "message"]
    pending = await bot(http, base, "getUpdates")
    assert pending == []
    document_file = uploads[0]["document"]["url"].rsplit("/", 1)[1]
    found = await bot(http, base, "getFile", file_id=document_file)
    async with http.get(f"{base}/file/bot{TOKEN}/{found['file_path']}") as response:
        assert await response.read() == b"%PDF"
