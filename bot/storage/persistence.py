"""python-telegram-bot persistence kept in one durable JSON file, written on every update."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from telegram.ext import BasePersistence, PersistenceInput

from bot.storage.durable import DurableJSONStorage, StorageCorruptError, encode_json, json_copy
from bot.storage.persistence_check import check_bot_values

# The same shapes as telegram.ext's private type aliases.
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
Sections = dict[str, Any]
EMPTY_JSON = b"{}"


def encode_conversation_key(key: ConversationKey) -> str:
    """A conversation key tuple as a JSON-array string, e.g. (1, 2) -> "[1,2]"."""
    return orjson.dumps(list(key)).decode()


def decode_conversation_key(text: str) -> ConversationKey:
    """The tuple a JSON-array string encodes."""
    return tuple(orjson.loads(text))


def _integer_key(key: str) -> bool:
    try:
        int(key)
    except ValueError:
        return False
    return True


def _conversation_key(key: str) -> bool:
    try:
        decoded = orjson.loads(key)
    except orjson.JSONDecodeError:
        return False
    return isinstance(decoded, list) and all(isinstance(part, int | str) for part in decoded)


def check_sections(path: Path, data: Sections) -> None:
    """Refuse, before PTB reads it, a file whose sections PTB could not take back."""
    for section in ("user_data", "chat_data"):
        entries = data.get(section, {})
        for key, value in entries.items():
            if not _integer_key(key):
                raise StorageCorruptError(
                    path, f"{section} has the key {key!r}, which is not a numeric Telegram id"
                )
            if not isinstance(value, dict):
                raise StorageCorruptError(path, f"{section} for {key} is not an object")
    conversations = data.get("conversations", {})
    if not isinstance(conversations, dict):
        raise StorageCorruptError(path, "conversations is not an object")
    for name, states in conversations.items():
        if not isinstance(states, dict):
            raise StorageCorruptError(path, f"conversation {name!r} is not an object")
        for key in states:
            if not _conversation_key(key):
                raise StorageCorruptError(
                    path, f"conversation {name!r} has the key {key!r}, which is not a JSON array"
                )
    callback = data.get("callback_data")
    if callback and not (
        isinstance(callback, dict)
        and isinstance(callback.get("buttons"), list)
        and isinstance(callback.get("mapping"), dict)
    ):
        raise StorageCorruptError(path, "callback_data is not an object with buttons and mapping")


class StorePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB persistence on DurableJSONStorage; each update_*/drop_* call is written at once."""

    def __init__(
        self,
        path: Path,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
    ) -> None:
        super().__init__(store_data=store_data, update_interval=update_interval)
        self.path = Path(path)
        self._storage = DurableJSONStorage(self.path)
        with self._storage.lock:
            opened = self._storage.read() or {}
            check_sections(self.path, opened)
            check_bot_values(self.path, opened)
        # Per keyed section, the JSON of each entry as the file holds it (once the section is read).
        self._known: dict[str, dict[str, bytes]] = {}

    def _read_now(self, reader: Callable[[Sections], Any]) -> Any:
        with self._storage.lock:
            return json_copy(reader(self._storage.read() or {}), f"data in {self.path}")

    async def _read(self, reader: Callable[[Sections], Any]) -> Any:
        return await asyncio.to_thread(self._read_now, reader)

    def _change_now(self, change: Callable[[Sections], None]) -> None:
        with self._storage.lock:
            try:
                data = self._storage.read() or {}
                change(data)
                self._storage.write(data)
            except BaseException:
                self._storage.invalidate()
                raise

    async def _change(self, change: Callable[[Sections], None]) -> None:
        await asyncio.to_thread(self._change_now, change)

    async def _set_entry(self, section: str, key: str, value: Any) -> None:
        encoded = encode_json(value, f"{section} for {key}")
        if section in self._known:
            # PTB hands over every active user's and chat's data each second, changed or not:
            # write only changes, and keep no entry at all for people with nothing stored.
            known = self._known[section]
            if encoded == known.get(key, EMPTY_JSON):
                return
            if encoded == EMPTY_JSON:
                await self._drop_entry(section, key)
                return
        stored = orjson.loads(encoded)

        def change(data: Sections) -> None:
            data.setdefault(section, {})[key] = stored

        await self._change(change)
        if section in self._known:
            self._known[section][key] = encoded

    async def _drop_entry(self, section: str, key: str) -> None:
        def change(data: Sections) -> None:
            data.get(section, {}).pop(key, None)

        await self._change(change)
        self._known.get(section, {}).pop(key, None)

    async def _read_section(self, section: str) -> dict[str, Any]:
        """A keyed section, remembering what the file holds so unchanged data is not rewritten."""
        stored: dict[str, Any] = await self._read(lambda data: data.get(section, {}))
        self._known[section] = {
            key: encode_json(value, f"{section} for {key}") for key, value in stored.items()
        }
        return stored

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        """Every stored user_data, keyed by user id."""
        stored = await self._read_section("user_data")
        return {int(user_id): value for user_id, value in stored.items()}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        """Every stored chat_data, keyed by chat id."""
        stored = await self._read_section("chat_data")
        return {int(chat_id): value for chat_id, value in stored.items()}

    async def get_bot_data(self) -> dict[Any, Any]:
        """The stored bot_data, or an empty dict."""
        stored: dict[Any, Any] = await self._read(lambda data: data.get("bot_data", {}))
        return stored

    async def get_callback_data(self) -> CDCData | None:
        """The stored callback-data cache, or None."""
        stored = await self._read(lambda data: data.get("callback_data"))
        if not stored:
            return None
        buttons = [
            (str(uuid), float(when), dict(keyboard)) for uuid, when, keyboard in stored["buttons"]
        ]
        return buttons, dict(stored["mapping"])

    async def get_conversations(self, name: str) -> ConversationDict:
        """The states of the named conversation handler, keyed by tuple."""
        stored = await self._read(lambda data: data.get("conversations", {}).get(name, {}))
        return {decode_conversation_key(key): state for key, state in stored.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Write one conversation state now; None ends the conversation."""
        encoded = encode_conversation_key(key)
        if new_state is None:

            def end(data: Sections) -> None:
                data.get("conversations", {}).get(name, {}).pop(encoded, None)

            await self._change(end)
            return
        state = json_copy(new_state, f"the state of conversation {name!r} {encoded}")

        def change(data: Sections) -> None:
            data.setdefault("conversations", {}).setdefault(name, {})[encoded] = state

        await self._change(change)

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Write one user's user_data now."""
        await self._set_entry("user_data", str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Write one chat's chat_data now."""
        await self._set_entry("chat_data", str(chat_id), data)

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Write bot_data now."""
        stored = json_copy(data, "bot_data")

        def change(sections: Sections) -> None:
            sections["bot_data"] = stored

        await self._change(change)

    async def update_callback_data(self, data: CDCData) -> None:
        """Write the callback-data cache now."""
        buttons, mapping = data
        stored = json_copy({"buttons": buttons, "mapping": mapping}, "callback_data")

        def change(sections: Sections) -> None:
            sections["callback_data"] = stored

        await self._change(change)

    async def drop_chat_data(self, chat_id: int) -> None:
        """Delete one chat's chat_data."""
        await self._drop_entry("chat_data", str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        """Delete one user's user_data."""
        await self._drop_entry("user_data", str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Nothing to do: only this process changes the file."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Nothing to do: only this process changes the file."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Nothing to do: only this process changes the file."""

    async def flush(self) -> None:
        """Nothing is pending (every update was written durably); release the cache."""
        await asyncio.to_thread(self._release)

    def _release(self) -> None:
        with self._storage.lock:
            self._storage.invalidate()
