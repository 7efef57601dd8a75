"""The sandbox client API: act as Telegram users chatting privately with the bot (JSON over HTTP).

GET .../messages lists a chat by message_id; an edited bot message keeps its id, so a page that
wants edits re-fetches a recent window (after=<an older id>) rather than only newer messages.
"""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
from aiohttp import web

from bot.sandbox.bot_api import BotApi
from bot.sandbox.chat import Chat, ChatMessage, PrivateChat, now
from bot.sandbox.content import MAX_TEXT
from bot.sandbox.entities import with_automatic_entities
from bot.sandbox.params import is_utf8_error
from bot.sandbox.world import World
from faq.telegram_html import utf16_length

MAX_WAIT_SECONDS = 30.0
MAX_USER_ID = 2**52
MAX_FIRST_NAME = 64
# The sandbox's bot id before any bot has called the API (matches the sandbox token).
DEFAULT_BOT_ID = 100000001


class ClientError(web.HTTPBadRequest):
    """A 400 answer with one sentence saying what is wrong and what to do."""

    def __init__(self, sentence: str) -> None:
        super().__init__(text=json.dumps({"error": sentence}), content_type="application/json")


def _sender_name(message: ChatMessage) -> str:
    return str(message.sender.get("first_name", ""))


def client_message(chat: Chat, message: ChatMessage, origin: str) -> dict[str, Any]:
    """A message as the client API shows it."""
    shown: dict[str, Any] = {
        "message_id": message.message_id,
        "from": "bot" if message.from_bot else "user",
        "text": message.text,
        "entities": message.entities,
        "buttons": _buttons(message),
        "date": message.date,
        "edited": message.edit_date is not None,
    }
    if not message.from_bot:
        shown["from_user"] = {"id": message.sender["id"], "first_name": _sender_name(message)}
    for kind, stored in (("document", message.document), ("photo", message.photo)):
        if stored is not None:
            url = f"{origin}/api/files/{stored.file_id}"
            shown[kind] = {"file_name": stored.file_name, "url": url}
    replied = chat.messages.get(message.reply_to) if message.reply_to else None
    if replied is not None:
        shown["reply_to"] = {
            "message_id": replied.message_id,
            "text": replied.text,
            "from": "bot" if replied.from_bot else "user",
        }
    origin_user = (message.forward_origin or {}).get("sender_user")
    if origin_user is not None:
        shown["forwarded_from"] = str(origin_user.get("first_name", ""))
    if message.reactions:
        shown["reactions"] = [r["emoji"] for r in message.reactions]
    return shown


def _buttons(message: ChatMessage) -> list[list[dict[str, str]]]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    shown = []
    for row in rows:
        line = []
        for button in row:
            item = {"text": button["text"]}
            if "callback_data" in button:
                item["data"] = button["callback_data"]
            elif "url" in button:
                item["url"] = button["url"]
            line.append(item)
        shown.append(line)
    return shown


class ClientApi:
    """Routes under /api for the chat page and test scripts."""

    def __init__(self, world: World, bot_api: BotApi) -> None:
        self.world = world
        self.bot_api = bot_api

    def routes(self) -> list[web.RouteDef]:
        """Every client API route."""
        return [
            web.post("/api/users/started", self.start_users),
            web.get("/api/bot-messages", self.count_bot_messages),
            web.post("/api/users/{user_id}/messages", self.send_message),
            web.get("/api/users/{user_id}/messages", self.list_messages),
            web.post("/api/users/{user_id}/callbacks", self.press_button),
            web.get("/api/users/{user_id}/callbacks/{query_id}", self.button_answer),
            web.post("/api/users/{user_id}/block", self.block),
            web.post("/api/users/{user_id}/unblock", self.unblock),
            web.get("/api/files/{file_id}", self.download),
            web.route("*", "/api/{tail:.*}", self.unknown_endpoint),
        ]

    # ----- request parsing -----

    @staticmethod
    def _user_id(request: web.Request) -> int:
        raw = request.match_info["user_id"]
        if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_USER_ID:
            raise ClientError(
                f"The user id {raw!r} is not valid; use a whole number above 0, for example 1001."
            )
        return int(raw)

    @staticmethod
    async def _json_object(request: web.Request) -> dict[str, Any]:
        try:
            # orjson, not json: it refuses lone surrogates and nesting past 1024 levels.
            body = orjson.loads(await request.read() or b"null")
        except orjson.JSONDecodeError as error:
            if is_utf8_error(error):
                raise ClientError(
                    "The text is not valid UTF-8 (it has a lone surrogate or stray bytes); "
                    "send ordinary Unicode text."
                ) from None
            raise ClientError("The request body is not valid JSON; send a JSON object.") from None
        if not isinstance(body, dict):
            raise ClientError('The request body must be a JSON object, for example {"text": "hi"}.')
        return body

    def _open_chat(self, user_id: int, first_name: str | None = None) -> PrivateChat:
        chat = self.world.chat(user_id, first_name)
        if chat.blocked:
            raise ClientError(
                f"User {user_id} has blocked the bot; unblock it first "
                f"(POST /api/users/{user_id}/unblock)."
            )
        return chat

    def _bot_user(self) -> dict[str, Any]:
        return self.bot_api.bot_user(self.bot_api.last_bot_id or DEFAULT_BOT_ID)

    # ----- handlers -----

    async def send_message(self, request: web.Request) -> web.Response:
        """The user sends a text message; a leading /command gets its bot_command entity."""
        user_id = self._user_id(request)
        body = await self._json_object(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ClientError('Give the message as a non-empty string in "text".')
        if utf16_length(text) > MAX_TEXT:
            raise ClientError(f"The message is longer than {MAX_TEXT} characters; shorten it.")
        first_name = body.get("first_name")
        if first_name is not None and (
            not isinstance(first_name, str) or not 0 < len(first_name.strip()) <= MAX_FIRST_NAME
        ):
            raise ClientError(
                f'"first_name" must be a string of 1 to {MAX_FIRST_NAME} characters, or left out.'
            )
        chat = self._open_chat(user_id, first_name.strip() if first_name else None)
        self.world.start_chat(user_id)
        message = self.world.add_message(
            chat, chat.user_json(), text, entities=with_automatic_entities(text, [])
        )
        self.world.push_update("message", chat.message_json(message))
        return web.json_response(client_message(chat, message, str(request.url.origin())))

    async def start_users(self, request: web.Request) -> web.Response:
        """Many users start the bot at once, sending nothing (to seed a benchmark's audience)."""
        body = await self._json_object(request)
        user_ids = body.get("user_ids")
        if not isinstance(user_ids, list) or not all(
            isinstance(u, int) and not isinstance(u, bool) and 0 < u <= MAX_USER_ID
            for u in user_ids
        ):
            raise ClientError('Give the users as a list of whole numbers above 0 in "user_ids".')
        for user_id in user_ids:
            self.world.start_chat(user_id)
        return web.json_response({"started": len(user_ids)})

    async def count_bot_messages(self, request: web.Request) -> web.Response:
        """How many bot messages each chat holds whose text contains `contains`."""
        needle = request.query.get("contains", "")
        counts = {
            str(chat.user_id): count
            for chat in self.world.chats.values()
            if (
                count := sum(
                    1 for m in chat.messages.values() if m.from_bot and needle in (m.text or "")
                )
            )
        }
        return web.json_response({"chats": counts})

    async def press_button(self, request: web.Request) -> web.Response:
        """The user presses an inline button of a bot message."""
        user_id = self._user_id(request)
        body = await self._json_object(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise ClientError('Give the bot message\'s id as an integer in "message_id".')
        if not isinstance(data, str):
            raise ClientError('Give the button\'s callback data as a string in "data".')
        chat = self._open_chat(user_id)
        message = chat.messages.get(message_id)
        if message is None or not message.from_bot:
            raise ClientError(
                f"User {user_id}'s chat has no bot message {message_id}; "
                "list the messages to find the right id."
            )
        if data not in message.callback_data():
            raise ClientError(
                f"Bot message {message_id} has no button with data {data!r} (any more); "
                "press one of the buttons it shows now."
            )
        query_id = self.world.add_callback(user_id, message_id)
        self.world.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": chat.user_json(),
                "message": chat.message_json(message),
                "chat_instance": str(user_id * 7919 % 2**31),
                "data": data,
            },
        )
        return web.json_response({"callback_query_id": query_id})

    async def button_answer(self, request: web.Request) -> web.Response:
        """How the bot answered one of the user's button presses (so far)."""
        user_id = self._user_id(request)
        pressed = self.world.callbacks.get(request.match_info["query_id"])
        if pressed is None or pressed.chat_id != user_id:
            raise ClientError(
                f"User {user_id} pressed no button with that callback query id; "
                "use the id a POST to /callbacks returned."
            )
        return web.json_response(
            {"answered": pressed.answered, "text": pressed.text, "show_alert": pressed.show_alert}
        )

    async def list_messages(self, request: web.Request) -> web.Response:
        """The chat's messages after `after`, optionally waiting up to `wait` s for a bot one."""
        user_id = self._user_id(request)
        after = self._query_number(request, "after", "0")
        wait = min(self._query_number(request, "wait", "0"), MAX_WAIT_SECONDS)
        chat = self.world.chat(user_id)
        origin = str(request.url.origin())
        deadline = time.monotonic() + wait
        while True:
            newer = [m for m in chat.messages.values() if m.message_id > after]
            remaining = deadline - time.monotonic()
            if any(m.from_bot for m in newer) or remaining <= 0 or self.world.closing:
                shown = [client_message(chat, m, origin) for m in newer]
                return web.json_response({"messages": shown})
            await chat.changed.wait(remaining)

    @staticmethod
    def _query_number(request: web.Request, name: str, default: str) -> float:
        raw = request.query.get(name, default)
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value >= 0 or value == float("inf"):
            raise ClientError(f'"{name}" must be a number of 0 or more, got {raw!r}.')
        return value

    async def block(self, request: web.Request) -> web.Response:
        """The user blocks the bot: sends to them get 403 and the bot hears my_chat_member."""
        return self._set_blocked(self._user_id(request), True)

    async def unblock(self, request: web.Request) -> web.Response:
        """The user unblocks the bot."""
        return self._set_blocked(self._user_id(request), False)

    def _set_blocked(self, user_id: int, blocked: bool) -> web.Response:
        chat = self.world.chat(user_id)
        if chat.blocked != blocked:
            self.world.set_blocked(chat, blocked)
            bot = self._bot_user()
            member = {"status": "member", "user": bot}
            kicked = {"status": "kicked", "user": bot, "until_date": 0}
            self.world.push_update(
                "my_chat_member",
                {
                    "chat": chat.chat_json(),
                    "from": chat.user_json(),
                    "date": now(),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )
        return web.json_response({"blocked": blocked})

    async def unknown_endpoint(self, request: web.Request) -> web.Response:
        """Any other /api path: say which endpoints exist."""
        return web.json_response(
            {
                "error": f"There is no client API endpoint {request.method} {request.path}; "
                "use /api/users/<id>/messages, /callbacks, /block, /unblock, /api/files/<id> "
                "or /api/stats."
            },
            status=404,
        )

    async def download(self, request: web.Request) -> web.Response:
        """A document the bot sent, as a download."""
        stored = self.world.files.get(request.match_info["file_id"])
        data = None if stored is None else await self.world.file_data(stored)
        if stored is None or data is None:
            raise web.HTTPNotFound(
                text=json.dumps({"error": "That file is not (or no longer) in the sandbox."}),
                content_type="application/json",
            )
        safe_name = "".join(c if c.isalnum() or c in "._- " else "_" for c in stored.file_name)
        return web.Response(
            body=data,
            content_type=stored.mime_type,
            headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
        )
