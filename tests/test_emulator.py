"""The Telegram emulator over real HTTP, driven by a real PTB Bot and by raw requests."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter

from bot.sandbox.emulator import (
    SERVED_METHODS,
    EmulatorConfig,
    FaultConfig,
    TelegramEmulator,
)
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.server import serving_emulator
from tests.sandbox_client import SandboxClient

TOKEN = "123456:test-token_A"
USER = 1001

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator over HTTP with rate limits off, and its base URL."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as pair:
        pair[0].world.start_chat(USER)  # bots may write only to people who started them
        yield pair


@pytest.fixture
async def bot(served: Served) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the emulator."""
    _, base = served
    async with Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as real:
        yield real


async def call(
    http: aiohttp.ClientSession, base: str, method: str, token: str = TOKEN, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POST a Bot API call as JSON; returns the HTTP status and the decoded body."""
    async with http.post(f"{base}/bot{token}/{method}", json=params) as response:
        return response.status, await response.json()


# ----- identity, routing, errors -----


async def test_get_me_describes_the_bot_with_the_tokens_id(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot
    assert me.username == "applicant_sandbox_bot"
    assert me.can_join_groups is True and me.supports_inline_queries is False


async def test_method_names_are_case_insensitive_and_get_works(
    served: Served, http: aiohttp.ClientSession
) -> None:
    emulator, base = served
    async with http.get(f"{base}/bot{TOKEN}/GETME") as response:
        body = await response.json()
    assert response.status == 200 and body["ok"] is True and body["result"]["id"] == 123456
    assert emulator.stats()["requests"]["getMe"] == 1


@pytest.mark.parametrize("token", ["nodigits:abc", "123456", "12:ab$cd"])
async def test_malformed_token_is_unauthorized(
    served: Served, http: aiohttp.ClientSession, token: str
) -> None:
    status, body = await call(http, served[1], "getMe", token=token)
    assert (status, body) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_unknown_method_is_not_found(served: Served, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, served[1], "sendTelepathy", chat_id=USER)
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_form_encoded_query_and_json_bodies_are_all_read(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    url = f"{base}/bot{TOKEN}/sendMessage"
    async with http.post(url, data={"chat_id": str(USER), "text": "form"}) as response:
        assert (await response.json())["result"]["text"] == "form"
    async with http.get(url, params={"chat_id": str(USER), "text": "query"}) as response:
        assert (await response.json())["result"]["text"] == "query"
    status, body = await call(http, base, "sendMessage", chat_id=USER, text="json")
    assert status == 200 and body["result"]["chat"] == {
        "id": USER,
        "type": "private",
        "first_name": f"User {USER}",
    }


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is required"),
        ("sendMessage", {"chat_id": USER}, "Bad Request: message text is empty"),
        ("sendMessage", {"chat_id": USER, "text": "  "}, "Bad Request: message text is empty"),
        ("sendMessage", {"chat_id": USER, "text": "x" * 4097}, "Bad Request: message is too long"),
        ("sendMessage", {"chat_id": "@someone", "text": "hi"}, "Bad Request: chat not found"),
        ("sendMessage", {"chat_id": -100, "text": "hi"}, "Bad Request: chat not found"),
        (
            "sendMessage",
            {"chat_id": USER, "text": "<b>bold", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            "sendMessage",
            {
                "chat_id": USER,
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {
                "chat_id": USER,
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": ""}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            "setWebhook",
            {"url": "ftp://127.0.0.1/hook"},
            "Bad Request: bad webhook: an HTTP or HTTPS URL is required",
        ),
        ("getFile", {"file_id": "nope"}, "Bad Request: invalid file_id"),
        (
            "deleteMessage",
            {"chat_id": USER, "message_id": 99},
            "Bad Request: message to delete not found",
        ),
        (
            "editMessageText",
            {"chat_id": USER, "message_id": 99, "text": "x"},
            "Bad Request: message to edit not found",
        ),
    ],
)
async def test_bad_requests_get_telegrams_wording(
    served: Served,
    http: aiohttp.ClientSession,
    method: str,
    params: dict[str, Any],
    description: str,
) -> None:
    status, body = await call(http, served[1], method, **params)
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": description}


async def test_text_of_4096_characters_after_parsing_is_accepted(bot: Bot) -> None:
    message = await bot.send_message(USER, "<b>" + "é" * 4096 + "</b>", parse_mode="HTML")
    assert message.text == "é" * 4096


async def test_every_served_method_is_a_real_bot_api_name() -> None:
    assert {"getMe", "getUpdates", "sendMessage", "sendDocument"} <= SERVED_METHODS
    assert all(name[0].islower() and name.isalnum() for name in SERVED_METHODS)


# ----- sending and editing -----


async def test_send_message_returns_a_full_message_with_entities_and_keyboard(bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="answer:yes")],
            [InlineKeyboardButton("Site", url="https://netzerocities.eu")],
        ]
    )
    message = await bot.send_message(
        USER,
        "Hello <b>Ana</b> & <a href='https://x.eu'>you</a>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    assert message.text == "Hello Ana & you"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 6, 3),
        ("text_link", 12, 3),
    ]
    assert message.entities[1].url == "https://x.eu/"  # normalised, as Telegram does
    assert message.reply_markup == keyboard
    assert message.from_user is not None and message.from_user.id == 123456
    assert message.chat.id == USER and message.chat.type == "private"


async def test_markdown_is_refused_with_a_sentence_that_says_to_send_html(bot: Bot) -> None:
    refusal = r"(?i)does not implement parse_mode markdownv2; send html"
    with pytest.raises(BadRequest, match=refusal):
        await bot.send_message(USER, "*bold*", parse_mode="MarkdownV2")


async def test_the_bot_cannot_start_a_conversation_with_a_stranger(
    bot: Bot, served: Served, http: aiohttp.ClientSession
) -> None:
    stranger = SandboxClient(http, served[1], 4242)
    assert await stranger.messages() == []  # looking at the chat is not starting the bot
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(stranger.user_id, "hello?")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(stranger.user_id)
    await stranger.send("/start")
    assert (await bot.send_message(stranger.user_id, "hello!")).text == "hello!"


async def test_edit_text_and_markup_and_the_not_modified_error(bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(USER, "first", reply_markup=keyboard)
    edited = await bot.edit_message_text("second", USER, sent.message_id, reply_markup=keyboard)
    assert isinstance(edited, Message)
    assert edited.text == "second" and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("second", USER, sent.message_id, reply_markup=keyboard)
    other = InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]])
    changed = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=other)
    assert isinstance(changed, Message) and changed.reply_markup == other
    # Without reply_markup, Telegram removes the inline keyboard.
    bare = await bot.edit_message_text("third", USER, sent.message_id)
    assert isinstance(bare, Message) and bare.reply_markup is None


async def test_a_users_message_cannot_be_edited(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    message_id = await SandboxClient(http, served[1], USER).send("mine")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("theirs", USER, message_id)


async def test_delete_message_removes_it(served: Served, bot: Bot) -> None:
    sent = await bot.send_message(USER, "gone soon")
    assert await bot.delete_message(USER, sent.message_id) is True
    assert sent.message_id not in served[0].world.chat(USER).messages


async def test_chat_action_and_get_chat(bot: Bot) -> None:
    assert await bot.send_chat_action(USER, "typing") is True
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(USER, "dancing")
    chat = await bot.get_chat(USER)
    assert chat.id == USER and chat.type == "private"


async def test_commands_are_kept_per_scope(bot: Bot) -> None:
    assert await bot.set_my_commands([BotCommand("start", "Start")]) is True
    staff = [BotCommand("start", "Start"), BotCommand("stats", "Numbers")]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # 7 never wrote to the bot
        await bot.set_my_commands(staff, scope=BotCommandScopeChat(7))
    await bot.set_my_commands(staff, scope=BotCommandScopeChat(USER))
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(USER)) == tuple(staff)
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Not Valid", "x")])
    assert await bot.set_my_description("Helps cities apply") is True
    assert await bot.set_my_short_description("Twin Cities helper") is True


async def test_answer_callback_query_once(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(USER, "press", reply_markup=keyboard)
    async with http.post(
        f"{served[1]}/api/users/{USER}/callbacks",
        json={"message_id": sent.message_id, "data": "go"},
    ) as response:
        query_id = (await response.json())["callback_query_id"]
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.id == query_id and query.data == "go"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, text="Done") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


# ----- documents -----


async def test_send_document_upload_then_download_and_resend_by_file_id(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    content = b"%PDF-1.4 application form\n" * 100
    message = await bot.send_document(
        USER, content, filename="form.pdf", caption="Your <b>form</b>", parse_mode="HTML"
    )
    document = message.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "form.pdf",
        "application/pdf",
        len(content),
    )
    assert document.file_unique_id and message.caption == "Your form"
    assert [(e.type, e.offset, e.length) for e in message.caption_entities] == [("bold", 5, 4)]
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None and file.file_path.endswith(".pdf")
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(USER, document.file_id)
    assert again.document is not None and again.document.file_id == document.file_id
    shown = await SandboxClient(http, served[1], USER).messages()
    assert shown[0]["document"]["file_name"] == "form.pdf" and shown[0]["text"] == "Your form"
    async with http.get(shown[0]["document"]["url"]) as response:
        assert await response.read() == content


async def test_unknown_file_id_and_missing_download(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(USER, "no-such-file-id")
    async with http.get(f"{served[1]}/file/bot{TOKEN}/documents/missing.pdf") as response:
        assert response.status == 404


# ----- updates: long polling, offsets, conflicts -----


async def test_long_poll_waits_for_a_message_and_offset_confirms_it(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.2)
    assert not poll.done()  # nothing to deliver yet: the request is held open
    await SandboxClient(http, served[1], USER).send("/start", first_name="Ana")
    updates = await asyncio.wait_for(poll, 15)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.from_user is not None and message.from_user.first_name == "Ana"
    assert message.entities[0].type == "bot_command"
    assert await bot.get_updates() == updates  # unconfirmed updates stay
    assert await bot.get_updates(offset=updates[0].update_id + 1) == ()


async def test_an_older_concurrent_get_updates_gets_409(
    served: Served, http: aiohttp.ClientSession
) -> None:
    emulator, base = served
    older = asyncio.create_task(call(http, base, "getUpdates", timeout=20))
    while emulator.bot_api.poll_generation == 0:
        await asyncio.sleep(0.01)
    newer = await call(http, base, "getUpdates", timeout=0)
    assert newer == (200, {"ok": True, "result": []})
    status, body = await asyncio.wait_for(older, 10)
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )


async def test_long_poll_ends_at_once_when_the_server_stops(http: aiohttp.ClientSession) -> None:
    async with serving_emulator(EmulatorConfig()) as (emulator, base):
        poll = asyncio.create_task(call(http, base, "getUpdates", timeout=50))
        while emulator.bot_api.poll_generation == 0:
            await asyncio.sleep(0.01)
    assert await asyncio.wait_for(poll, 10) == (200, {"ok": True, "result": []})


async def test_allowed_updates_filters_new_updates(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await SandboxClient(http, served[1], USER).send("ignored")
    assert await bot.get_updates() == ()


# ----- blocking -----


async def test_blocked_user_gives_403_and_my_chat_member_updates(
    served: Served, bot: Bot, http: aiohttp.ClientSession
) -> None:
    client = SandboxClient(http, served[1], USER)
    await client.set_blocked(True)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "still there?")
    await client.set_blocked(False)
    assert (await bot.send_message(USER, "welcome back")).text == "welcome back"
    updates = await bot.get_updates()
    changes = [u.my_chat_member for u in updates]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes if c] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]
    kicked = changes[0]
    assert kicked is not None and kicked.new_chat_member.user.id == 123456
    assert kicked.from_user.id == USER and kicked.chat.id == USER


# ----- webhook -----


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, asyncio.Queue[tuple[dict[str, str], Any]]]]:
    """A local webhook endpoint that fails its first POST, then records every POST."""
    received: asyncio.Queue[tuple[dict[str, str], Any]] = asyncio.Queue()
    calls = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return web.Response(status=500)
        await received.put((dict(request.headers), await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", received
    finally:
        await runner.cleanup()


async def test_webhook_delivers_with_secret_and_retries_after_a_failure(
    served: Served,
    bot: Bot,
    http: aiohttp.ClientSession,
    receiver: tuple[str, asyncio.Queue[tuple[dict[str, str], Any]]],
) -> None:
    url, received = receiver
    assert await bot.set_webhook(url, secret_token="s3cret_-X") is True
    info = await bot.get_webhook_info()
    assert info.url == url and info.has_custom_certificate is False
    await SandboxClient(http, served[1], USER).send("via webhook")
    headers, update = await asyncio.wait_for(received.get(), 10)
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_-X"
    assert update["message"]["text"] == "via webhook" and update["update_id"] >= 1
    assert (await bot.get_webhook_info()).last_error_message  # the first POST failed
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == ()  # the delivered update is gone


async def test_webhook_refuses_non_local_urls_and_bad_secrets(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)only delivers to 127\.0\.0\.1"):
        await bot.set_webhook("https://example.org/hook")
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="has space")


# ----- rate limits and faults -----


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_bursting_to_one_chat_gets_429_with_retry_after(http: aiohttp.ClientSession) -> None:
    config = EmulatorConfig(per_chat_per_second=0.01, per_chat_burst=3)
    async with (
        serving_emulator(config) as (emulator, base),
        Bot(TOKEN, base_url=f"{base}/bot") as bot,
    ):
        emulator.world.start_chat(USER)
        emulator.world.start_chat(USER + 1)
        for n in range(3):
            await bot.send_message(USER, f"message {n}")
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "one too many")
        status, body = await call(http, base, "sendMessage", chat_id=USER, text="again")
        assert status == 429 and body["description"].startswith("Too Many Requests: retry after")
        assert isinstance(body["parameters"]["retry_after"], int)
        assert body["parameters"]["retry_after"] >= 1
        assert (await bot.send_message(USER + 1, "another chat")).text == "another chat"
        assert emulator.stats()["statuses"]["429"] == 2


LONG_DATA_MARKUP = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi", "reply_markup": LONG_DATA_MARKUP}, "BUTTON_DATA_INVALID"),
        ("sendMessage", {"text": "<b>open", "parse_mode": "HTML"}, "can't parse entities"),
        ("sendMessage", {"text": " "}, "message text is empty"),
        ("sendDocument", {"document": "no-such-file-id"}, "wrong file identifier"),
        ("sendChatAction", {"action": "dancing"}, "wrong parameter action"),
    ],
)
async def test_a_chat_over_its_flood_limit_still_hears_about_bad_parameters_first(
    http: aiohttp.ClientSession, method: str, params: dict[str, Any], description: str
) -> None:
    config = EmulatorConfig(per_chat_per_second=0.01, per_chat_burst=1)
    async with serving_emulator(config) as (emulator, base):
        emulator.world.start_chat(USER)
        assert (await call(http, base, "sendMessage", chat_id=USER, text="first"))[0] == 200
        status, body = await call(http, base, method, chat_id=USER, **params)
        assert status == 400 and description in body["description"]


async def test_a_refused_send_spends_no_flood_allowance(http: aiohttp.ClientSession) -> None:
    config = EmulatorConfig(per_chat_per_second=0.01, per_chat_burst=1)
    async with serving_emulator(config) as (emulator, base):
        emulator.world.start_chat(USER)
        status, _ = await call(
            http, base, "sendMessage", chat_id=USER, text="hi", reply_markup=LONG_DATA_MARKUP
        )
        assert status == 400
        assert (await call(http, base, "sendMessage", chat_id=USER, text="fine"))[0] == 200


def test_rate_limiter_buckets_with_a_fake_clock() -> None:
    clock = [0.0]
    limiter = RateLimiter(
        overall_per_second=3, per_chat_per_second=1, per_chat_burst=2, clock=lambda: clock[0]
    )
    assert [limiter.retry_after(1) for _ in range(3)] == [None, None, 1]
    assert limiter.retry_after(2) is None
    assert limiter.retry_after(3) == 1  # the overall bucket (3) is empty now
    clock[0] = 1.0
    assert limiter.retry_after(1) is None  # one token back per chat after 1 s
    slow = RateLimiter(
        overall_per_second=30, per_chat_per_second=0.25, per_chat_burst=1, clock=lambda: clock[0]
    )
    assert slow.retry_after(9) is None
    assert slow.retry_after(9) == 4


async def test_seeded_faults_follow_their_shares(http: aiohttp.ClientSession) -> None:
    faults = FaultConfig(share_429=0.3, share_5xx=0.2, share_dropped=0.1, retry_after=3, seed=7)
    rolls = random.Random(7)
    expected: dict[str, int] = {"429": 0, "500": 0, "dropped": 0, "200": 0}
    for _ in range(120):
        roll = rolls.random()
        kind = "429" if roll < 0.3 else "500" if roll < 0.5 else "dropped" if roll < 0.6 else "200"
        expected[kind] += 1
    seen: dict[str, int] = {"429": 0, "500": 0, "dropped": 0, "200": 0}
    async with serving_emulator(EmulatorConfig(faults=faults)) as (emulator, base):
        for _ in range(120):
            try:
                status, body = await call(http, base, "getMe")
            except aiohttp.ClientError:
                seen["dropped"] += 1
                continue
            seen[str(status)] += 1
            if status == 429:
                assert body["parameters"] == {"retry_after": 3}
            if status == 500:
                assert body["description"] == "Internal Server Error"
        assert emulator.stats()["statuses"] == {k: v for k, v in expected.items() if v}
    assert seen == expected
    assert all(count > 0 for count in seen.values())


def test_fault_config_refuses_impossible_shares() -> None:
    with pytest.raises(ValueError, match="share_429 must be between"):
        FaultConfig(share_429=1.5)
    with pytest.raises(ValueError, match=r"must not exceed 1\.0"):
        FaultConfig(share_429=0.6, share_5xx=0.6)


async def test_latency_still_answers(http: aiohttp.ClientSession) -> None:
    config = EmulatorConfig(faults=FaultConfig(latency_ms=20))
    async with serving_emulator(config) as (_, base):
        status, body = await call(http, base, "getMe")
    assert status == 200 and body["result"]["is_bot"] is True


def test_stats_start_empty() -> None:
    stats = TelegramEmulator().stats()
    assert stats == {"requests": {}, "statuses": {}}
    assert json.dumps(stats)
