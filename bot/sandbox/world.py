"""Everything the emulator remembers, changed only by applying records so a journal can replay them.

Every change method builds one record (a JSON object with a type "t"), applies it, and hands it
to the journal when there is one; replaying the same records rebuilds the same world.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from bot.sandbox.chat import Chat, ChatMessage, GroupChat, PrivateChat, StoredFile, now
from bot.sandbox.file_contents import FileContents, MemoryContents
from bot.sandbox.updates import UpdateQueue
from bot.storage.journal import Journal, Record

log = logging.getLogger(__name__)

MAX_CALLBACK_QUERIES = 10_000
MAX_FILES = 500
MAX_FILE_BYTES_TOTAL = 256 * 1024 * 1024
FILE_FIELDS = ("file_id", "file_unique_id", "file_name", "mime_type", "file_size", "file_path")
PHOTO_FIELDS = ("width", "height")
# Basic groups the client API creates get ids from here down (real ones look like this too).
FIRST_GROUP_ID = -4_000_000_001


@dataclass
class CallbackRecord:
    """A pressed inline button, waiting for answerCallbackQuery."""

    chat_id: int
    message_id: int
    answered: bool = False
    # What the bot answered: a toast, or an alert the user must dismiss when show_alert is set.
    text: str = ""
    show_alert: bool = False
    # Who pressed, when not the private chat's own user (a press in a group).
    user_id: int | None = None

    @property
    def presser(self) -> int:
        """The id of the user who pressed."""
        return self.chat_id if self.user_id is None else self.user_id


@dataclass
class WebhookState:
    """Where updates go in webhook mode, and the last delivery error."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class World:
    """Chats, pending updates, button presses, files, webhook and bot settings; for every token."""

    def __init__(self, contents: FileContents | None = None) -> None:
        self.chats: dict[int, PrivateChat] = {}
        self.groups: dict[int, GroupChat] = {}
        self.menu_buttons: dict[str, dict[str, Any]] = {}
        self.updates = UpdateQueue()
        self.callbacks: OrderedDict[str, CallbackRecord] = OrderedDict()
        self.files: OrderedDict[str, StoredFile] = OrderedDict()
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.webhook = WebhookState()
        self.contents: FileContents = contents or MemoryContents()
        self.journal: Journal | None = None
        self.closing = False
        self._file_counter = 0
        self._file_bytes = 0
        self._appliers: dict[str, Callable[[Record], None]] = {
            "chat": self._apply_chat,
            "message": self._apply_message,
            "message_deleted": self._apply_message_deleted,
            "update_queue": self._apply_update_queue,
            "update": self._apply_update,
            "updates_from": self._apply_updates_from,
            "callback": self._apply_callback,
            "webhook": self._apply_webhook,
            "commands": self._apply_commands,
            "description": self._apply_description,
            "file": self._apply_file,
            "group": self._apply_group,
            "pins": self._apply_pins,
            "menu_button": self._apply_menu_button,
        }

    # ----- records -----

    def apply(self, record: Record) -> None:
        """Make the change a record describes (live, or replaying a journal)."""
        self._appliers[record["t"]](record)

    def _change(self, record: Record) -> None:
        self.apply(record)
        if self.journal is not None:
            self.journal.append(record)

    async def saved(self) -> None:
        """Return once every change so far is durable (at once without a data folder)."""
        if self.journal is not None:
            await self.journal.saved()

    def records(self) -> Iterator[Record]:
        """Records that rebuild this world from nothing: a snapshot's content."""
        for stored in self.files.values():
            yield {"t": "file", "counter": self._file_counter, **stored.record()}
        for chat in self.chats.values():
            yield chat.record()
        for group in self.groups.values():
            yield group.record()
        for any_chat in self.all_chats():
            for message in any_chat.messages.values():
                yield {"t": "message", "chat": any_chat.chat_id, "message": message.record()}
            if any_chat.pinned:
                yield {"t": "pins", "chat": any_chat.chat_id, "pinned": any_chat.pinned}
        for key, button in self.menu_buttons.items():
            yield {"t": "menu_button", "key": key, "button": button}
        yield self.updates.record()
        for update in self.updates.pending:
            yield {"t": "update", "update": update}
        for query_id, pressed in self.callbacks.items():
            yield {"t": "callback", "id": query_id, **asdict(pressed)}
        yield {"t": "webhook", **asdict(self.webhook)}
        for key, commands in self.commands.items():
            yield {"t": "commands", "key": key, "commands": commands}
        for key, text in self.descriptions.items():
            yield {"t": "description", "key": key, "text": text}

    # ----- chats and messages -----

    def chat(self, user_id: int, first_name: str | None = None) -> PrivateChat:
        """The private chat with this user, created on first use."""
        chat = self.chats.get(user_id)
        if chat is None:
            self._change(PrivateChat(user_id, first_name or f"User {user_id}").record())
            return self.chats[user_id]
        if first_name and first_name != chat.first_name:
            self._change({**chat.record(), "first_name": first_name})
        return chat

    def start_chat(self, user_id: int, first_name: str | None = None) -> PrivateChat:
        """The chat with a person who has started the bot, so the bot may write to them."""
        chat = self.chat(user_id, first_name)
        if not chat.started:
            self._change({**chat.record(), "started": True})
        return chat

    def set_blocked(self, chat: PrivateChat, blocked: bool) -> None:
        """The person blocks or unblocks the bot."""
        self._change({**chat.record(), "blocked": blocked})

    def all_chats(self) -> Iterator[Chat]:
        """Every private chat, then every group."""
        yield from self.chats.values()
        yield from self.groups.values()

    def chat_by_id(self, chat_id: int) -> Chat | None:
        """The private chat or group with this id, if there is one."""
        return self.groups.get(chat_id) if chat_id < 0 else self.chats.get(chat_id)

    def add_message(
        self, chat: Chat, sender: dict[str, Any], text: str, **details: Any
    ) -> ChatMessage:
        """Append a message with the chat's next id."""
        message = ChatMessage(chat.last_message_id + 1, sender, now(), text, **details)
        self._change({"t": "message", "chat": chat.chat_id, "message": message.record()})
        return chat.messages[message.message_id]

    def edit_message(self, chat: Chat, message: ChatMessage, **changes: Any) -> ChatMessage:
        """Change a message's text, entities or reply markup, stamping its edit date."""
        return self.update_message(chat, message, **changes, edit_date=now())

    def update_message(self, chat: Chat, message: ChatMessage, **changes: Any) -> ChatMessage:
        """Change a message without it counting as an edit (reactions)."""
        fields = {**message.record(), **changes}
        self._change({"t": "message", "chat": chat.chat_id, "message": fields})
        return chat.messages[message.message_id]

    def delete_message(self, chat: Chat, message_id: int) -> bool:
        """Delete a message; False when the chat has no such message."""
        if message_id not in chat.messages:
            return False
        self._change({"t": "message_deleted", "chat": chat.chat_id, "message_id": message_id})
        if message_id in chat.pinned:
            self.set_pins(chat, [m for m in chat.pinned if m != message_id])
        return True

    def set_pins(self, chat: Chat, pinned: list[int]) -> None:
        """The chat's pinned message ids, the most recent last."""
        self._change({"t": "pins", "chat": chat.chat_id, "pinned": pinned})

    def set_menu_button(self, key: str, button: dict[str, Any] | None) -> None:
        """The menu button of one private chat ("chat:<id>") or the default ("default")."""
        self._change({"t": "menu_button", "key": key, "button": button})

    def add_group(self, title: str, member_ids: list[int], chat_id: int | None = None) -> GroupChat:
        """A new group of these users (created as users if new), the bot a member."""
        for user_id in member_ids:
            self.chat(user_id)
        if chat_id is None:
            chat_id = min([FIRST_GROUP_ID + 1, *self.groups]) - 1
        group = GroupChat(chat_id, title, list(member_ids))
        self._change(group.record())
        return self.groups[chat_id]

    def set_bot_member(self, group: GroupChat, member: bool) -> None:
        """The bot is added to or removed from a group."""
        self._change({**group.record(), "bot_member": member})

    def _apply_group(self, record: Record) -> None:
        group = self.groups.get(record["id"])
        if group is None:
            group = self.groups[record["id"]] = GroupChat(record["id"], record["title"], [])
        group.title = record["title"]
        group.member_ids = list(record["member_ids"])
        group.bot_member = bool(record["bot_member"])
        group.last_message_id = max(group.last_message_id, record["last_message_id"])

    def _apply_pins(self, record: Record) -> None:
        chat = self._chat_of(record["chat"])
        chat.pinned = list(record["pinned"])
        chat.changed.notify()

    def _apply_menu_button(self, record: Record) -> None:
        if record["button"] is None:
            self.menu_buttons.pop(record["key"], None)
        else:
            self.menu_buttons[record["key"]] = record["button"]

    def _chat_of(self, chat_id: int) -> Chat:
        chat = self.chat_by_id(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}")
        return chat

    def _apply_chat(self, record: Record) -> None:
        chat = self.chats.get(record["id"])
        if chat is None:
            chat = self.chats[record["id"]] = PrivateChat(record["id"], record["first_name"])
        chat.first_name = record["first_name"]
        chat.started = bool(record["started"])
        chat.blocked = bool(record["blocked"])
        chat.last_message_id = max(chat.last_message_id, record["last_message_id"])

    def _apply_message(self, record: Record) -> None:
        fields = record["message"]
        document, photo = self._stored(fields["document"]), self._stored(fields.get("photo"))
        self._chat_of(record["chat"]).put(ChatMessage.from_record(fields, document, photo))

    def _stored(self, described: dict[str, Any] | None) -> StoredFile | None:
        if described is None:
            return None
        return self.files.get(described["file_id"]) or StoredFile(**described)

    def _apply_message_deleted(self, record: Record) -> None:
        chat = self._chat_of(record["chat"])
        chat.messages.pop(record["message_id"], None)
        chat.changed.notify()

    # ----- updates -----

    def push_update(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update of this kind unless the bot did not ask for it."""
        if self.updates.is_allowed(kind):
            update = {"update_id": self.updates.next_update_id, kind: payload}
            self._change({"t": "update", "update": update})

    def confirm_updates(self, offset: int) -> None:
        """Drop updates below a getUpdates offset (negative: keep only the last -offset)."""
        self._drop_updates_below(self.updates.first_kept(offset))

    def drop_updates(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        self._drop_updates_below(self.updates.next_update_id)

    def delivered(self, update: dict[str, Any]) -> None:
        """The webhook took this update; forget it if it is still the first pending one."""
        if self.updates.pending and self.updates.pending[0] is update:
            self._drop_updates_below(update["update_id"] + 1)

    def _drop_updates_below(self, update_id: int) -> None:
        pending = self.updates.pending
        if pending and pending[0]["update_id"] < update_id:
            self._change({"t": "updates_from", "update_id": update_id})

    def allow_updates(self, kinds: list[str]) -> None:
        """The update kinds the bot asked for (allowed_updates); empty means the defaults."""
        self._change({**self.updates.record(), "allowed": sorted(set(kinds))})

    def _apply_update_queue(self, record: Record) -> None:
        queue = self.updates
        queue.next_update_id = max(queue.next_update_id, record["next_update_id"])
        allowed = record["allowed"]
        queue.allowed = None if allowed is None else frozenset(allowed)

    def _apply_update(self, record: Record) -> None:
        self.updates.append(record["update"])

    def _apply_updates_from(self, record: Record) -> None:
        self.updates.drop_below(record["update_id"])

    # ----- button presses -----

    def add_callback(self, chat_id: int, message_id: int, user_id: int | None = None) -> str:
        """Record a button press and return its new callback query id."""
        query_id = str(secrets.randbits(63))
        record = {"t": "callback", "id": query_id, "chat_id": chat_id, "message_id": message_id}
        if user_id is not None and user_id != chat_id:
            record["user_id"] = user_id
        self._change(record)
        return query_id

    def answer_callback(self, query_id: str, text: str = "", show_alert: bool = False) -> None:
        """Mark a button press as answered, with the text (and alert flag) the bot gave."""
        pressed = self.callbacks[query_id]
        answer = {"answered": True, "text": text, "show_alert": show_alert}
        self._change({"t": "callback", "id": query_id, **asdict(pressed), **answer})

    def _apply_callback(self, record: Record) -> None:
        pressed = self.callbacks.get(record["id"])
        if pressed is not None:
            pressed.answered = bool(record.get("answered"))
            pressed.text = str(record.get("text", ""))
            pressed.show_alert = bool(record.get("show_alert"))
            return
        self.callbacks[record["id"]] = CallbackRecord(
            record["chat_id"],
            record["message_id"],
            bool(record.get("answered")),
            str(record.get("text", "")),
            bool(record.get("show_alert")),
            record.get("user_id"),
        )
        while len(self.callbacks) > MAX_CALLBACK_QUERIES:
            self.callbacks.popitem(last=False)

    # ----- webhook and bot settings -----

    def set_webhook(self, url: str, secret_token: str | None, max_connections: int) -> None:
        """Deliver updates to `url` from now on, with no delivery error yet."""
        self._change({"t": "webhook", **asdict(WebhookState(url, secret_token, max_connections))})

    def delete_webhook(self) -> None:
        """Back to getUpdates mode."""
        self._change({"t": "webhook", **asdict(self.webhook), "url": "", "secret_token": None})

    def webhook_failed(self, problem: str) -> None:
        """Remember the last delivery error, as getWebhookInfo reports it."""
        hook = {**asdict(self.webhook), "last_error_date": now(), "last_error_message": problem}
        self._change({"t": "webhook", **hook})

    def _apply_webhook(self, record: Record) -> None:
        # In place: the webhook sender holds this object while it delivers.
        for name in asdict(self.webhook):
            setattr(self.webhook, name, record[name])

    def set_commands(self, key: str, commands: list[dict[str, str]] | None) -> None:
        """Set (or with None delete) the command list of one scope and language."""
        self._change({"t": "commands", "key": key, "commands": commands})

    def set_description(self, key: str, text: str) -> None:
        """Set a description or short description of one language."""
        self._change({"t": "description", "key": key, "text": text})

    def _apply_commands(self, record: Record) -> None:
        if record["commands"] is None:
            self.commands.pop(record["key"], None)
        else:
            self.commands[record["key"]] = record["commands"]

    def _apply_description(self, record: Record) -> None:
        self.descriptions[record["key"]] = record["text"]

    # ----- files -----

    async def store_file(
        self, data: bytes, file_name: str, mime_type: str, size: tuple[int, int] | None = None
    ) -> StoredFile:
        """Keep an upload (a photo when `size` is given), forgetting the oldest past the caps."""
        unique_id = f"AgAD{secrets.token_urlsafe(9)}"
        await self.contents.put(unique_id, data)
        counter = self._file_counter + 1
        suffix = file_name.rsplit(".", 1)[1] if "." in file_name else ""
        safe_suffix = "".join(c for c in suffix if c.isalnum())[:10]
        folder, prefix = ("photos", "AgACAgIAAx") if size else ("documents", "BQACAgIAAx")
        stored = StoredFile(
            file_id=f"{prefix}{secrets.token_urlsafe(24)}",
            file_unique_id=unique_id,
            file_name=file_name,
            mime_type=mime_type,
            file_size=len(data),
            file_path=f"{folder}/file_{counter}" + (f".{safe_suffix}" if safe_suffix else ""),
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self._change({"t": "file", "counter": counter, **stored.record()})
        return self.files[stored.file_id]

    async def file_data(self, stored: StoredFile) -> bytes | None:
        """A file's bytes, or None when they are gone."""
        return await self.contents.get(stored.file_unique_id)

    def forget_files_without_contents(self) -> None:
        """After a replay: drop files whose bytes are gone, and bytes no file describes."""
        for stored in list(self.files.values()):
            if not self.contents.has(stored.file_unique_id):
                log.warning("The emulator lost the bytes of %s; it is forgotten.", stored.file_name)
                self._forget_file(stored)
        self.contents.keep_only({stored.file_unique_id for stored in self.files.values()})

    def _apply_file(self, record: Record) -> None:
        fields: dict[str, Any] = {name: record[name] for name in FILE_FIELDS}
        fields.update({name: record.get(name) for name in PHOTO_FIELDS})
        stored = StoredFile(**fields)
        self._file_counter = max(self._file_counter, record["counter"])
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        self._file_bytes += stored.file_size
        while len(self.files) > MAX_FILES or (
            self._file_bytes > MAX_FILE_BYTES_TOTAL and len(self.files) > 1
        ):
            oldest = next(iter(self.files.values()))
            self._forget_file(oldest)
            self.contents.discard(oldest.file_unique_id)

    def _forget_file(self, stored: StoredFile) -> None:
        del self.files[stored.file_id]
        self.files_by_path.pop(stored.file_path, None)
        self._file_bytes -= stored.file_size

    # ----- shutting down -----

    def close(self) -> None:
        """Wake every long-polling waiter so it answers now (server shutting down)."""
        self.closing = True
        self.updates.arrived.notify()
        for chat in self.all_chats():
            chat.changed.notify()
