"""Issue 10: the emulator answers as Telegram does for replies, photos, copies and forwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import serving_emulator
from tests.sandbox_client import SandboxClient, tiny_png

TOKEN = "123456:faithful-test"
USER = 1001

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator with rate limits off and one user who started the bot."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as pair:
        pair[0].world.start_chat(USER, "Ana")
        yield pair


@pytest.fixture
def user(served: Served, http: aiohttp.ClientSession) -> SandboxClient:
    """User 1001."""
    return SandboxClient(http, served[1], USER)


async def call(
    http: aiohttp.ClientSession, base: str, method: str, data: Any = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    """A Bot API call (JSON, or `data` as a form); the status and the body."""
    url = f"{base}/bot{TOKEN}/{method}"
    kwargs = {"data": data} if data is not None else {"json": params}
    async with http.post(url, **kwargs) as response:
        return response.status, await response.json()


async def ok(http: aiohttp.ClientSession, base: str, method: str, **params: Any) -> Any:
    """A call that must succeed; its result."""
    status, body = await call(http, base, method, **params)
    assert status == 200, body
    return body["result"]


def photo_form(data: bytes, **fields: str) -> aiohttp.FormData:
    """A sendPhoto multipart body to user 1001."""
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("photo", data, filename="chart.png", content_type="image/png")
    return form


async def test_set_webhook_with_an_empty_url_removes_the_webhook(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    await ok(http, base, "setWebhook", url=f"{base}/hook")
    assert await ok(http, base, "setWebhook", url="") is True
    assert (await ok(http, base, "getWebhookInfo"))["url"] == ""
    await ok(http, base, "setWebhook", url=f"{base}/hook")
    assert await ok(http, base, "setWebhook") is True  # no url at all: removed too
    assert (await ok(http, base, "getWebhookInfo"))["url"] == ""


async def test_a_reply_carries_the_replied_message(
    served: Served, http: aiohttp.ClientSession, user: SandboxClient
) -> None:
    base = served[1]
    question = await user.send("When does the call close?")
    modern = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        text="On 5 March",
        reply_parameters={"message_id": question},
    )
    legacy = await ok(
        http, base, "sendMessage", chat_id=USER, text="At 17:00", reply_to_message_id=question
    )
    for sent in (modern, legacy):
        quoted = sent["reply_to_message"]
        assert quoted["message_id"] == question
        assert quoted["text"] == "When does the call close?"
        assert "reply_to_message" not in quoted
    shown = await user.messages(after=question)
    assert shown[0]["reply_to"] == {
        "message_id": question,
        "text": "When does the call close?",
        "from": "user",
        "from_user": {"id": USER, "first_name": "Ana"},
    }


async def test_a_reply_to_a_missing_message_is_refused_unless_allowed(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    status, body = await call(
        http, base, "sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 99}
    )
    assert (status, body["description"]) == (400, "Bad Request: message to be replied not found")
    status, _ = await call(
        http, base, "sendMessage", chat_id=USER, text="x", reply_to_message_id=99
    )
    assert status == 400
    sent = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        text="x",
        reply_parameters={"message_id": 99, "allow_sending_without_reply": True},
    )
    assert "reply_to_message" not in sent
    legacy = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        text="y",
        reply_to_message_id=99,
        allow_sending_without_reply=True,
    )
    assert "reply_to_message" not in legacy


async def test_send_photo_uploads_then_reuses_the_file_id(
    served: Served, http: aiohttp.ClientSession, user: SandboxClient
) -> None:
    base = served[1]
    status, body = await call(http, base, "sendPhoto", photo_form(tiny_png(30, 20), caption="Week"))
    assert status == 200, body
    sent = body["result"]
    [size] = sent["photo"]
    assert (size["width"], size["height"]) == (30, 20)
    assert sent["caption"] == "Week" and "document" not in sent
    again = await ok(http, base, "sendPhoto", chat_id=USER, photo=size["file_id"])
    assert again["photo"][0]["file_id"] == size["file_id"]
    found = await ok(http, base, "getFile", file_id=size["file_id"])
    assert found["file_path"].startswith("photos/")
    async with http.get(f"{base}/file/bot{TOKEN}/{found['file_path']}") as response:
        assert await response.read() == tiny_png(30, 20)
    [shown, _] = await user.messages()
    assert shown["photo"]["file_name"] == "chart.png"
    async with http.get(shown["photo"]["url"]) as response:
        assert response.status == 200 and await response.read() == tiny_png(30, 20)


async def test_send_photo_refuses_what_is_no_image_and_a_document_file_id(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    status, body = await call(http, base, "sendPhoto", photo_form(b"%PDF-1.4 not a picture"))
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("document", b"guide", filename="guide.txt")
    status, body = await call(http, base, "sendDocument", form)
    document_id = body["result"]["document"]["file_id"]
    status, body = await call(http, base, "sendPhoto", chat_id=USER, photo=document_id)
    assert (status, body["description"]) == (400, "Bad Request: type of file mismatch")


async def test_copy_and_forward_a_users_message(
    served: Served, http: aiohttp.ClientSession, user: SandboxClient
) -> None:
    base = served[1]
    question = await user.send("Is Malmo eligible?")
    copied = await ok(
        http, base, "copyMessage", chat_id=USER, from_chat_id=USER, message_id=question
    )
    assert set(copied) == {"message_id"}
    forwarded = await ok(
        http, base, "forwardMessage", chat_id=USER, from_chat_id=USER, message_id=question
    )
    assert forwarded["text"] == "Is Malmo eligible?"
    assert forwarded["forward_origin"]["type"] == "user"
    assert forwarded["forward_origin"]["sender_user"]["id"] == USER
    assert forwarded["from"]["is_bot"] is True
    shown = {m["message_id"]: m for m in await user.messages()}
    assert shown[copied["message_id"]]["from"] == "bot"
    assert shown[copied["message_id"]]["text"] == "Is Malmo eligible?"
    assert shown[forwarded["message_id"]]["forwarded_from"] == "Ana"
    status, body = await call(
        http, base, "forwardMessage", chat_id=USER, from_chat_id=USER, message_id=999
    )
    assert (status, body["description"]) == (400, "Bad Request: message to forward not found")


async def test_protected_content_is_marked_and_cannot_be_forwarded(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    sent = await ok(
        http, base, "sendMessage", chat_id=USER, text="Confidential", protect_content=True
    )
    assert sent["has_protected_content"] is True
    status, body = await call(
        http,
        base,
        "forwardMessage",
        chat_id=USER,
        from_chat_id=USER,
        message_id=sent["message_id"],
    )
    assert status == 400 and "protected content" in body["description"]


async def test_changed_link_preview_options_are_echoed(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    text = "Read https://netzerocities.eu"
    plain = await ok(http, base, "sendMessage", chat_id=USER, text=text)
    assert "link_preview_options" not in plain
    off = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        text=text,
        link_preview_options={"is_disabled": True},
    )
    assert off["link_preview_options"] == {"is_disabled": True}
    legacy = await ok(
        http, base, "sendMessage", chat_id=USER, text=text, disable_web_page_preview=True
    )
    assert legacy["link_preview_options"] == {"is_disabled": True}


async def test_telegram_adds_entities_to_text_it_delivers(
    served: Served, http: aiohttp.ClientSession, user: SandboxClient
) -> None:
    base = served[1]
    text = "Write to ana@city.eu, see https://netzerocities.eu, ask @nzc_team #twinning /help"
    sent = await ok(http, base, "sendMessage", chat_id=USER, text=text)
    found = [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in sent["entities"]]
    assert found == [
        ("email", "ana@city.eu"),
        ("url", "https://netzerocities.eu"),
        ("mention", "@nzc_team"),
        ("hashtag", "#twinning"),
        ("bot_command", "/help"),
    ]
    await user.send("see netzerocities.eu, not guide.txt")
    [update] = await ok(http, base, "getUpdates")
    assert update["message"]["entities"] == [{"type": "url", "offset": 4, "length": 16}]
    bold = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        text="<b>https://netzerocities.eu</b>",
        parse_mode="HTML",
    )
    assert [e["type"] for e in bold["entities"]] == ["bold", "url"]
    linked = await ok(
        http,
        base,
        "sendMessage",
        chat_id=USER,
        parse_mode="HTML",
        text='<a href="https://netzerocities.eu">https://netzerocities.eu</a>',
    )
    assert [e["type"] for e in linked["entities"]] == ["text_link"]


async def test_pins_deleting_many_and_reactions(
    served: Served, http: aiohttp.ClientSession, user: SandboxClient
) -> None:
    base = served[1]
    first = await ok(http, base, "sendMessage", chat_id=USER, text="one")
    second = await ok(http, base, "sendMessage", chat_id=USER, text="two")
    for sent in (first, second):
        await ok(http, base, "pinChatMessage", chat_id=USER, message_id=sent["message_id"])
    assert (await ok(http, base, "getChat", chat_id=USER))["pinned_message"]["text"] == "two"
    await ok(http, base, "unpinChatMessage", chat_id=USER)
    assert (await ok(http, base, "getChat", chat_id=USER))["pinned_message"]["text"] == "one"
    status, body = await call(http, base, "pinChatMessage", chat_id=USER, message_id=99)
    assert (status, body["description"]) == (400, "Bad Request: message to pin not found")
    await ok(http, base, "deleteMessages", chat_id=USER, message_ids=[first["message_id"], 99])
    assert "pinned_message" not in await ok(http, base, "getChat", chat_id=USER)
    status, body = await call(http, base, "deleteMessages", chat_id=USER, message_ids=[])
    assert status == 400 and "1 to 100" in body["description"]

    react = {"chat_id": USER, "message_id": second["message_id"]}
    await ok(http, base, "setMessageReaction", reaction=[{"type": "emoji", "emoji": "👍"}], **react)
    assert (await user.messages())[-1]["reactions"] == ["👍"]
    for reaction, problem in (
        ([{"type": "emoji", "emoji": "🦖"}], "REACTION_INVALID"),
        (
            [{"type": "emoji", "emoji": "👍"}, {"type": "emoji", "emoji": "🔥"}],
            "REACTIONS_TOO_MANY",
        ),
    ):
        status, body = await call(http, base, "setMessageReaction", reaction=reaction, **react)
        assert (status, body["description"]) == (400, f"Bad Request: {problem}")
    await ok(http, base, "setMessageReaction", **react)  # no reaction: removed
    assert "reactions" not in (await user.messages())[-1]


async def test_captions_members_profile_and_menu_buttons(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    text = await ok(http, base, "sendMessage", chat_id=USER, text="plain")
    status, body = await call(
        http, base, "editMessageCaption", chat_id=USER, message_id=text["message_id"], caption="c"
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: there is no caption in the message to edit",
    )
    member = await ok(http, base, "getChatMember", chat_id=USER, user_id=USER)
    assert member == {"status": "member", "user": member["user"]} and member["user"]["id"] == USER
    status, body = await call(http, base, "getChatMember", chat_id=USER, user_id=4242)
    assert (status, body["description"]) == (400, "Bad Request: user not found")

    me = await ok(http, base, "getMe")
    assert (await ok(http, base, "getMyName"))["name"] == me["first_name"]
    await ok(http, base, "setMyName", name="Helper", language_code="de")
    assert (await ok(http, base, "getMyName", language_code="de"))["name"] == "Helper"
    assert (await ok(http, base, "getMyName"))["name"] == me["first_name"]
    await ok(http, base, "setMyDescription", description="Helps cities")
    assert await ok(http, base, "getMyDescription") == {"description": "Helps cities"}
    assert await ok(http, base, "getMyShortDescription") == {"short_description": ""}

    assert await ok(http, base, "getChatMenuButton", chat_id=USER) == {"type": "commands"}
    web_app = {"type": "web_app", "text": "Apply", "web_app": {"url": "https://nzc.eu/apply"}}
    await ok(http, base, "setChatMenuButton", menu_button=web_app)
    assert await ok(http, base, "getChatMenuButton", chat_id=USER) == web_app
    await ok(http, base, "setChatMenuButton", chat_id=USER, menu_button={"type": "commands"})
    assert await ok(http, base, "getChatMenuButton", chat_id=USER) == {"type": "commands"}
    insecure = {**web_app, "web_app": {"url": "http://nzc.eu"}}
    status, body = await call(http, base, "setChatMenuButton", menu_button=insecure)
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_URL_INVALID")
