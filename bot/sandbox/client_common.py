"""What users do in any chat through the client API: write, reply, edit, send files, press.

Shared by the private-chat routes (client_api.py) and the group routes (client_groups.py).
"""

from __future__ import annotations

import json
import mimetypes
import time
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDict, MultiDictProxy

from bot.sandbox.chat import Chat, ChatMessage, GroupChat, PrivateChat, StoredFile
from bot.sandbox.content import MAX_CAPTION, MAX_TEXT
from bot.sandbox.entities import with_automatic_entities
from bot.sandbox.images import image_size
from bot.sandbox.params import is_utf8_error
from bot.sandbox.world import World
from faq.telegram_html import utf16_length

MAX_WAIT_SECONDS = 30.0
MAX_USER_ID = 2**52
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_FIRST_NAME = 64


class ClientError(web.HTTPBadRequest):
    """A 400 answer with one sentence saying what is wrong and what to do."""

    def __init__(self, sentence: str) -> None:
        super().__init__(text=json.dumps({"error": sentence}), content_type="application/json")


class ClientNotFound(web.HTTPNotFound):
    """A 404 answer with one sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(text=json.dumps({"error": sentence}), content_type="application/json")


class ClientTooLarge(web.HTTPRequestEntityTooLarge):
    """A 413 answer with one sentence, for a body past the sandbox's upload limit."""

    def __init__(self, max_size: float) -> None:
        sentence = f"The request is larger than the sandbox accepts ({max_size // 2**20} MB); "
        sentence += f"send files of at most {MAX_UPLOAD_BYTES // 2**20} MB."
        super().__init__(
            max_size, text=json.dumps({"error": sentence}), content_type="application/json"
        )


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
        shown["from_user"] = _sender(message)
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
        if not replied.from_bot:
            shown["reply_to"]["from_user"] = _sender(replied)
    origin_user = (message.forward_origin or {}).get("sender_user")
    if origin_user is not None:
        shown["forwarded_from"] = str(origin_user.get("first_name", ""))
    if message.reactions:
        shown["reactions"] = [r["emoji"] for r in message.reactions]
    if message.message_id in chat.pinned:
        shown["pinned"] = True
    return shown


def _sender(message: ChatMessage) -> dict[str, Any]:
    return {"id": message.sender["id"], "first_name": str(message.sender.get("first_name", ""))}


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


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ClientTooLarge(request.client_max_size) from None
    try:
        # orjson, not json: it refuses lone surrogates and nesting past 1024 levels.
        body = orjson.loads(raw or b"null")
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


async def form_fields(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | FileField]:
    """A multipart/form-data body's fields (none for other bodies); 400 when it cannot be read."""
    if request.content_type != "multipart/form-data":
        return MultiDictProxy(MultiDict())
    try:
        return await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ClientTooLarge(request.client_max_size) from None
    # aiohttp's multipart reader raises these for a missing boundary, a truncated body or an
    # unknown charset; the cause is always the request, never the sandbox.
    except (ValueError, LookupError, AssertionError) as error:
        raise ClientError(
            "The multipart/form-data body cannot be read "
            f"({str(error) or type(error).__name__}); "
            'send a well-formed form with its boundary and the file in a field named "file".'
        ) from None


def _shown_json(value: object) -> str:
    """A JSON value named briefly for an error sentence."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    shown = json.dumps(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def whole_number(value: object) -> int | None:
    """The value if it is a JSON integer (not a Boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def user_id_from(value: object, where: str) -> int:
    """A user id from a JSON value, or a 400 naming the field."""
    user_id = whole_number(value)
    if user_id is None or not 0 < user_id <= MAX_USER_ID:
        raise ClientError(f"Give the user's id in {where} as a whole number above 0, e.g. 1001.")
    return user_id


def first_name_from(body: dict[str, Any]) -> str | None:
    """The optional "first_name" of a body, stripped; a 400 when it is no usable name."""
    first_name = body.get("first_name")
    if first_name is None:
        return None
    if not isinstance(first_name, str) or not 0 < len(first_name.strip()) <= MAX_FIRST_NAME:
        raise ClientError(
            f'"first_name" must be a string of 1 to {MAX_FIRST_NAME} characters, or left out.'
        )
    return first_name.strip()


def checked_text(body: dict[str, Any]) -> str:
    """The "text" of a body: a non-empty string within Telegram's length."""
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ClientError('Give the message as a non-empty string in "text".')
    if utf16_length(text) > MAX_TEXT:
        raise ClientError(f"The message is longer than {MAX_TEXT} characters; shorten it.")
    return text


def query_number(request: web.Request, name: str, default: str) -> float:
    """A non-negative number from the query string."""
    raw = request.query.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ClientError(f'"{name}" must be a number of 0 or more, got {raw!r}.')
    return value


class ChatActions:
    """A user's actions in one chat; updates reach the bot only while it is in the chat."""

    def __init__(self, world: World, bot_user: Callable[[], dict[str, Any]]) -> None:
        self.world = world
        self.bot_user = bot_user

    def _deliver(self, chat: Chat, kind: str, payload: dict[str, Any]) -> None:
        if isinstance(chat, GroupChat) and not chat.bot_member:
            return
        self.world.push_update(kind, payload)

    def _reply_to(self, chat: Chat, raw: object) -> int | None:
        if raw is None:
            return None
        message_id = whole_number(raw)
        if message_id is None:
            raise ClientError(
                f'"reply_to_message_id" must be an integer message id, got {_shown_json(raw)}; '
                "give an id from the chat's listing, or leave it out."
            )
        if message_id not in chat.messages:
            raise ClientError(
                f"There is no message {raw!r} to reply to in this chat; "
                'give an id from its listing in "reply_to_message_id", or leave it out.'
            )
        return message_id

    def write(self, chat: Chat, sender: PrivateChat, body: dict[str, Any]) -> ChatMessage:
        """The user sends a text message, perhaps replying to one."""
        text = checked_text(body)
        reply_to = self._reply_to(chat, body.get("reply_to_message_id"))
        message = self.world.add_message(
            chat,
            sender.user_json(),
            text,
            entities=with_automatic_entities(text, []),
            reply_to=reply_to,
        )
        self._deliver(chat, "message", chat.message_json(message))
        return message

    def edit(
        self, chat: Chat, sender: PrivateChat, message_id: int, body: dict[str, Any]
    ) -> ChatMessage:
        """The user edits the text of a message they sent."""
        text = checked_text(body)
        message = chat.messages.get(message_id)
        if message is None or message.sender.get("id") != sender.user_id or message.from_bot:
            raise ClientError(
                f"User {sender.user_id} sent no message {message_id} in this chat; "
                "a user can edit only their own messages."
            )
        field = "caption" if message.media is not None else "text"
        if message.media is not None and utf16_length(text) > MAX_CAPTION:
            raise ClientError(f"A caption is at most {MAX_CAPTION} characters; shorten it.")
        if text == message.text:
            raise ClientError(f"The {field} is unchanged; send a different one to edit it.")
        edited = self.world.edit_message(
            chat, message, text=text, entities=with_automatic_entities(text, [])
        )
        self._deliver(chat, "edited_message", chat.message_json(edited))
        return edited

    async def send_file(
        self, chat: Chat, sender: PrivateChat, request: web.Request, kind: str
    ) -> ChatMessage:
        """The user sends a document or a photo (multipart: "file", optional "caption")."""
        form = await form_fields(request)
        upload = form.get("file")
        if not isinstance(upload, FileField):
            raise ClientError('Send the file as multipart/form-data in a field named "file".')
        data = upload.file.read()
        if not data or len(data) > MAX_UPLOAD_BYTES:
            raise ClientError("The file must hold between 1 byte and 50 MB.")
        caption = form.get("caption", "")
        if not isinstance(caption, str) or utf16_length(caption) > MAX_CAPTION:
            raise ClientError(f'"caption" must be text of at most {MAX_CAPTION} characters.')
        size = image_size(data) if kind == "photo" else None
        if kind == "photo" and size is None:
            raise ClientError(
                "That file is no PNG, JPEG, GIF or WebP image; send it as a document."
            )
        name = upload.filename or kind
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored: StoredFile = await self.world.store_file(data, name, mime, size)
        message = self.world.add_message(
            chat,
            sender.user_json(),
            caption,
            entities=with_automatic_entities(caption, []),
            **{kind: stored},
        )
        self._deliver(chat, "message", chat.message_json(message))
        return message

    def press(self, chat: Chat, sender: PrivateChat, body: dict[str, Any]) -> str:
        """The user presses an inline button of a bot message; the callback query id."""
        message_id, data = whole_number(body.get("message_id")), body.get("data")
        if message_id is None:
            raise ClientError('Give the bot message\'s id as an integer in "message_id".')
        if not isinstance(data, str):
            raise ClientError('Give the button\'s callback data as a string in "data".')
        message = chat.messages.get(message_id)
        if message is None or not message.from_bot:
            where = f"User {sender.user_id}'s chat" if not chat.is_group else "The group"
            raise ClientError(
                f"{where} has no bot message {message_id}; list the messages to find the right id."
            )
        if data not in message.callback_data():
            raise ClientError(
                f"Bot message {message_id} has no button with data {data!r} (any more); "
                "press one of the buttons it shows now."
            )
        query_id = self.world.add_callback(chat.chat_id, message_id, sender.user_id)
        self._deliver(
            chat,
            "callback_query",
            {
                "id": query_id,
                "from": sender.user_json(),
                "message": chat.message_json(message),
                "chat_instance": str(abs(chat.chat_id) * 7919 % 2**31),
                "data": data,
            },
        )
        return query_id

    async def listing(self, request: web.Request, chat: Chat) -> web.Response:
        """The chat's messages after `after`, optionally waiting up to `wait` s for a bot one."""
        after = query_number(request, "after", "0")
        wait = min(query_number(request, "wait", "0"), MAX_WAIT_SECONDS)
        origin = str(request.url.origin())
        deadline = time.monotonic() + wait
        while True:
            newer = [m for m in chat.messages.values() if m.message_id > after]
            remaining = deadline - time.monotonic()
            if any(m.from_bot for m in newer) or remaining <= 0 or self.world.closing:
                shown = [client_message(chat, m, origin) for m in newer]
                return web.json_response({"messages": shown})
            await chat.changed.wait(remaining)
