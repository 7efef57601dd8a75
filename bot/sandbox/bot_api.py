"""The Bot API methods the emulator serves, working on the world."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.chat import ChatMessage, PrivateChat, StoredFile
from bot.sandbox.config import EmulatorConfig
from bot.sandbox.content import caption_text, inline_keyboard, message_text
from bot.sandbox.params import ApiError, Params, bad_request
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.webhook_sender import WebhookSender
from bot.sandbox.world import World

# Canonical name -> parameters the reference (api.json) marks as required.
REQUIRED_PARAMS: dict[str, tuple[str, ...]] = {
    "getMe": (),
    "logOut": (),
    "close": (),
    "getUpdates": (),
    "setWebhook": ("url",),
    "deleteWebhook": (),
    "getWebhookInfo": (),
    "sendMessage": ("chat_id", "text"),
    "editMessageText": (),
    "editMessageReplyMarkup": (),
    "deleteMessage": ("chat_id", "message_id"),
    "answerCallbackQuery": ("callback_query_id",),
    "sendChatAction": ("chat_id", "action"),
    "sendDocument": ("chat_id", "document"),
    "getFile": ("file_id",),
    "getChat": ("chat_id",),
    "setMyCommands": ("commands",),
    "getMyCommands": (),
    "deleteMyCommands": (),
    "setMyDescription": (),
    "setMyShortDescription": (),
}
SERVED_METHODS: frozenset[str] = frozenset(REQUIRED_PARAMS)
RATE_LIMITED = frozenset(
    {"sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)
MAX_POLL_SECONDS = 50
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
SUPERSEDED_POLL = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class BotCall:
    """One call: which bot (by its token's id) and its parameters."""

    bot_id: int
    params: Params


Method = Callable[[BotCall], Awaitable[Any]]


def conflict(description: str) -> ApiError:
    """A 409 answer worded like Telegram's."""
    return ApiError(409, f"Conflict: {description}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 answer with parameters.retry_after."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


class BotApi:
    """Serves Bot API methods by canonical name."""

    def __init__(self, world: World, config: EmulatorConfig, sender: WebhookSender) -> None:
        self.world = world
        self.config = config
        self.sender = sender
        self.limiter = (
            RateLimiter(
                config.overall_per_second, config.per_chat_per_second, config.per_chat_burst
            )
            if config.rate_limit
            else None
        )
        self.poll_generation = 0
        self.last_bot_id: int | None = None
        self.methods: dict[str, Method] = {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "sendDocument": self.send_document,
            "getFile": self.get_file,
            "getChat": self.get_chat,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.set_my_description,
            "setMyShortDescription": self.set_my_short_description,
        }
        assert set(self.methods) == SERVED_METHODS

    async def call(self, method: str, bot_id: int, params: Params) -> Any:
        """Run one method (canonical name) after checking its required parameters."""
        self.last_bot_id = bot_id
        for name in REQUIRED_PARAMS[method]:
            if not params.has(name):
                if name == "text":
                    raise bad_request("message text is empty")
                raise bad_request(f"{name} is required")
        return await self.methods[method](BotCall(bot_id, params))

    def bot_user(self, bot_id: int) -> dict[str, Any]:
        """The bot's User object as it appears in messages."""
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": self.config.bot_first_name,
            "username": self.config.bot_username,
        }

    # ----- helpers -----

    def _chat(self, params: Params, *, to_send: bool = False) -> PrivateChat:
        """The private chat named by chat_id; only people who wrote to the bot have one."""
        return self._chat_by_id(params.values.get("chat_id"), to_send=to_send)

    def _chat_by_id(self, raw: object, *, to_send: bool = False) -> PrivateChat:
        chat_id: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat_id = raw
        elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            chat_id = int(raw.strip())
        chat = self.world.chats.get(chat_id) if chat_id is not None and chat_id > 0 else None
        if chat is None or not chat.started:
            if to_send and chat_id is not None and chat_id > 0:
                # Telegram's answer for a person who never started the bot.
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        return chat

    def _may_send(self, method: str, chat: PrivateChat) -> None:
        """403 if blocked, 429 if over the flood limit; call after every parameter is checked."""
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.limiter is not None and method in RATE_LIMITED:
            wait = self.limiter.retry_after(chat.user_id)
            if wait is not None:
                raise too_many_requests(wait)

    def _bot_message(self, chat: PrivateChat, params: Params) -> ChatMessage:
        message_id = params.integer("message_id")
        if message_id is None:
            if params.has("inline_message_id"):
                raise bad_request("inline messages do not exist in the sandbox; use message_id")
            raise bad_request("message_id is required")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    # ----- methods -----

    async def ok(self, call: BotCall) -> bool:
        """Methods that only answer True in the sandbox."""
        return True

    async def get_me(self, call: BotCall) -> dict[str, Any]:
        """getMe."""
        return {
            **self.bot_user(call.bot_id),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, call: BotCall) -> list[dict[str, Any]]:
        """getUpdates: long polling; a newer call makes an older waiting one fail with 409."""
        params = call.params
        self.poll_generation += 1
        generation = self.poll_generation
        queue = self.world.updates
        queue.arrived.notify()  # wakes an older poll so it sees it is superseded
        if self.world.webhook.url:
            raise conflict(WEBHOOK_ACTIVE)
        offset = params.integer("offset")
        limit = params.integer("limit") or 100
        timeout = min(max(params.number("timeout") or 0.0, 0.0), MAX_POLL_SECONDS)
        allowed = params.structured("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise bad_request("allowed_updates must be an array of update type names")
            self.world.allow_updates(allowed)
        if offset is not None:
            self.world.confirm_updates(offset)
        limit = min(max(limit, 1), 100)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self.poll_generation:
                raise conflict(SUPERSEDED_POLL)
            if self.world.webhook.url:
                raise conflict(WEBHOOK_ACTIVE)
            updates = queue.take(limit)
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0 or self.world.closing:
                return updates
            await queue.arrived.wait(remaining)

    async def set_webhook(self, call: BotCall) -> bool:
        """setWebhook: deliver updates by POST to a local URL (an empty URL removes it)."""
        params = call.params
        url = (params.text("url") or "").strip()
        if not url:
            return await self.delete_webhook(call)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: an HTTP or HTTPS URL is required")
        if parts.hostname not in LOCAL_HOSTS:
            raise bad_request(
                "bad webhook: the sandbox only delivers to 127.0.0.1, localhost or ::1"
            )
        secret = params.text("secret_token")
        if secret is not None and (
            not 1 <= len(secret) <= 256
            or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        allowed = params.structured("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise bad_request("allowed_updates must be an array of update type names")
            self.world.allow_updates(allowed)
        if params.flag("drop_pending_updates"):
            self.world.drop_updates()
        self.world.set_webhook(url, secret or None, params.integer("max_connections") or 40)
        self.world.updates.arrived.notify()  # a waiting getUpdates now gets its 409
        self.sender.restart()
        return True

    async def delete_webhook(self, call: BotCall) -> bool:
        """deleteWebhook: back to getUpdates mode."""
        self.world.delete_webhook()
        await self.sender.stop()
        if call.params.flag("drop_pending_updates"):
            self.world.drop_updates()
        return True

    async def get_webhook_info(self, call: BotCall) -> dict[str, Any]:
        """getWebhookInfo."""
        hook = self.world.webhook
        info: dict[str, Any] = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates.pending),
        }
        if hook.url:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        if self.world.updates.allowed:
            info["allowed_updates"] = sorted(self.world.updates.allowed)
        return info

    async def send_message(self, call: BotCall) -> dict[str, Any]:
        """sendMessage."""
        chat = self._chat(call.params, to_send=True)
        text, entities = message_text(call.params)
        markup = inline_keyboard(call.params)
        self._may_send("sendMessage", chat)
        message = self.world.add_message(
            chat, self.bot_user(call.bot_id), text, entities=entities, reply_markup=markup
        )
        return chat.message_json(message)

    async def edit_message_text(self, call: BotCall) -> dict[str, Any]:
        """editMessageText: without reply_markup the inline keyboard is removed, as on Telegram."""
        chat = self._chat(call.params)
        message = self._bot_message(chat, call.params)
        if message.document is not None:
            raise bad_request("there is no text in the message to edit")
        text, entities = message_text(call.params)
        markup = inline_keyboard(call.params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._may_send("editMessageText", chat)
        edited = self.world.edit_message(
            chat, message, text=text, entities=entities, reply_markup=markup
        )
        return chat.message_json(edited)

    async def edit_message_reply_markup(self, call: BotCall) -> dict[str, Any]:
        """editMessageReplyMarkup."""
        chat = self._chat(call.params)
        message = self._bot_message(chat, call.params)
        markup = inline_keyboard(call.params)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        self._may_send("editMessageReplyMarkup", chat)
        return chat.message_json(self.world.edit_message(chat, message, reply_markup=markup))

    async def delete_message(self, call: BotCall) -> bool:
        """deleteMessage."""
        chat = self._chat(call.params)
        message_id = call.params.integer("message_id")
        if message_id is None or not self.world.delete_message(chat, message_id):
            raise bad_request("message to delete not found")
        return True

    async def answer_callback_query(self, call: BotCall) -> bool:
        """answerCallbackQuery."""
        query_id = call.params.text("callback_query_id") or ""
        record = self.world.callbacks.get(query_id)
        if record is None or record.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = call.params.text("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.world.answer_callback(query_id, text, call.params.flag("show_alert"))
        return True

    async def send_chat_action(self, call: BotCall) -> bool:
        """sendChatAction."""
        chat = self._chat(call.params, to_send=True)
        if (call.params.text("action") or "") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._may_send("sendChatAction", chat)
        return True

    async def send_document(self, call: BotCall) -> dict[str, Any]:
        """sendDocument: a multipart upload (with its file name) or a known file_id."""
        params = call.params
        chat = self._chat(params, to_send=True)
        caption, entities = caption_text(params)
        markup = inline_keyboard(params)
        document = await self._document(params)
        self._may_send("sendDocument", chat)
        stored = (
            document if isinstance(document, StoredFile) else await self.world.store_file(*document)
        )
        message = self.world.add_message(
            chat,
            self.bot_user(call.bot_id),
            caption,
            entities=entities,
            reply_markup=markup,
            document=stored,
        )
        return chat.message_json(message)

    async def _document(self, params: Params) -> StoredFile | tuple[bytes, str, str]:
        """A file sent before, or an upload's bytes, name and type (stored once allowed)."""
        upload = params.files.get("document")
        value = params.values.get("document")
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"file {value} was not attached to the request")
        if upload is not None:
            data = await asyncio.to_thread(upload.file.read)
            if not data:
                raise bad_request("file must be non-empty")
            if len(data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            name = upload.filename or "document"
            mime = (
                upload.content_type
                if upload.content_type and upload.content_type != "application/octet-stream"
                else mimetypes.guess_type(name)[0] or "application/octet-stream"
            )
            return data, name, mime
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content: the sandbox has no internet")
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def get_file(self, call: BotCall) -> dict[str, Any]:
        """getFile."""
        stored = self.world.files.get(call.params.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.file_json()

    async def get_chat(self, call: BotCall) -> dict[str, Any]:
        """getChat: a ChatFullInfo for the private chat."""
        chat = self._chat(call.params)
        return {
            **chat.chat_json(),
            "accent_color_id": chat.user_id % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _commands_key(self, params: Params) -> str:
        scope = params.structured("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise bad_request("can't parse BotCommandScope JSON object")
        if "chat_id" in scope:
            # As on Telegram, a chat scope needs a chat the bot can see.
            self._chat_by_id(scope["chat_id"])
        language = params.text("language_code") or ""
        return json.dumps([scope, language], sort_keys=True)

    async def set_my_commands(self, call: BotCall) -> bool:
        """setMyCommands: kept per scope and language."""
        commands = call.params.structured("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of at most 100 BotCommand objects")
        checked: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("commands must be an array of BotCommand objects")
            name, description = item.get("command"), item.get("description")
            if (
                not isinstance(name, str)
                or not 1 <= len(name) <= 32
                or not all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("command description must be 1-256 characters long")
            checked.append({"command": name, "description": description})
        self.world.set_commands(self._commands_key(call.params), checked)
        return True

    async def get_my_commands(self, call: BotCall) -> list[dict[str, str]]:
        """getMyCommands."""
        return list(self.world.commands.get(self._commands_key(call.params), []))

    async def delete_my_commands(self, call: BotCall) -> bool:
        """deleteMyCommands."""
        self.world.set_commands(self._commands_key(call.params), None)
        return True

    async def set_my_description(self, call: BotCall) -> bool:
        """setMyDescription."""
        return self._set_description(call.params, "description", 512)

    async def set_my_short_description(self, call: BotCall) -> bool:
        """setMyShortDescription."""
        return self._set_description(call.params, "short_description", 120)

    def _set_description(self, params: Params, name: str, limit: int) -> bool:
        text = params.text(name) or ""
        if len(text) > limit:
            raise bad_request(f"{name} must be at most {limit} characters long")
        self.world.set_description(f"{name}:{params.text('language_code') or ''}", text)
        return True
