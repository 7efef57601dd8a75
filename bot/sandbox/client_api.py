"""The sandbox client API: act as Telegram users chatting privately with the bot (JSON over HTTP).

GET .../messages lists a chat by message_id; an edited bot message keeps its id, so a page that
wants edits re-fetches a recent window (after=<an older id>) rather than only newer messages.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sandbox.bot_api import BotApi
from bot.sandbox.chat import PrivateChat, now
from bot.sandbox.client_common import (
    MAX_USER_ID,
    ChatActions,
    ClientError,
    client_message,
    json_object,
)
from bot.sandbox.client_groups import GroupClientApi
from bot.sandbox.world import World

__all__ = ["ClientApi", "ClientError", "client_message"]

MAX_FIRST_NAME = 64
# The sandbox's bot id before any bot has called the API (matches the sandbox token).
DEFAULT_BOT_ID = 100000001


class ClientApi:
    """Routes under /api for the chat page and test scripts."""

    def __init__(self, world: World, bot_api: BotApi) -> None:
        self.world = world
        self.bot_api = bot_api
        self.actions = ChatActions(world, self._bot_user)
        self.groups = GroupClientApi(world, self._bot_user)

    def routes(self) -> list[web.RouteDef]:
        """Every client API route."""
        return [
            web.post("/api/users/started", self.start_users),
            web.get("/api/bot-messages", self.count_bot_messages),
            web.post("/api/users/{user_id}/messages", self.send_message),
            web.get("/api/users/{user_id}/messages", self.list_messages),
            web.patch("/api/users/{user_id}/messages/{message_id}", self.edit_message),
            web.post("/api/users/{user_id}/documents", self.send_document),
            web.post("/api/users/{user_id}/photos", self.send_photo),
            web.post("/api/users/{user_id}/callbacks", self.press_button),
            web.get("/api/users/{user_id}/callbacks/{query_id}", self.button_answer),
            web.post("/api/users/{user_id}/block", self.block),
            web.post("/api/users/{user_id}/unblock", self.unblock),
            web.get("/api/files/{file_id}", self.download),
            *self.groups.routes(),
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
        return await json_object(request)

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
        """The user sends a text message (perhaps a reply), which starts the bot."""
        user_id = self._user_id(request)
        body = await self._json_object(request)
        first_name = body.get("first_name")
        if first_name is not None and (
            not isinstance(first_name, str) or not 0 < len(first_name.strip()) <= MAX_FIRST_NAME
        ):
            raise ClientError(
                f'"first_name" must be a string of 1 to {MAX_FIRST_NAME} characters, or left out.'
            )
        if not isinstance(body.get("text"), str) or not body["text"].strip():
            raise ClientError('Give the message as a non-empty string in "text".')
        chat = self._open_chat(user_id, first_name.strip() if first_name else None)
        self.world.start_chat(user_id)
        message = self.actions.write(chat, chat, body)
        return web.json_response(client_message(chat, message, str(request.url.origin())))

    async def edit_message(self, request: web.Request) -> web.Response:
        """The user edits a message they sent; the bot gets an edited_message update."""
        user_id = self._user_id(request)
        body = await self._json_object(request)
        message_id = request.match_info["message_id"]
        if not message_id.isascii() or not message_id.isdigit():
            raise ClientError(f"The message id {message_id!r} is not a whole number.")
        chat = self._open_chat(user_id)
        edited = self.actions.edit(chat, chat, int(message_id), body)
        return web.json_response(client_message(chat, edited, str(request.url.origin())))

    async def send_document(self, request: web.Request) -> web.Response:
        """The user sends a document (multipart: file, caption?)."""
        return await self._send_file(request, "document")

    async def send_photo(self, request: web.Request) -> web.Response:
        """The user sends a photo (multipart: file, caption?)."""
        return await self._send_file(request, "photo")

    async def _send_file(self, request: web.Request, kind: str) -> web.Response:
        user_id = self._user_id(request)
        chat = self._open_chat(user_id)
        message = await self.actions.send_file(chat, chat, request, kind)
        self.world.start_chat(user_id)
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
        chat = self._open_chat(user_id)
        query_id = self.actions.press(chat, chat, body)
        return web.json_response({"callback_query_id": query_id})

    async def button_answer(self, request: web.Request) -> web.Response:
        """How the bot answered one of the user's button presses (so far)."""
        user_id = self._user_id(request)
        pressed = self.world.callbacks.get(request.match_info["query_id"])
        if pressed is None or pressed.presser != user_id:
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
        return await self.actions.listing(request, self.world.chat(user_id))

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
                "use /api/users/<id>/messages, /callbacks, /block, /unblock, /documents, "
                "/photos, /api/groups, /api/groups/<chat_id>/messages, /api/files/<id> "
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
