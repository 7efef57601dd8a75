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

from bot.sandbox.chat import Chat, ChatMessage, GroupChat, PrivateChat, StoredFile
from bot.sandbox.config import EmulatorConfig
from bot.sandbox.content import caption_text, inline_keyboard, link_preview, message_text
from bot.sandbox.entities import with_automatic_entities
from bot.sandbox.images import image_size
from bot.sandbox.params import ApiError, Params, bad_request
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.reactions import checked_reactions
from bot.sandbox.webhook_sender import WebhookSender
from bot.sandbox.world import World

# Canonical name -> parameters the reference (api.json) marks as required.
REQUIRED_PARAMS: dict[str, tuple[str, ...]] = {
    "getMe": (),
    "logOut": (),
    "close": (),
    "getUpdates": (),
    # The reference marks url required, but Telegram removes the webhook when it is missing
    # or empty (clients such as aiogram leave an empty url out of the request).
    "setWebhook": (),
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
    "sendPhoto": ("chat_id", "photo"),
    "copyMessage": ("chat_id", "from_chat_id", "message_id"),
    "forwardMessage": ("chat_id", "from_chat_id", "message_id"),
    "pinChatMessage": ("chat_id", "message_id"),
    "unpinChatMessage": ("chat_id",),
    "getChatMember": ("chat_id", "user_id"),
    "editMessageCaption": (),
    "deleteMessages": ("chat_id", "message_ids"),
    "getMyDescription": (),
    "getMyShortDescription": (),
    "setMyName": (),
    "getMyName": (),
    "setChatMenuButton": (),
    "getChatMenuButton": (),
    "setMessageReaction": ("chat_id", "message_id"),
    "unpinAllChatMessages": ("chat_id",),
    "getChatAdministrators": ("chat_id",),
    "getChatMemberCount": ("chat_id",),
}
SERVED_METHODS: frozenset[str] = frozenset(REQUIRED_PARAMS)
RATE_LIMITED = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
MAX_POLL_SECONDS = 50
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_BOT_NAME = 64
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
                config.overall_per_second,
                config.per_chat_per_second,
                config.per_chat_burst,
                per_group_per_minute=config.per_group_per_minute,
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
            "sendPhoto": self.send_photo,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "pinChatMessage": self.pin_chat_message,
            "unpinChatMessage": self.unpin_chat_message,
            "getChatMember": self.get_chat_member,
            "editMessageCaption": self.edit_message_caption,
            "deleteMessages": self.delete_messages,
            "getMyDescription": self.get_my_description,
            "getMyShortDescription": self.get_my_short_description,
            "setMyName": self.set_my_name,
            "getMyName": self.get_my_name,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "setMessageReaction": self.set_message_reaction,
            "unpinAllChatMessages": self.unpin_all_chat_messages,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
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
            "first_name": self.world.descriptions.get("name:") or self.config.bot_first_name,
            "username": self.config.bot_username,
        }

    # ----- helpers -----

    def _chat(self, params: Params, *, to_send: bool = False) -> Chat:
        """The chat named by chat_id: a private chat of someone who wrote to the bot, or a group."""
        return self._chat_by_id(params.values.get("chat_id"), to_send=to_send)

    def _chat_by_id(self, raw: object, *, to_send: bool = False) -> Chat:
        chat_id: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat_id = raw
        elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            chat_id = int(raw.strip())
        if chat_id is not None and chat_id < 0:
            group = self.world.groups.get(chat_id)
            if group is None:
                raise bad_request("chat not found")
            if not group.bot_member and not to_send:
                raise ApiError(403, "Forbidden: bot is not a member of the group chat")
            return group
        chat = self.world.chats.get(chat_id) if chat_id is not None and chat_id > 0 else None
        if chat is None or not chat.started:
            if to_send and chat_id is not None and chat_id > 0:
                # Telegram's answer for a person who never started the bot.
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        return chat

    def _may_send(self, method: str, chat: Chat) -> None:
        """403 if blocked or removed, 429 over the flood limit; call after checking every param."""
        if isinstance(chat, PrivateChat) and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if isinstance(chat, GroupChat) and not chat.bot_member:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if self.limiter is not None and method in RATE_LIMITED:
            wait = self.limiter.retry_after(chat.chat_id, group=chat.is_group)
            if wait is not None:
                raise too_many_requests(wait)

    def _reply_to(self, chat: Chat, params: Params) -> int | None:
        """The id of the message this one replies to (reply_parameters or the legacy fields)."""
        allow = params.flag("allow_sending_without_reply")
        reply = params.structured("reply_parameters")
        if reply is not None:
            message_id = reply.get("message_id") if isinstance(reply, dict) else None
            if not isinstance(message_id, int) or isinstance(message_id, bool):
                raise bad_request("can't parse reply parameters JSON object")
            assert isinstance(reply, dict)
            allow = allow or reply.get("allow_sending_without_reply") is True
            other = reply.get("chat_id")
            if other is not None and str(other) != str(chat.chat_id):
                raise bad_request(
                    "the sandbox emulator replies only within the same chat; "
                    "leave out reply_parameters.chat_id"
                )
        else:
            message_id = params.integer("reply_to_message_id")
        if message_id is None or message_id in chat.messages:
            return message_id
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def _sending(self, chat: Chat, params: Params) -> dict[str, Any]:
        """What every send takes from its call: the reply, protection, the inline keyboard."""
        return {
            "reply_to": self._reply_to(chat, params),
            "protected": params.flag("protect_content"),
            "reply_markup": inline_keyboard(params),
        }

    def _message_in(self, chat: Chat, params: Params, missing: str) -> ChatMessage:
        message_id = params.integer("message_id")
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None:
            raise bad_request(missing)
        return message

    def _bot_message(self, chat: Chat, params: Params) -> ChatMessage:
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
            # Privacy mode off: the emulator delivers every group message to the bot.
            "can_read_all_group_messages": True,
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
        sending = self._sending(chat, call.params)
        preview = link_preview(call.params)
        self._may_send("sendMessage", chat)
        message = self.world.add_message(
            chat,
            self.bot_user(call.bot_id),
            text,
            entities=with_automatic_entities(text, entities),
            link_preview=preview,
            **sending,
        )
        return chat.message_json(message)

    async def edit_message_text(self, call: BotCall) -> dict[str, Any]:
        """editMessageText: without reply_markup the inline keyboard is removed, as on Telegram."""
        return self._edit_words(call, "editMessageText", caption=False)

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
        return await self._send_media(call, "sendDocument", "document")

    async def send_photo(self, call: BotCall) -> dict[str, Any]:
        """sendPhoto: a PNG, JPEG, GIF or WebP upload, or a known photo's file_id."""
        return await self._send_media(call, "sendPhoto", "photo")

    async def _send_media(self, call: BotCall, method: str, kind: str) -> dict[str, Any]:
        params = call.params
        chat = self._chat(params, to_send=True)
        caption, entities = caption_text(params)
        sending = self._sending(chat, params)
        media = await self._upload(params, kind)
        size = None
        if kind == "photo" and not isinstance(media, StoredFile):
            size = image_size(media[0])
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            if len(media[0]) > MAX_PHOTO_BYTES:
                raise ApiError(413, "Request Entity Too Large")
        self._may_send(method, chat)
        stored = (
            media if isinstance(media, StoredFile) else await self.world.store_file(*media, size)
        )
        message = self.world.add_message(
            chat,
            self.bot_user(call.bot_id),
            caption,
            entities=with_automatic_entities(caption, entities),
            **{kind: stored},
            **sending,
        )
        return chat.message_json(message)

    async def _upload(self, params: Params, kind: str) -> StoredFile | tuple[bytes, str, str]:
        """A file sent before, or an upload's bytes, name and type (stored once allowed)."""
        upload = params.files.get(kind)
        value = params.values.get(kind)
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
            name = upload.filename or kind
            mime = (
                upload.content_type
                if upload.content_type and upload.content_type != "application/octet-stream"
                else mimetypes.guess_type(name)[0] or "application/octet-stream"
            )
            return data, name, mime
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                if (known.width is not None) != (kind == "photo"):
                    raise bad_request("type of file mismatch")
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
        info: dict[str, Any] = {}
        pinned = chat.messages.get(chat.pinned[-1]) if chat.pinned else None
        if pinned is not None:
            info["pinned_message"] = chat.message_json(pinned)
        return {
            **chat.chat_json(),
            **info,
            "accent_color_id": abs(chat.chat_id) % 7,
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

    # ----- forwarding and copying -----

    def _source_message(self, params: Params, missing: str) -> ChatMessage:
        source = self._chat_by_id(params.values.get("from_chat_id"))
        message = self._message_in(source, params, missing)
        if message.protected:
            raise bad_request("message has protected content and can't be forwarded")
        return message

    async def copy_message(self, call: BotCall) -> dict[str, int]:
        """copyMessage: the same content from the bot, with no link to the original."""
        params = call.params
        chat = self._chat(params, to_send=True)
        original = self._source_message(params, "message to copy not found")
        text, entities = original.text, original.entities
        if original.media is not None and "caption" in params.values:
            text, entities = caption_text(params)
            entities = with_automatic_entities(text, entities)
        sending = self._sending(chat, params)
        self._may_send("copyMessage", chat)
        copy = self.world.add_message(
            chat,
            self.bot_user(call.bot_id),
            text,
            entities=entities,
            document=original.document,
            photo=original.photo,
            link_preview=original.link_preview,
            **sending,
        )
        return {"message_id": copy.message_id}

    async def forward_message(self, call: BotCall) -> dict[str, Any]:
        """forwardMessage: the original content with forward_origin naming its sender."""
        params = call.params
        chat = self._chat(params, to_send=True)
        original = self._source_message(params, "message to forward not found")
        origin = original.forward_origin or {
            "type": "user",
            "date": original.date,
            "sender_user": original.sender,
        }
        self._may_send("forwardMessage", chat)
        forwarded = self.world.add_message(
            chat,
            self.bot_user(call.bot_id),
            original.text,
            entities=original.entities,
            document=original.document,
            photo=original.photo,
            forward_origin=origin,
            protected=params.flag("protect_content"),
        )
        return chat.message_json(forwarded)

    # ----- pins, members, captions, deleting many -----

    async def pin_chat_message(self, call: BotCall) -> bool:
        """pinChatMessage: the message becomes the chat's latest pin."""
        chat = self._chat(call.params)
        message = self._message_in(chat, call.params, "message to pin not found")
        pinned = [m for m in chat.pinned if m != message.message_id]
        self.world.set_pins(chat, [*pinned, message.message_id])
        return True

    async def unpin_chat_message(self, call: BotCall) -> bool:
        """unpinChatMessage: the given message, or without message_id the latest pin."""
        chat = self._chat(call.params)
        message_id = call.params.integer("message_id")
        if message_id is not None and message_id not in chat.messages:
            raise bad_request("message to unpin not found")
        if message_id is None:
            if chat.pinned:
                self.world.set_pins(chat, chat.pinned[:-1])
        elif message_id in chat.pinned:
            self.world.set_pins(chat, [m for m in chat.pinned if m != message_id])
        return True

    async def unpin_all_chat_messages(self, call: BotCall) -> bool:
        """unpinAllChatMessages: the chat keeps no pin."""
        chat = self._chat(call.params)
        if chat.pinned:
            self.world.set_pins(chat, [])
        return True

    async def get_chat_administrators(self, call: BotCall) -> list[dict[str, Any]]:
        """getChatAdministrators: a group's creator (the sandbox's bot is a plain member)."""
        chat = self._chat(call.params)
        if not isinstance(chat, GroupChat):
            raise bad_request("there are no administrators in the private chat")
        creator = self.world.chats.get(chat.member_ids[0]) if chat.member_ids else None
        if creator is None:
            return []
        return [{"status": "creator", "user": creator.user_json(), "is_anonymous": False}]

    async def get_chat_member_count(self, call: BotCall) -> int:
        """getChatMemberCount: a group's members and the bot; a private chat's two."""
        chat = self._chat(call.params)
        if isinstance(chat, GroupChat):
            return len(chat.member_ids) + int(chat.bot_member)
        return 2

    async def get_chat_member(self, call: BotCall) -> dict[str, Any]:
        """getChatMember: the person of a private chat, or a group's members (its creator first)."""
        chat = self._chat(call.params)
        user_id = call.params.integer("user_id")
        if user_id == call.bot_id:
            status = "member" if not isinstance(chat, GroupChat) or chat.bot_member else "left"
            return {"status": status, "user": self.bot_user(call.bot_id)}
        person = self.world.chats.get(user_id) if user_id is not None else None
        if person is None:
            raise bad_request("user not found")
        user = person.user_json()
        if isinstance(chat, GroupChat):
            if chat.member_ids and chat.member_ids[0] == user_id:
                return {"status": "creator", "user": user, "is_anonymous": False}
            return {"status": "member" if user_id in chat.member_ids else "left", "user": user}
        if user_id != chat.chat_id:
            raise bad_request("user not found")
        return {"status": "member", "user": user}

    async def edit_message_caption(self, call: BotCall) -> dict[str, Any]:
        """editMessageCaption: a document's or photo's caption (and its keyboard)."""
        return self._edit_words(call, "editMessageCaption", caption=True)

    def _edit_words(self, call: BotCall, method: str, *, caption: bool) -> dict[str, Any]:
        """A message's text (or a media message's caption) and keyboard replaced."""
        chat = self._chat(call.params)
        message = self._bot_message(chat, call.params)
        if caption and message.media is None:
            raise bad_request("there is no caption in the message to edit")
        if not caption and message.media is not None:
            raise bad_request("there is no text in the message to edit")
        text, entities = (caption_text if caption else message_text)(call.params)
        entities = with_automatic_entities(text, entities)
        markup = inline_keyboard(call.params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._may_send(method, chat)
        edited = self.world.edit_message(
            chat, message, text=text, entities=entities, reply_markup=markup
        )
        return chat.message_json(edited)

    async def delete_messages(self, call: BotCall) -> bool:
        """deleteMessages: 1 to 100 ids; those not found are skipped, as on Telegram."""
        chat = self._chat(call.params)
        ids = call.params.structured("message_ids")
        if (
            not isinstance(ids, list)
            or not 1 <= len(ids) <= 100
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        ):
            raise bad_request("message_ids must be an array of 1 to 100 message identifiers")
        for message_id in ids:
            self.world.delete_message(chat, message_id)
        return True

    # ----- the bot's profile and menu button -----

    def _language(self, params: Params) -> str:
        return params.text("language_code") or ""

    async def get_my_description(self, call: BotCall) -> dict[str, str]:
        """getMyDescription."""
        key = f"description:{self._language(call.params)}"
        return {"description": self.world.descriptions.get(key, "")}

    async def get_my_short_description(self, call: BotCall) -> dict[str, str]:
        """getMyShortDescription."""
        key = f"short_description:{self._language(call.params)}"
        return {"short_description": self.world.descriptions.get(key, "")}

    async def set_my_name(self, call: BotCall) -> bool:
        """setMyName: an empty name restores the default (for that language)."""
        return self._set_description(call.params, "name", MAX_BOT_NAME)

    async def get_my_name(self, call: BotCall) -> dict[str, str]:
        """getMyName: the name for a language, else the bot's own name."""
        name = self.world.descriptions.get(f"name:{self._language(call.params)}")
        return {"name": name or self.bot_user(call.bot_id)["first_name"]}

    def _menu_key(self, params: Params) -> str:
        if not params.has("chat_id"):
            return "default"
        chat = self._chat(params)
        if chat.is_group:
            raise bad_request("the menu button can be set only for private chats")
        return f"chat:{chat.chat_id}"

    async def set_chat_menu_button(self, call: BotCall) -> bool:
        """setChatMenuButton: for one private chat, or the default without chat_id."""
        key = self._menu_key(call.params)
        button = call.params.structured("menu_button")
        if button is not None:
            button = _checked_menu_button(button)
        if button is None or (key != "default" and button == {"type": "default"}):
            self.world.set_menu_button(key, None)
        else:
            self.world.set_menu_button(key, button)
        return True

    async def get_chat_menu_button(self, call: BotCall) -> dict[str, Any]:
        """getChatMenuButton: the chat's own button, else the default (the command list)."""
        key = self._menu_key(call.params)
        button = self.world.menu_buttons.get(key) or self.world.menu_buttons.get("default")
        if button is None or button == {"type": "default"}:
            return {"type": "commands"}
        return button

    async def set_message_reaction(self, call: BotCall) -> bool:
        """setMessageReaction: the bot's one reaction on a message (none removes it)."""
        chat = self._chat(call.params)
        message = self._message_in(chat, call.params, "message to react not found")
        reactions = checked_reactions(call.params.structured("reaction"))
        if reactions != message.reactions:
            self.world.update_message(chat, message, reactions=reactions)
        return True


def _checked_menu_button(button: Any) -> dict[str, Any]:
    """A MenuButton object as setChatMenuButton takes it."""
    kind = button.get("type") if isinstance(button, dict) else None
    if kind in ("commands", "default"):
        return {"type": kind}
    if kind == "web_app":
        text, app = button.get("text"), button.get("web_app")
        url = app.get("url") if isinstance(app, dict) else None
        if not isinstance(text, str) or not text or not isinstance(url, str):
            raise bad_request("a web_app menu button needs a text and web_app.url")
        if not url.startswith("https://"):
            raise bad_request("BUTTON_URL_INVALID")
        return {"type": "web_app", "text": text, "web_app": {"url": url}}
    raise bad_request("can't parse menu button JSON object")
