"""A durable change log in a folder: JSON lines appended with group-committed fsyncs, and snapshots.

Used by the emulator (its world) and the bot's outbox (announcements and their deliveries).

The folder holds ``snapshot.jsonl`` (a header line naming its generation G, then records that
rebuild everything) and ``journal-G.jsonl`` (the changes since that snapshot). Compaction writes
snapshot G+1 atomically, then starts journal-(G+1) and deletes journal-G, so a crash at any point
leaves exactly one consistent pair.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from bot.storage.durable import StorageError
from bot.storage.folder_lock import FolderInUseError, FolderLock

log = logging.getLogger(__name__)

Record = dict[str, Any]
SNAPSHOT_NAME = "snapshot.jsonl"
LOCK_NAME = "lock"
FORMAT = 1


class JournalCorruptError(StorageError):
    """A journal or snapshot line cannot be read; the file is left as it was.

    A StorageError, so start-up reports it as it does a damaged JSON file: one sentence, exit 2.
    """

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(
            path,
            f"{path} line {line} cannot be read ({reason}). The file was left as it is: "
            f"repair or delete that line, or move {path.parent} away to start empty.",
        )
        self.line = line


class JournalError(Exception):
    """The journal cannot save changes (the disk failed, or it is closed)."""


IN_USE = "Another process is already using {folder}; stop it first, or use another folder."


def journal_name(generation: int) -> str:
    """The file name of the journal that continues snapshot `generation`."""
    return f"journal-{generation}.jsonl"


def sync_folder(folder: Path) -> None:
    """fsync a folder so the names just created or renamed in it survive a crash."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _encode(records: Iterable[Record]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


def _decode(path: Path, number: int, line: bytes) -> Record:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise JournalCorruptError(path, number, f"invalid JSON: {error}") from None
    if not isinstance(record, dict) or not isinstance(record.get("t"), str):
        raise JournalCorruptError(path, number, 'not an object with a "t" field')
    return record


class Journal:
    """A folder locked for one process and its `owner`; recover() it, then start() appending."""

    def __init__(
        self,
        folder: Path,
        compact_after_bytes: int,
        *,
        in_use: str = IN_USE,
        owner: str = "The journal",
    ) -> None:
        self.folder = folder
        self.compact_after_bytes = compact_after_bytes
        self.owner = owner
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = FolderLock(folder, LOCK_NAME, in_use)
        try:
            self._lock.acquire()
        except FolderInUseError as error:
            raise JournalError(str(error)) from None
        self.generation = 0
        self._descriptor: int | None = None
        self._size = 0
        self._buffer: list[bytes] = []
        self._appended = 0
        self._durable = 0
        self._writing: asyncio.Task[None] | None = None
        self._failure: JournalError | None = None
        self._snapshot: Callable[[], Iterable[Record]] = lambda: ()
        self._closed = False

    # ----- start-up -----

    def recover(self) -> Iterator[tuple[Path, int, Record]]:
        """Every saved record in order, with its file and line; drops a torn last journal line
        (one without its newline) once every record was taken without error."""
        snapshot = self.folder / SNAPSHOT_NAME
        if snapshot.exists():
            lines = snapshot.read_bytes().split(b"\n")
            header = _decode(snapshot, 1, lines[0])
            if header.get("t") != "snapshot" or not isinstance(header.get("generation"), int):
                raise JournalCorruptError(snapshot, 1, "not a snapshot header")
            if lines[-1] != b"":
                raise JournalCorruptError(snapshot, len(lines), "the file ends mid-line")
            self.generation = header["generation"]
            for number, line in enumerate(lines[1:-1], start=2):
                yield snapshot, number, _decode(snapshot, number, line)
        journal = self.folder / journal_name(self.generation)
        if journal.exists():
            yield from self._read_journal(journal)
        self._remove_leftovers()

    def _read_journal(self, path: Path) -> Iterator[tuple[Path, int, Record]]:
        data = path.read_bytes()
        lines = data.split(b"\n")
        # b"" when the file ends with a newline. Anything else is a line whose write a crash
        # cut short (its newline is written last): the only damage taken as torn. A complete
        # line that cannot be read is damage, wherever it is, and stops start-up.
        tail = lines.pop()
        keep = len(data) - len(tail)
        for number, line in enumerate(lines, start=1):
            yield path, number, _decode(path, number, line)
        # Cut only now: a refusal of any record above leaves the file exactly as it was.
        if tail:
            log.warning(
                "Dropped the torn last line %d of %s (a crash while it was written).",
                len(lines) + 1,
                path,
            )
            os.truncate(path, keep)
        self._size = keep

    def _remove_leftovers(self) -> None:
        current = journal_name(self.generation)
        for path in self.folder.glob("journal-*.jsonl"):
            if path.name != current:
                path.unlink()
        (self.folder / f"{SNAPSHOT_NAME}.tmp").unlink(missing_ok=True)

    def start(self, snapshot: Callable[[], Iterable[Record]]) -> None:
        """Open the journal for appending; `snapshot` yields records that rebuild everything."""
        self._snapshot = snapshot
        self._descriptor = self._open_journal(self.generation)

    def _open_journal(self, generation: int) -> int:
        path = self.folder / journal_name(generation)
        existed = path.exists()
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if not existed:
            sync_folder(self.folder)
        return descriptor

    # ----- appending -----

    def append(self, record: Record) -> None:
        """Queue one record; it is durable once a later saved() returns."""
        self._buffer.append(orjson.dumps(record) + b"\n")
        self._appended += 1

    async def saved(self) -> None:
        """Return once every record appended so far is on disk (one fsync serves many callers)."""
        target = self._appended
        while self._durable < target:
            if self._failure is not None:
                raise self._failure
            if self._writing is None:
                self._writing = asyncio.create_task(
                    self._write_batch(), name=f"journal {self.folder}"
                )
            # Shielded: a client hanging up must not cancel a write others wait for too.
            await asyncio.shield(self._writing)

    async def _write_batch(self, compact: bool = False) -> None:
        batch, self._buffer = b"".join(self._buffer), []
        target = self._appended
        try:
            if compact or self._size + len(batch) > self.compact_after_bytes:
                # The world already holds every buffered change, so the snapshot covers them.
                await asyncio.to_thread(self._compact, _encode(self._snapshot()))
            elif batch:
                await asyncio.to_thread(self._write_durably, batch)
            self._durable = target
        except OSError as error:
            self._failure = JournalError(f"{self.owner} cannot save to {self.folder}: {error}")
            log.error("%s", self._failure)
            raise self._failure from error
        finally:
            self._writing = None

    def _write_durably(self, data: bytes) -> None:
        assert self._descriptor is not None
        view = memoryview(data)
        while view:
            written = os.write(self._descriptor, view)
            view = view[written:]
        os.fsync(self._descriptor)
        self._size += len(data)

    def _compact(self, records: bytes) -> None:
        generation = self.generation + 1
        header = orjson.dumps({"t": "snapshot", "generation": generation, "format": FORMAT})
        temporary = self.folder / f"{SNAPSHOT_NAME}.tmp"
        try:
            with open(temporary, "wb") as target:
                target.write(header + b"\n" + records)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temporary, self.folder / SNAPSHOT_NAME)
        except BaseException:
            # A full disk leaves an empty or partial file: the journal still holds everything.
            temporary.unlink(missing_ok=True)
            raise
        sync_folder(self.folder)
        descriptor = self._open_journal(generation)
        if self._descriptor is not None:
            os.close(self._descriptor)
        self._descriptor = descriptor
        (self.folder / journal_name(self.generation)).unlink(missing_ok=True)
        self.generation = generation
        self._size = 0

    # ----- shutting down -----

    async def close(self) -> None:
        """Save everything, compact into a fresh snapshot, and release the folder."""
        if self._closed:
            return
        self._closed = True
        try:
            await self.saved()
            if self._failure is None and self._descriptor is not None:
                while self._writing is not None:
                    await asyncio.shield(self._writing)
                self._writing = asyncio.create_task(self._write_batch(compact=True))
                await self._writing
        except JournalError:
            # Already logged in one line; a stop (SIGTERM on a full disk) ends without a
            # traceback, and what was saved before stays in the journal for the next start.
            pass
        finally:
            if self._descriptor is not None:
                os.close(self._descriptor)
                self._descriptor = None
            self._failure = JournalError(f"{self.owner}'s journal in {self.folder} is closed.")
            self.release()

    def release(self) -> None:
        """Let another process open the folder (closing the lock file releases the lock)."""
        self._lock.release()
