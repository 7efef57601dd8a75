"""One TinyDB file holding one table of one record type, used under its lock off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from bot.storage.durable import (
    StorageCorruptError,
    exclusive,
    open_database,
    read_without_writing,
)
from bot.storage.records import Record

R = TypeVar("R", bound=Record)
T = TypeVar("T")


def checked_record(path: Path, kind: type[R], doc_id: object, document: dict[str, Any]) -> R:
    """The record a stored document holds; StorageCorruptError names the file and record."""
    try:
        return kind.from_document(document)
    except ValueError as error:
        raise StorageCorruptError(
            path, f"record {doc_id} is not a valid {kind.label}: {error}"
        ) from None


def read_records(path: Path, name: str, kind: type[R]) -> list[R]:
    """Every record of a table, read without opening the file for writing (ascending id)."""
    table = read_without_writing(path).get(name, {})
    if not isinstance(table, dict):
        raise StorageCorruptError(path, f"table {name!r} is not an object")
    ordered = sorted(table.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 0)
    return [checked_record(path, kind, doc_id, document) for doc_id, document in ordered]


@dataclass(frozen=True)
class RecordTable(Generic[R]):
    """A table of `kind` records in its own durable file."""

    database: TinyDB
    table: Table
    kind: type[R]
    path: Path

    @classmethod
    def open(cls, path: Path, name: str, kind: type[R]) -> RecordTable[R]:
        """Open the file and check every record in it; StorageCorruptError names a bad one."""
        database = open_database(path)
        opened = cls(database, database.table(name), kind, path)
        try:
            opened._check_every_record()
        except BaseException:
            database.close()
            raise
        return opened

    def _check_every_record(self) -> None:
        with exclusive(self.database):
            for document in self.table.all():
                checked_record(self.path, self.kind, document.doc_id, dict(document))

    async def run(self, operation: Callable[[Table], T]) -> T:
        """Run `operation` on the table in a worker thread, holding the file's lock."""
        return await asyncio.to_thread(self._locked, operation)

    def _locked(self, operation: Callable[[Table], T]) -> T:
        with exclusive(self.database):
            return operation(self.table)

    def put(self, table: Table, doc_id: int, record: R) -> None:
        """Insert or replace one record in a single durable write."""
        document = record.to_document()

        def replace(stored: MutableMapping[str, Any]) -> None:
            stored.clear()
            stored.update(document)

        if table.contains(doc_id=doc_id):
            table.update(replace, doc_ids=[doc_id])
        else:
            table.insert(Document(document, doc_id=doc_id))

    def get(self, table: Table, doc_id: int) -> R | None:
        """The record with this id, or None."""
        document = table.get(doc_id=doc_id)
        return None if document is None else self.kind.from_document(dict(document))

    def all(self, table: Table) -> list[R]:
        """Every record, in ascending id order."""
        documents = sorted(table.all(), key=lambda doc: doc.doc_id)
        return [self.kind.from_document(dict(doc)) for doc in documents]

    def read_all_now(self) -> list[R]:
        """Every record, read on the calling thread under the lock (for start-up, not the loop)."""
        return self._locked(self.all)

    @staticmethod
    def remove(table: Table, doc_id: int) -> bool:
        """Delete the record with this id; False if there was none."""
        if not table.contains(doc_id=doc_id):
            return False
        table.remove(doc_ids=[doc_id])
        return True

    async def close(self) -> None:
        """Wait for a running operation, then release the file."""
        await self.run(lambda _table: None)
        self.database.close()
