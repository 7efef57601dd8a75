"""The bot's records behind named async methods; the only module that queries TinyDB."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from bot.storage import exclusive, json_copy, open_database

T = TypeVar("T")

QUESTION_LOG_CAP = 5000
MAX_QUESTION_CHARS = 1000
KEPT_CANDIDATES = 3
CALL_STATE_ID = 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_id(value: object, what: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        raise ValueError(f"{what} must be a non-zero integer Telegram id, not {value!r}.")
    if positive and value < 0:
        raise ValueError(f"{what} must be a positive Telegram user id, not {value}.")
    return value


def _check_mapping(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a dict, not {type(value).__name__}.")
    copied: dict[str, Any] = json_copy(value, what)
    return copied


def _put(table: Table, doc_id: int, record: dict[str, Any]) -> None:
    """Insert or replace one document in a single durable write."""

    def replace(document: MutableMapping[str, Any]) -> None:
        document.clear()
        document.update(record)

    if table.contains(doc_id=doc_id):
        table.update(replace, doc_ids=[doc_id])
    else:
        table.insert(Document(record, doc_id=doc_id))


def _get(table: Table, doc_id: int) -> dict[str, Any] | None:
    document = table.get(doc_id=doc_id)
    return None if document is None else json_copy(document, "a stored record")


def _remove(table: Table, doc_id: int) -> bool:
    if not table.contains(doc_id=doc_id):
        return False
    table.remove(doc_ids=[doc_id])
    return True


@dataclass(frozen=True)
class _File:
    database: TinyDB
    table: Table


class Store:
    """Registrations, subscribers, chat reachability, the question log and the call state."""

    def __init__(self, data_dir: Path, *, question_log_cap: int = QUESTION_LOG_CAP) -> None:
        if question_log_cap < 1:
            raise ValueError(f"question_log_cap must be at least 1, not {question_log_cap}.")
        self.data_dir = Path(data_dir)
        self._question_log_cap = question_log_cap
        self._files: list[_File] = []
        self._registrations = self._open("registrations")
        self._subscribers = self._open("subscribers")
        self._chats = self._open("chats")
        self._questions = self._open("questions")
        self._call = self._open("call")
        self._call_state: dict[str, Any] | None = None
        self._closed = False

    def _open(self, name: str) -> _File:
        try:
            database = open_database(self.data_dir / f"{name}.json")
        except BaseException:
            for opened in self._files:
                opened.database.close()
            raise
        file = _File(database, database.table(name))
        self._files.append(file)
        return file

    async def _run(self, file: _File, operation: Callable[[Table], T]) -> T:
        if self._closed:
            raise RuntimeError("the store is closed; build a new Store to read or write data")
        return await asyncio.to_thread(self._locked, file, operation)

    @staticmethod
    def _locked(file: _File, operation: Callable[[Table], T]) -> T:
        with exclusive(file.database):
            return operation(file.table)

    async def close(self) -> None:
        """Wait for running writes, then release the files; later calls raise RuntimeError."""
        if self._closed:
            return
        self._closed = True
        for file in self._files:
            await asyncio.to_thread(self._locked, file, lambda _table: None)
            file.database.close()

    # Registrations, keyed by Telegram user id.

    async def save_registration(self, user_id: int, record: dict[str, Any]) -> None:
        """Create or replace the user's registration with `record` (plus its user_id)."""
        _check_id(user_id, "user_id", positive=True)
        stored = _check_mapping(record, f"the registration of user {user_id}")
        stored["user_id"] = user_id
        await self._run(self._registrations, lambda table: _put(table, user_id, stored))

    async def get_registration(self, user_id: int) -> dict[str, Any] | None:
        """The user's registration, or None."""
        _check_id(user_id, "user_id", positive=True)
        return await self._run(self._registrations, lambda table: _get(table, user_id))

    async def all_registrations(self) -> list[dict[str, Any]]:
        """Every registration, oldest user id first."""

        def read(table: Table) -> list[dict[str, Any]]:
            return json_copy(sorted(table.all(), key=lambda doc: doc.doc_id), "registrations")

        return await self._run(self._registrations, read)

    async def delete_registration(self, user_id: int) -> bool:
        """Delete the user's registration; False if there was none."""
        _check_id(user_id, "user_id", positive=True)
        return await self._run(self._registrations, lambda table: _remove(table, user_id))

    async def count_registrations(self) -> int:
        """How many registrations are stored."""
        return await self._run(self._registrations, len)

    # Subscribers: consent to news and reminders, with the time it was given.

    async def add_subscriber(self, chat_id: int) -> bool:
        """Record consent for the chat; False if it was already subscribed."""
        _check_id(chat_id, "chat_id", positive=False)

        def add(table: Table) -> bool:
            if table.contains(doc_id=chat_id):
                return False
            table.insert(Document({"chat_id": chat_id, "consented_at": _now()}, doc_id=chat_id))
            return True

        return await self._run(self._subscribers, add)

    async def remove_subscriber(self, chat_id: int) -> bool:
        """Withdraw the chat's consent; False if it was not subscribed."""
        _check_id(chat_id, "chat_id", positive=False)
        return await self._run(self._subscribers, lambda table: _remove(table, chat_id))

    async def is_subscriber(self, chat_id: int) -> bool:
        """Whether the chat has consented (blocked or not)."""
        _check_id(chat_id, "chat_id", positive=False)
        return await self._run(self._subscribers, lambda table: table.contains(doc_id=chat_id))

    async def active_subscribers(self) -> list[int]:
        """Subscribed chats that have not blocked the bot, in ascending id order."""
        subscribed = await self._run(
            self._subscribers, lambda table: [doc.doc_id for doc in table.all()]
        )
        blocked = await self._run(
            self._chats, lambda table: {doc.doc_id for doc in table.all() if doc.get("blocked")}
        )
        return sorted(chat_id for chat_id in subscribed if chat_id not in blocked)

    # Chat reachability: a blocked chat keeps its data but gets no messages.

    async def _set_blocked(self, chat_id: int, blocked: bool) -> None:
        _check_id(chat_id, "chat_id", positive=False)
        record = {"chat_id": chat_id, "blocked": blocked, "changed_at": _now()}
        await self._run(self._chats, lambda table: _put(table, chat_id, record))

    async def mark_chat_blocked(self, chat_id: int) -> None:
        """The chat blocked or removed the bot: stop sending to it."""
        await self._set_blocked(chat_id, True)

    async def mark_chat_reachable(self, chat_id: int) -> None:
        """The chat (re)allowed the bot: sending may resume."""
        await self._set_blocked(chat_id, False)

    async def is_chat_blocked(self, chat_id: int) -> bool:
        """Whether the chat has blocked the bot."""
        _check_id(chat_id, "chat_id", positive=False)
        record = await self._run(self._chats, lambda table: _get(table, chat_id))
        return bool(record and record.get("blocked"))

    # FAQ questions the bot could not answer (no user id is kept).

    async def log_unanswered_question(
        self, question: str, decision: str, candidates: Sequence[tuple[str, float]]
    ) -> None:
        """Log a question with the matcher's decision and best candidates, capped in size."""
        if not isinstance(question, str) or not isinstance(decision, str):
            raise ValueError("question and decision must be strings.")
        entry = {
            "question": question[:MAX_QUESTION_CHARS],
            "decision": decision,
            "candidates": [
                [str(entry_id), round(float(score), 2)]
                for entry_id, score in list(candidates)[:KEPT_CANDIDATES]
            ],
            "asked_at": _now(),
        }
        cap = self._question_log_cap
        # Trimming in batches keeps most inserts to a single write.
        slack = max(1, cap // 50)

        def append(table: Table) -> None:
            table.insert(entry)
            if len(table) > cap + slack:
                ids = sorted(doc.doc_id for doc in table)
                table.remove(doc_ids=ids[: len(ids) - cap])

        await self._run(self._questions, append)

    async def unanswered_questions(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest logged questions first, at most `limit`."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"limit must be a non-negative integer, not {limit!r}.")

        def newest(table: Table) -> list[dict[str, Any]]:
            documents = sorted(table.all(), key=lambda doc: doc.doc_id, reverse=True)[:limit]
            return json_copy(documents, "logged questions")

        rows = await self._run(self._questions, newest)
        for row in rows:
            row["candidates"] = [(entry_id, score) for entry_id, score in row["candidates"]]
        return rows

    # Call state set by staff.

    async def get_call_state(self) -> dict[str, Any]:
        """The staff-set call state, or an empty dict."""
        # Read on every FAQ answer; this Store is the file's only writer, so memory stays true.
        if self._call_state is None:
            state = await self._run(self._call, lambda table: _get(table, CALL_STATE_ID))
            self._call_state = state or {}
        return copy.deepcopy(self._call_state)

    async def save_call_state(self, state: dict[str, Any]) -> None:
        """Replace the call state."""
        stored = _check_mapping(state, "the call state")
        self._call_state = None
        await self._run(self._call, lambda table: _put(table, CALL_STATE_ID, stored))
        self._call_state = copy.deepcopy(stored)

    # Personal data (the user's private chat id equals their user id).

    async def export_user_data(self, user_id: int) -> dict[str, Any]:
        """Everything this store keeps about the user."""
        _check_id(user_id, "user_id", positive=True)
        return {
            "user_id": user_id,
            "registration": await self.get_registration(user_id),
            "subscription": await self._run(self._subscribers, lambda table: _get(table, user_id)),
            "chat": await self._run(self._chats, lambda table: _get(table, user_id)),
        }

    async def erase_user_data(self, user_id: int) -> None:
        """Delete the user's registration, subscription and chat record."""
        _check_id(user_id, "user_id", positive=True)
        for file in (self._registrations, self._subscribers, self._chats):
            await self._run(file, lambda table: _remove(table, user_id))
