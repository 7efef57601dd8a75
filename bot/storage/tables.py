"""One TinyDB file holding one table of one record type, used under its lock off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from bot.storage.durable import StorageCorruptError, exclusive, open_database
from bot.storage.records import Record

R = TypeVar("R", bound=Record)
T = TypeVar("T")


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
                try:
                    self.kind.from_document(dict(document))
                except ValueError as error:
                    raise StorageCorruptError(
                        self.path, f"record {document.doc_id} is not a valid {self.what}: {error}"
                    ) from None

    @property
    def what(self) -> str:
        """The record type's name in words, for messages."""
        return self.kind.__name__.lower()

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
