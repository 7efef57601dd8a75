"""The emulator's chats (private ones and groups), their messages, and the files messages carry."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_MESSAGES_PER_CHAT = 1_000


def now() -> int:
    """Unix time in whole seconds, as Telegram dates are."""
    return int(time.time())


class Notifier:
    """Wakes every task waiting on it at once; later waits wait for the next notify."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Return on the next notify or after `timeout` seconds."""
        event = self._event
        with suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(timeout, 0.0))

    def notify(self) -> None:
        """Wake the current waiters."""
        self._event.set()
        self._event = asyncio.Event()


@dataclass
class StoredFile:
    """An uploaded file's description; its bytes are kept by the world's file contents."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    file_size: int
    file_path: str
    # Photos only: the picture's size in pixels.
    width: int | None = None
    height: int | None = None

    def photo_json(self) -> list[dict[str, Any]]:
        """The PhotoSize array Telegram returns for a photo (one size: the original)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width or 0,
                "height": self.height or 0,
                "file_size": self.file_size,
            }
        ]

    def document_json(self) -> dict[str, Any]:
        """The Document object Telegram returns for it."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
        }

    def file_json(self) -> dict[str, Any]:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }

    def record(self) -> dict[str, Any]:
        """Every field, as the journal keeps it."""
        return asdict(self)


@dataclass
class ChatMessage:
    """One message in a chat, from a user or from the bot."""

    message_id: int
    sender: dict[str, Any]
    date: int
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    edit_date: int | None = None
    photo: StoredFile | None = None
    reply_to: int | None = None
    forward_origin: dict[str, Any] | None = None
    protected: bool = False
    link_preview: dict[str, Any] | None = None
    reactions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def media(self) -> StoredFile | None:
        """The document or photo the message carries, if any."""
        return self.document or self.photo

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent it."""
        return bool(self.sender.get("is_bot"))

    def callback_data(self) -> list[str]:
        """The callback_data of every inline button currently on the message."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    def record(self) -> dict[str, Any]:
        """Every field, as the journal keeps it (a file by its whole description)."""
        fields = {**self.__dict__}
        fields["document"] = None if self.document is None else self.document.record()
        fields["photo"] = None if self.photo is None else self.photo.record()
        return fields

    @classmethod
    def from_record(
        cls, fields: dict[str, Any], document: StoredFile | None, photo: StoredFile | None = None
    ) -> ChatMessage:
        """The message a journal record describes, carrying `document` or `photo`."""
        return cls(**{**fields, "document": document, "photo": photo})


class Chat:
    """What every chat has: an id, messages with one id sequence, pins and a menu button."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        self.messages: OrderedDict[int, ChatMessage] = OrderedDict()
        self.last_message_id = 0
        self.pinned: list[int] = []
        self.changed = Notifier()

    @property
    def is_group(self) -> bool:
        """Whether this is a group chat."""
        return False

    def chat_json(self) -> dict[str, Any]:
        """The Chat object."""
        raise NotImplementedError

    def put(self, message: ChatMessage) -> None:
        """Add or replace a message, forgetting the oldest past the cap."""
        self.messages[message.message_id] = message
        self.last_message_id = max(self.last_message_id, message.message_id)
        while len(self.messages) > MAX_MESSAGES_PER_CHAT:
            self.messages.popitem(last=False)
        self.changed.notify()

    def message_json(self, message: ChatMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """The Message object, with only the fields Telegram would send."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": message.sender,
            "chat": self.chat_json(),
            "date": message.date,
        }
        if message.forward_origin is not None:
            body["forward_origin"] = message.forward_origin
        replied = self.messages.get(message.reply_to) if message.reply_to else None
        if with_reply and replied is not None:
            # As on Telegram, the quoted message carries no reply of its own.
            body["reply_to_message"] = self.message_json(replied, with_reply=False)
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.protected:
            body["has_protected_content"] = True
        if message.media is not None:
            if message.document is not None:
                body["document"] = message.document.document_json()
            else:
                assert message.photo is not None
                body["photo"] = message.photo.photo_json()
            if message.text:
                body["caption"] = message.text
            if message.entities:
                body["caption_entities"] = message.entities
        else:
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
            if message.link_preview:
                body["link_preview_options"] = message.link_preview
        if message.reply_markup is not None:
            body["reply_markup"] = message.reply_markup
        return body


class PrivateChat(Chat):
    """A private chat between one user and the bot; chat id == user id."""

    def __init__(self, user_id: int, first_name: str) -> None:
        super().__init__(user_id)
        self.user_id = user_id
        self.first_name = first_name
        self.blocked = False
        # Telegram lets a bot write only to people who have written to it first.
        self.started = False

    def chat_json(self) -> dict[str, Any]:
        """The Chat object."""
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}

    def user_json(self) -> dict[str, Any]:
        """The User object of the person in this chat."""
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "en",
        }

    def record(self) -> dict[str, Any]:
        """The chat's own state (not its messages), as the journal keeps it."""
        return {
            "t": "chat",
            "id": self.user_id,
            "first_name": self.first_name,
            "started": self.started,
            "blocked": self.blocked,
            "last_message_id": self.last_message_id,
        }


class GroupChat(Chat):
    """A basic group (negative id) of users, with the bot as a member unless it was removed."""

    def __init__(self, chat_id: int, title: str, member_ids: list[int]) -> None:
        super().__init__(chat_id)
        self.title = title
        self.member_ids = member_ids
        self.bot_member = True

    @property
    def is_group(self) -> bool:
        """Whether this is a group chat."""
        return True

    def chat_json(self) -> dict[str, Any]:
        """The Chat object."""
        return {"id": self.chat_id, "type": "group", "title": self.title}

    def record(self) -> dict[str, Any]:
        """The group's own state (not its messages), as the journal keeps it."""
        return {
            "t": "group",
            "id": self.chat_id,
            "title": self.title,
            "member_ids": list(self.member_ids),
            "bot_member": self.bot_member,
            "last_message_id": self.last_message_id,
        }
