"""The emulator's in-memory world: private chats, their messages, pending updates, files."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGES_PER_CHAT = 1_000
MAX_PENDING_UPDATES = 10_000
MAX_CALLBACK_QUERIES = 10_000
MAX_FILES = 500
MAX_FILE_BYTES_TOTAL = 256 * 1024 * 1024
# Telegram's defaults: every update type except these three when allowed_updates is empty.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


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
    """An uploaded file, downloadable by its file_path."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes
    file_path: str

    def document_json(self) -> dict[str, Any]:
        """The Document object Telegram returns for it."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }

    def file_json(self) -> dict[str, Any]:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class ChatMessage:
    """One message in a private chat, from the user or from the bot."""

    message_id: int
    sender: dict[str, Any]
    date: int
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    edit_date: int | None = None

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent it."""
        return bool(self.sender.get("is_bot"))

    def callback_data(self) -> list[str]:
        """The callback_data of every inline button currently on the message."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


class PrivateChat:
    """A private chat between one user and the bot; chat id == user id."""

    def __init__(self, user_id: int, first_name: str) -> None:
        self.user_id = user_id
        self.first_name = first_name
        self.messages: OrderedDict[int, ChatMessage] = OrderedDict()
        self.last_message_id = 0
        self.blocked = False
        # Telegram lets a bot write only to people who have written to it first.
        self.started = False
        self.changed = Notifier()

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

    def add(self, sender: dict[str, Any], text: str, **details: Any) -> ChatMessage:
        """Append a message with the next id of the chat, forgetting the oldest past the cap."""
        self.last_message_id += 1
        message = ChatMessage(self.last_message_id, sender, now(), text, **details)
        self.messages[message.message_id] = message
        while len(self.messages) > MAX_MESSAGES_PER_CHAT:
            self.messages.popitem(last=False)
        self.changed.notify()
        return message

    def message_json(self, message: ChatMessage) -> dict[str, Any]:
        """The Message object, with only the fields Telegram would send."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": message.sender,
            "chat": self.chat_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.document is not None:
            body["document"] = message.document.document_json()
            if message.text:
                body["caption"] = message.text
            if message.entities:
                body["caption_entities"] = message.entities
        else:
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
        if message.reply_markup is not None:
            body["reply_markup"] = message.reply_markup
        return body


class UpdateQueue:
    """Updates waiting for the bot, in order, until confirmed by a getUpdates offset."""

    def __init__(self) -> None:
        self.pending: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.allowed: frozenset[str] | None = None
        self.arrived = Notifier()

    def is_allowed(self, kind: str) -> bool:
        """Whether the bot asked for updates of this kind (allowed_updates)."""
        if not self.allowed:
            return kind not in NOT_SENT_BY_DEFAULT
        return kind in self.allowed

    def push(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update of this kind unless the bot did not ask for it."""
        if not self.is_allowed(kind):
            return
        self.pending.append({"update_id": self.next_update_id, kind: payload})
        self.next_update_id += 1
        while len(self.pending) > MAX_PENDING_UPDATES:
            self.pending.popleft()
        self.arrived.notify()

    def confirm(self, offset: int) -> None:
        """Drop updates below offset; a negative offset keeps only the last -offset ones."""
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft()
            return
        while self.pending and self.pending[0]["update_id"] < offset:
            self.pending.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` pending updates (they stay until confirmed)."""
        return [self.pending[i] for i in range(min(limit, len(self.pending)))]

    def drop_all(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        self.pending.clear()


@dataclass
class CallbackRecord:
    """A pressed inline button, waiting for answerCallbackQuery."""

    chat_id: int
    message_id: int
    answered: bool = False


@dataclass
class WebhookState:
    """Where updates go in webhook mode, and the last delivery error."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class World:
    """Everything the emulator remembers; shared by every bot token."""

    def __init__(self) -> None:
        self.chats: dict[int, PrivateChat] = {}
        self.updates = UpdateQueue()
        self.callbacks: OrderedDict[str, CallbackRecord] = OrderedDict()
        self.files: OrderedDict[str, StoredFile] = OrderedDict()
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.webhook = WebhookState()
        self.closing = False
        self._file_counter = 0

    def chat(self, user_id: int, first_name: str | None = None) -> PrivateChat:
        """The private chat with this user, created on first use."""
        chat = self.chats.get(user_id)
        if chat is None:
            chat = PrivateChat(user_id, first_name or f"User {user_id}")
            self.chats[user_id] = chat
        elif first_name:
            chat.first_name = first_name
        return chat

    def start_chat(self, user_id: int, first_name: str | None = None) -> PrivateChat:
        """The chat with a person who has started the bot, so the bot may write to them."""
        chat = self.chat(user_id, first_name)
        chat.started = True
        return chat

    def add_callback(self, chat_id: int, message_id: int) -> str:
        """Record a button press and return its new callback query id."""
        query_id = str(secrets.randbits(63))
        self.callbacks[query_id] = CallbackRecord(chat_id, message_id)
        while len(self.callbacks) > MAX_CALLBACK_QUERIES:
            self.callbacks.popitem(last=False)
        return query_id

    def store_file(self, data: bytes, file_name: str, mime_type: str) -> StoredFile:
        """Keep an upload, forgetting the oldest files past the count and size caps."""
        self._file_counter += 1
        suffix = file_name.rsplit(".", 1)[1] if "." in file_name else ""
        safe_suffix = "".join(c for c in suffix if c.isalnum())[:10]
        path = f"documents/file_{self._file_counter}" + (f".{safe_suffix}" if safe_suffix else "")
        stored = StoredFile(
            file_id=f"BQACAgIAAx{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{secrets.token_urlsafe(9)}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
            file_path=path,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        total = sum(len(f.data) for f in self.files.values())
        while len(self.files) > MAX_FILES or (total > MAX_FILE_BYTES_TOTAL and len(self.files) > 1):
            _, oldest = self.files.popitem(last=False)
            self.files_by_path.pop(oldest.file_path, None)
            total -= len(oldest.data)
        return stored

    def close(self) -> None:
        """Wake every long-polling waiter so it answers now (server shutting down)."""
        self.closing = True
        self.updates.arrived.notify()
        for chat in self.chats.values():
            chat.changed.notify()
