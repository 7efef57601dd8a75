"""The emulator against Telegram's own Bot API reference (api.json): names, errors, shapes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.request import HTTPXRequest

from bot.sandbox.emulator import SERVED_METHODS, EmulatorConfig
from bot.sandbox.server import serving_emulator
from tests.api_reference import API_JSON, ApiReference, Field, load_reference
from tests.sandbox_client import tiny_png


@pytest.fixture(scope="module")
def reference() -> ApiReference:
    """The loaded reference; the repo carries it, so its absence is a failure, not a skip."""
    loaded = load_reference()
    if loaded is None:
        pytest.fail(f"Telegram's api.json is not at {API_JSON}; restore it from git.")
    return loaded


USER = {"id": 1001, "is_bot": False, "first_name": "Ada", "username": "ada"}
CHAT = {"id": 1001, "type": "private", "first_name": "Ada"}
MESSAGE = {
    "message_id": 7,
    "date": 1_700_000_000,
    "chat": CHAT,
    "from": USER,
    "text": "/start",
    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
}
KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Yes", "callback_data": "y"}],
        [{"text": "Docs", "url": "https://netzerocities.eu"}],
    ]
}


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


CONFORMING = [
    (USER, "User"),
    (MESSAGE, "Message"),
    (KEYBOARD, "InlineKeyboardMarkup"),
    ({"latitude": 50, "longitude": 4.35}, "Location"),
    (5, "Integer or String"),
    ("@channel", "Integer or String"),
    (True, "True"),
    ([[1, 2], []], "Array of Array of Integer"),
    ({"status": "kicked", "user": USER, "until_date": 0}, "ChatMember"),
    ({"status": "member", "user": USER}, "ChatMember"),
    ({"chat": CHAT, "message_id": 3, "date": 0}, "MaybeInaccessibleMessage"),
    (MESSAGE, "MaybeInaccessibleMessage"),
    ({"type": "user", "date": 1, "sender_user": USER}, "MessageOrigin"),
    ({"type": "hidden_user", "date": 1, "sender_user_name": "X"}, "MessageOrigin"),
    ({"update_id": 1, "message": MESSAGE}, "Update"),
    ([{"update_id": 1, "message": MESSAGE}], "Array of Update"),
]

# (value, type, a fragment every report of that problem must contain)
NONCONFORMING = [
    (_without(USER, "first_name"), "User", "$.first_name: required field of User is missing"),
    ({**USER, "id": True}, "User", "$.id: expected Integer"),
    ({**USER, "id": 10.0}, "User", "$.id: expected Integer"),
    ({**USER, "is_bot": 0}, "User", "$.is_bot: expected Boolean"),
    ({**USER, "first_name": None}, "User", "$.first_name: expected String"),
    ({**USER, "nickname": "ada"}, "User", "$.nickname: field not in the reference's User"),
    ({**MESSAGE, "chat": {**CHAT, "id": "1001"}}, "Message", "$.chat.id: expected Integer"),
    ({**MESSAGE, "entities": {"type": "bold"}}, "Message", "$.entities: expected Array of"),
    (
        {**MESSAGE, "entities": [{"type": "bold", "offset": 0}]},
        "Message",
        "$.entities[0].length: required field of MessageEntity is missing",
    ),
    ({"latitude": True, "longitude": 4.35}, "Location", "$.latitude: expected Float"),
    ({"inline_keyboard": [{"text": "Yes"}]}, "InlineKeyboardMarkup", "$.inline_keyboard[0]"),
    (
        {"inline_keyboard": [[{"callback_data": "y"}]]},
        "InlineKeyboardMarkup",
        "$.inline_keyboard[0][0].text: required field",
    ),
    (1.5, "Integer or String", "matches none of Integer or String"),
    (False, "True", "expected True"),
    (
        {"status": "kicked", "user": USER},
        "ChatMember",
        "$.until_date: required field of ChatMemberBanned is missing",
    ),
    ({"status": "banana", "user": USER}, "ChatMember", "is no valid ChatMember"),
    ({"chat": CHAT, "message_id": 3}, "MaybeInaccessibleMessage", "$.date: required field"),
    (
        {"type": "user", "date": 1, "sender_user_name": "X"},
        "MessageOrigin",
        "$.sender_user: required field of MessageOriginUser is missing",
    ),
    ({"update_id": 1}, "Update", "exactly one payload, got none"),
    (
        {"update_id": 1, "message": MESSAGE, "edited_message": MESSAGE},
        "Update",
        "exactly one payload",
    ),
    ([{"message": MESSAGE}], "Array of Update", "$[0].update_id: required field"),
    ({}, "NoSuchType", "the reference has no type 'NoSuchType'"),
]


@pytest.mark.parametrize(("value", "type_name"), CONFORMING)
def test_checker_accepts_conforming_values(
    reference: ApiReference, value: Any, type_name: str
) -> None:
    assert reference.problems_with(value, type_name) == []


@pytest.mark.parametrize(("value", "type_name", "expected"), NONCONFORMING)
def test_checker_reports_each_departure(
    reference: ApiReference, value: Any, type_name: str, expected: str
) -> None:
    problems = reference.problems_with(value, type_name)
    assert any(expected in problem for problem in problems), problems


def test_a_missing_reference_file_loads_as_none(tmp_path: Path) -> None:
    assert load_reference(tmp_path / "api.json") is None


def test_reference_knows_methods_case_insensitively_with_return_types(
    reference: ApiReference,
) -> None:
    get_updates = reference.method("GETUPDATES")
    assert get_updates is not None
    assert get_updates.returns == ("Array of Update",)
    edit_message_text = reference.method("editMessageText")
    assert edit_message_text is not None
    assert edit_message_text.returns == ("Message", "Boolean")
    assert reference.method("sendTelepathy") is None
    send_message = reference.method("sendMessage")
    assert send_message is not None
    assert {p.name for p in send_message.required_params} == {"chat_id", "text"}


TOKEN = "123456:conformance-Token_1"
USER_ID = 1001
KNOWN_ENVELOPE_KEYS = {"ok", "result", "description"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def test_every_served_method_is_in_the_reference(reference: ApiReference) -> None:
    unknown = sorted(name for name in SERVED_METHODS if reference.method(name) is None)
    assert SERVED_METHODS, "the emulator declares no served methods"
    assert unknown == [], f"served but not in {reference.version}: {unknown}"


# Methods that answer only in a group (a private chat has no administrators on Telegram).
GROUP_ONLY = frozenset({"getChatAdministrators"})

# Required in the reference, optional on Telegram: setWebhook without a url removes the webhook
# (tests/test_emulator_faithful.py checks that).
OPTIONAL_ON_TELEGRAM = frozenset({("setWebhook", "url")})


def _required_param_cases() -> list[tuple[str, str]]:
    reference = load_reference()
    if reference is None:
        return [("(api.json missing)", "")]
    return sorted(
        (name, param.name)
        for name in SERVED_METHODS
        if (method := reference.method(name)) is not None
        for param in method.required_params
        if (name, param.name) not in OPTIONAL_ON_TELEGRAM
    )


@dataclass
class World:
    """A served emulator with one user chat, a bot message, a pressed button and a file."""

    base: str
    http: aiohttp.ClientSession
    bot_message_id: int = 0
    callback_query_id: str = ""
    file_id: str = ""
    photo_id: str = ""
    group_id: int = 0

    async def call(self, method: str, data: dict[str, Any] | aiohttp.FormData) -> Any:
        """POST a bot API method and return its result, failing on an error answer."""
        async with self.http.post(f"{self.base}/bot{TOKEN}/{method}", data=data) as response:
            body = await response.json()
        assert response.status == 200 and body.get("ok") is True, f"{method}: {body}"
        return body["result"]

    async def client(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST to the sandbox client API and return its JSON answer."""
        async with self.http.post(f"{self.base}/api/users/{USER_ID}/{path}", json=payload) as r:
            body = await r.json()
        assert r.status == 200, f"client API {path}: {body}"
        return dict(body)

    def plausible_value(self, param: Field) -> str:
        """A form value for a parameter that a working call could carry."""
        by_name = {
            "chat_id": str(USER_ID),
            "message_id": str(self.bot_message_id),
            "callback_query_id": self.callback_query_id,
            "file_id": self.file_id,
            "document": self.file_id,
            "photo": self.photo_id,
            "from_chat_id": str(USER_ID),
            "user_id": str(USER_ID),
            "message_ids": json.dumps([self.bot_message_id]),
            "text": "Hello from the conformance test",
            "action": "typing",
            "url": f"{self.base}/conformance-webhook",
            "commands": json.dumps([{"command": "start", "description": "Start"}]),
        }
        if param.name in by_name:
            return by_name[param.name]
        by_type = {"Integer": "1", "Float": "1.0", "Boolean": "false", "String": "x"}
        first = param.types[0]
        return by_type.get(first, "[]" if first.startswith("Array of") else "{}")


@asynccontextmanager
async def served_world(
    with_state: bool = True, config: EmulatorConfig | None = None
) -> AsyncIterator[World]:
    """A fresh emulator on a free port; with_state adds a chat, a button press and a file."""
    async with (
        serving_emulator(config or EmulatorConfig(rate_limit=False)) as (_, base),
        aiohttp.ClientSession() as http,
    ):
        world = World(base=base, http=http)
        if with_state:
            await world.client("messages", {"text": "/start", "first_name": "Ada"})
            keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
            sent = await world.call(
                "sendMessage",
                {"chat_id": str(USER_ID), "text": "Ready?", "reply_markup": json.dumps(keyboard)},
            )
            world.bot_message_id = sent["message_id"]
            pressed = await world.client(
                "callbacks", {"message_id": world.bot_message_id, "data": "yes"}
            )
            world.callback_query_id = pressed["callback_query_id"]
            upload = aiohttp.FormData()
            upload.add_field("chat_id", str(USER_ID))
            upload.add_field("document", b"guide", filename="guide.txt")
            document_message = await world.call("sendDocument", upload)
            world.file_id = document_message["document"]["file_id"]
            upload = aiohttp.FormData()
            upload.add_field("chat_id", str(USER_ID))
            upload.add_field("photo", tiny_png(), filename="chart.png")
            photo_message = await world.call("sendPhoto", upload)
            world.photo_id = photo_message["photo"][-1]["file_id"]
            async with http.post(
                f"{base}/api/groups", json={"title": "Staff", "member_ids": [USER_ID, 1002]}
            ) as response:
                world.group_id = (await response.json())["chat_id"]
        yield world


@pytest.mark.parametrize(("method_name", "omitted"), _required_param_cases())
async def test_omitting_a_required_parameter_is_refused_with_400(
    reference: ApiReference, method_name: str, omitted: str
) -> None:
    method = reference.method(method_name)
    assert method is not None
    async with served_world() as world:
        complete = {param.name: world.plausible_value(param) for param in method.required_params}
        if method_name in GROUP_ONLY:
            complete["chat_id"] = str(world.group_id)
        form = {name: value for name, value in complete.items() if name != omitted}
        url = f"{world.base}/bot{TOKEN}/{method_name}"
        async with world.http.post(url, data=form) as response:
            body = await response.json()
        await world.call(method_name, complete)  # so the refusal is down to the omission alone
    assert response.status == 400, f"{method_name} without {omitted}: {response.status} {body}"
    assert body.get("ok") is False and body.get("error_code") == 400, body
    description = body.get("description")
    assert isinstance(description, str) and description.startswith("Bad Request: "), body
    mentions = (omitted, omitted.replace("_", " "))
    assert any(word in description for word in mentions), (
        f"{method_name}: description {description!r} does not name the missing {omitted!r}"
    )


@dataclass
class RawAnswer:
    """One bot API answer as it came over the wire."""

    method: str
    status: int
    body: Any


class RecordingRequest(HTTPXRequest):
    """PTB's own HTTP transport, keeping every raw bot API answer for inspection."""

    def __init__(self, bot_api_prefix: str, answers: list[RawAnswer]) -> None:
        super().__init__()
        self.bot_api_prefix = bot_api_prefix
        self.answers = answers

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        """Send as PTB does, then record the JSON answer of bot API calls."""
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if url.startswith(self.bot_api_prefix):
            self.answers.append(RawAnswer(url.rsplit("/", 1)[-1], status, json.loads(payload)))
        return status, payload


def _answer_problems(reference: ApiReference, answer: RawAnswer) -> list[str]:
    method = reference.method(answer.method)
    if method is None:
        return [f"{answer.method}: not a method of the reference"]
    body = answer.body
    if answer.status != 200 or not isinstance(body, dict) or body.get("ok") is not True:
        return [f"{answer.method}: failed with {answer.status} {body}"]
    extra = sorted(set(body) - KNOWN_ENVELOPE_KEYS)
    problems = [f"{answer.method}: unexpected envelope keys {extra}"] if extra else []
    problems += [
        f"{answer.method} -> {' or '.join(method.returns)}: {problem}"
        for problem in reference.problems_with(body.get("result"), method.returns)
    ]
    return problems


@dataclass
class WebhookSink:
    """A local HTTP endpoint that keeps what the emulator's webhook delivers."""

    url: str
    deliveries: asyncio.Queue[tuple[str | None, Any]]

    async def next_delivery(self) -> tuple[str | None, Any]:
        """The next (secret header, JSON body) delivered; fails if none comes in time."""
        return await asyncio.wait_for(self.deliveries.get(), timeout=5)


@asynccontextmanager
async def webhook_sink() -> AsyncIterator[WebhookSink]:
    """Serve a webhook receiver on a free port."""
    deliveries: asyncio.Queue[tuple[str | None, Any]] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await deliveries.put((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield WebhookSink(f"http://{host}:{port}/hook", deliveries)
    finally:
        await runner.cleanup()


async def test_a_realistic_session_returns_only_reference_shaped_results(
    reference: ApiReference,
) -> None:
    answers: list[RawAnswer] = []
    async with served_world(with_state=False) as world, webhook_sink() as sink:
        prefix = f"{world.base}/bot{TOKEN}/"
        bot = Bot(
            TOKEN,
            base_url=f"{world.base}/bot",
            base_file_url=f"{world.base}/file/bot",
            request=RecordingRequest(prefix, answers),
            get_updates_request=RecordingRequest(prefix, answers),
        )
        async with bot:
            await _play_conversation(bot, world)
            delivered = await _play_webhook(bot, world, sink)
            await _play_housekeeping(bot)
            await _play_media_and_replies(bot, world)
    problems = [problem for answer in answers for problem in _answer_problems(reference, answer)]
    problems += [
        f"webhook delivery: {problem}"
        for update in delivered
        for problem in reference.problems_with(update, "Update")
    ]
    covered = {answer.method.lower() for answer in answers}
    uncovered = sorted(name for name in SERVED_METHODS if name.lower() not in covered)
    assert uncovered == [], f"the session never called {uncovered}"
    assert problems == [], "\n".join(problems)


async def _next_updates(bot: Bot, after: int) -> list[Update]:
    updates = await bot.get_updates(offset=after + 1, timeout=2)
    assert updates, "the emulator delivered no update"
    return list(updates)


async def _play_conversation(bot: Bot, world: World) -> None:
    """What a bot does with one applicant: commands, a keyboard, an edit, a file, a block."""
    me = await bot.get_me()
    assert me.is_bot and me.username
    commands = [BotCommand("start", "Start over"), BotCommand("help", "What I can do")]
    assert await bot.set_my_commands(commands)
    assert list(await bot.get_my_commands()) == commands

    await world.client("messages", {"text": "/start", "first_name": "Ada"})
    [start] = await _next_updates(bot, 0)
    assert start.message and start.message.text == "/start"
    assert start.message.entities[0].type == "bot_command"

    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="yes")],
            [InlineKeyboardButton("Call page", url="https://netzerocities.eu")],
        ]
    )
    sent = await bot.send_message(
        USER_ID,
        "<b>Welcome</b>, see <a href='https://netzerocities.eu'>NZC</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )
    assert sent.text == "Welcome, see NZC"
    await world.client("callbacks", {"message_id": sent.message_id, "data": "yes"})
    [press] = await _next_updates(bot, start.update_id)
    assert press.callback_query and press.callback_query.data == "yes"
    assert await bot.answer_callback_query(press.callback_query.id, text="Noted")
    edited = await bot.edit_message_text(
        "<i>Thanks</i>", chat_id=USER_ID, message_id=sent.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, Message) and edited.text == "Thanks"

    document = await bot.send_document(
        USER_ID, InputFile(b"Twinning guide", filename="guide.txt"), caption="The guide"
    )
    assert document.document and document.document.file_name == "guide.txt"
    telegram_file = await bot.get_file(document.document.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"Twinning guide"

    await world.client("block", {})
    [blocked] = await _next_updates(bot, press.update_id)
    await world.client("unblock", {})
    [unblocked] = await _next_updates(bot, blocked.update_id)
    assert blocked.my_chat_member and blocked.my_chat_member.new_chat_member.status == "kicked"
    assert unblocked.my_chat_member and unblocked.my_chat_member.new_chat_member.status == "member"
    await bot.get_updates(offset=unblocked.update_id + 1, timeout=0)

    chat = await bot.get_chat(USER_ID)
    assert chat.id == USER_ID and chat.type == "private"


async def _play_webhook(bot: Bot, world: World, sink: WebhookSink) -> list[Any]:
    """Switch to a webhook, receive one user message there, and switch back."""
    assert await bot.set_webhook(sink.url, secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == sink.url
    await world.client("messages", {"text": "By webhook"})
    secret, update = await sink.next_delivery()
    assert secret == "s3cret"
    assert update.get("message", {}).get("text") == "By webhook", update
    assert await bot.delete_webhook()
    return [update]


async def _play_housekeeping(bot: Bot) -> None:
    """The rest of what the emulator serves: keyboards, markup edits, re-sends, settings."""
    with_reply_keyboard = await bot.send_message(
        USER_ID,
        "Pick one, or read https://netzerocities.eu",
        reply_markup=ReplyKeyboardMarkup([["Yes", "No"]], resize_keyboard=True),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    await bot.send_message(USER_ID, "Keyboard gone", reply_markup=ReplyKeyboardRemove())
    with_buttons = await bot.send_message(
        USER_ID,
        "Choose",
        reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("A", callback_data="a")),
    )
    await bot.edit_message_reply_markup(
        USER_ID,
        with_buttons.message_id,
        reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("B", callback_data="b")),
    )
    assert await bot.send_chat_action(USER_ID, ChatAction.UPLOAD_DOCUMENT)
    first = await bot.send_document(USER_ID, InputFile(b"v1", filename="v1.txt"))
    assert first.document
    again = await bot.send_document(USER_ID, first.document.file_id)
    assert again.document and again.document.file_id == first.document.file_id
    assert await bot.delete_message(USER_ID, with_reply_keyboard.message_id)
    assert await bot.set_my_description("Helps cities apply to the Twinning programme")
    assert await bot.set_my_short_description("NetZeroCities applicant helper")
    assert await bot.delete_my_commands()
    assert list(await bot.get_my_commands()) == []
    assert await bot.log_out()
    assert await bot.close()


async def _play_media_and_replies(bot: Bot, world: World) -> None:
    """Photos, replies, copies, forwards, pins, reactions, members, the profile, the menu."""
    question = await world.client("messages", {"text": "Is Malmo eligible? #twinning"})
    photo = await bot.send_photo(
        USER_ID,
        InputFile(tiny_png(8, 6), filename="chart.png"),
        caption="Applications",
        reply_parameters=ReplyParameters(question["message_id"]),
    )
    assert photo.photo and (photo.photo[-1].width, photo.photo[-1].height) == (8, 6)
    assert photo.reply_to_message and photo.reply_to_message.message_id == question["message_id"]
    again = await bot.send_photo(USER_ID, photo.photo[-1].file_id, protect_content=True)
    assert again.has_protected_content and again.photo[-1].file_id == photo.photo[-1].file_id
    recaptioned = await bot.edit_message_caption(
        USER_ID, photo.message_id, caption="<b>Applications</b> by week", parse_mode="HTML"
    )
    assert isinstance(recaptioned, Message) and recaptioned.caption == "Applications by week"
    copied = await bot.copy_message(USER_ID, USER_ID, question["message_id"])
    forwarded = await bot.forward_message(USER_ID, USER_ID, question["message_id"])
    assert forwarded.forward_origin and forwarded.text == "Is Malmo eligible? #twinning"
    assert [e.type for e in forwarded.entities] == ["hashtag"]
    assert await bot.pin_chat_message(USER_ID, forwarded.message_id)
    assert (await bot.get_chat(USER_ID)).pinned_message is not None
    assert await bot.unpin_chat_message(USER_ID)
    assert await bot.set_message_reaction(USER_ID, question["message_id"], "👍")
    member = await bot.get_chat_member(USER_ID, USER_ID)
    assert member.status == "member" and member.user.id == USER_ID
    assert await bot.delete_messages(USER_ID, [copied.message_id, again.message_id])
    assert (await bot.get_my_description()).description
    assert (await bot.get_my_short_description()).short_description
    assert await bot.set_my_name("Twinning helper")
    assert (await bot.get_my_name()).name == "Twinning helper"
    assert await bot.set_chat_menu_button(USER_ID, MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(USER_ID), MenuButtonCommands)

    async with world.http.post(
        f"{world.base}/api/groups", json={"title": "Staff", "member_ids": [USER_ID, 1002]}
    ) as response:
        group = (await response.json())["chat_id"]
    joined = (await bot.get_updates(timeout=0))[-1]
    assert joined.my_chat_member and joined.my_chat_member.chat.type == "group"
    posted = await bot.send_message(group, "New question from Ada")
    async with world.http.post(
        f"{world.base}/api/groups/{group}/messages",
        json={"user_id": 1002, "text": "Mine", "reply_to_message_id": posted.message_id},
    ) as response:
        assert response.status == 200
    [answer] = await _next_updates(bot, joined.update_id)
    assert answer.message and answer.message.reply_to_message
    assert answer.message.chat.type == "group"
    await bot.forward_message(group, USER_ID, question["message_id"])
    await bot.send_photo(group, photo.photo[-1].file_id, reply_to_message_id=posted.message_id)
    assert (await bot.get_chat_member(group, 1002)).status == "member"
    assert (await bot.get_chat(group)).title == "Staff"
    assert await bot.pin_chat_message(group, posted.message_id)
    assert await bot.unpin_all_chat_messages(group)
    assert (await bot.get_chat(group)).pinned_message is None
    [owner] = await bot.get_chat_administrators(group)
    assert owner.status == "creator" and owner.user.id == USER_ID
    assert await bot.get_chat_member_count(group) == 3  # two members and the bot
    assert await bot.get_chat_member_count(USER_ID) == 2
    await bot.get_updates(offset=answer.update_id + 1, timeout=0)


def _error_envelope_problems(reference: ApiReference, status: int, body: Any) -> list[str]:
    if not isinstance(body, dict):
        return [f"error answer is not a JSON object: {body!r}"]
    problems = [f"unexpected key {key!r}" for key in body if key not in ERROR_ENVELOPE_KEYS]
    if body.get("ok") is not False:
        problems.append(f"ok should be false, got {body.get('ok')!r}")
    if body.get("error_code") != status or isinstance(body.get("error_code"), bool):
        problems.append(
            f"error_code should be the HTTP status {status}, got {body.get('error_code')!r}"
        )
    if not isinstance(body.get("description"), str) or not body["description"]:
        problems.append(f"description should be a sentence, got {body.get('description')!r}")
    if "parameters" in body:
        problems += reference.problems_with(body["parameters"], "ResponseParameters")
    return problems


ERROR_ENVELOPE_KEYS = {"ok", "error_code", "description", "parameters"}


async def _raw(
    world: World, method: str, form: dict[str, str], token: str = TOKEN
) -> tuple[int, Any]:
    async with world.http.post(f"{world.base}/bot{token}/{method}", data=form) as response:
        return response.status, await response.json()


async def _unknown_method(world: World) -> tuple[int, Any]:
    return await _raw(world, "sendTelepathy", {})


async def _malformed_token(world: World) -> tuple[int, Any]:
    return await _raw(world, "getMe", {}, token="not-a-token")


async def _chat_not_found(world: World) -> tuple[int, Any]:
    return await _raw(world, "sendMessage", {"chat_id": "-100987654", "text": "Hi"})


async def _too_long(world: World) -> tuple[int, Any]:
    return await _raw(world, "sendMessage", {"chat_id": str(USER_ID), "text": "x" * 4097})


async def _blocked(world: World) -> tuple[int, Any]:
    await world.client("block", {})
    return await _raw(world, "sendMessage", {"chat_id": str(USER_ID), "text": "Hi"})


async def _webhook_conflict(world: World) -> tuple[int, Any]:
    await world.call("setWebhook", {"url": f"{world.base}/conformance-webhook"})
    return await _raw(world, "getUpdates", {})


async def _rate_limited(world: World) -> tuple[int, Any]:
    for _ in range(20):
        status, body = await _raw(world, "sendMessage", {"chat_id": str(USER_ID), "text": "Hi"})
        if status != 200:
            return status, body
    raise AssertionError("20 quick sends to one chat were never rate limited")


ERROR_CASES = [
    (_unknown_method, 404),
    (_malformed_token, 401),
    (_chat_not_found, 400),
    (_too_long, 400),
    (_blocked, 403),
    (_webhook_conflict, 409),
    (_rate_limited, 429),
]


@pytest.mark.parametrize(
    ("provoke", "status"), ERROR_CASES, ids=lambda case: getattr(case, "__name__", str(case))
)
async def test_error_answers_have_telegrams_envelope(
    reference: ApiReference, provoke: Callable[[World], Awaitable[tuple[int, Any]]], status: int
) -> None:
    async with served_world(config=EmulatorConfig(rate_limit=True)) as world:
        got_status, body = await provoke(world)
    assert got_status == status, body
    problems = _error_envelope_problems(reference, status, body)
    assert problems == [], f"{body}: {problems}"
    if status == 429:
        assert body["parameters"]["retry_after"] >= 1, body
