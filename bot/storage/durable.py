"""Crash-safe TinyDB storage: atomic, fsynced whole-file writes with an in-memory cache."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

# Datetimes and dataclasses would be written as strings/objects and read back as something
# else; refusing them makes a lossy save fail loudly instead of silently changing the data.
JSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
TEMP_SUFFIX = ".tmp"

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()
# No space left, or the user's quota used up: either way nothing more can be saved there.
FULL_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT})


def disk_full(error: BaseException | None) -> bool:
    """True if `error`, or an error it was raised from, says the disk (or quota) is full."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OSError) and error.errno in FULL_DISK_ERRORS:
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class FullDiskReports:
    """Which data folders' full disk was reported, so staff hear of it once until it recovers."""

    def __init__(self) -> None:
        self._reported: set[Path] = set()
        self._lock = threading.Lock()

    def claim(self, folder: Path) -> bool:
        """True for the first report about `folder` since a write under it last succeeded."""
        key = Path(os.path.abspath(folder))
        with self._lock:
            if key in self._reported:
                return False
            self._reported.add(key)
            return True

    def note_written(self, path: Path) -> None:
        """A write under these folders worked: the disk has room again."""
        target = Path(os.path.abspath(path))
        with self._lock:
            if self._reported:
                self._reported = {f for f in self._reported if f not in target.parents}


full_disk_reports = FullDiskReports()


class StorageError(Exception):
    """A data file cannot be used; the message names the file and what to do."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class StorageCorruptError(StorageError):
    """A data file exists but is not a valid database; it was left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            path,
            f"{path} cannot be read ({reason}); restore it from a backup or move it away; "
            "it was left untouched.",
        )
        self.reason = reason


def file_lock(path: Path) -> threading.Lock:
    """The one lock this process uses for every read-modify-write of `path`."""
    key = Path(os.path.abspath(path))
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def encode_json(value: Any, what: str) -> bytes:
    """Serialise `value` as JSON, or raise TypeError saying what could not be stored."""
    try:
        return orjson.dumps(value, option=JSON_OPTIONS)
    except TypeError as error:
        raise TypeError(
            f"{what} cannot be stored ({error}); keep only JSON values: str, int, float, bool, "
            "None, lists and dicts with str keys."
        ) from error


def json_copy(value: Any, what: str) -> Any:
    """A deep copy of `value` through JSON, so stored data never aliases a caller's objects."""
    return orjson.loads(encode_json(value, what))


def _describe_type(value: object) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), f"a {type(value).__name__}")


def _decode(path: Path, raw: bytes) -> dict[str, Any]:
    if not raw:
        raise StorageCorruptError(path, "the file is empty (0 bytes)")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise StorageCorruptError(path, f"invalid JSON at byte {error.pos}") from error
    if not isinstance(data, dict):
        raise StorageCorruptError(path, f"the top level is {_describe_type(data)}, not an object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise StorageCorruptError(
                path, f"table {name!r} is {_describe_type(table)}, not an object"
            )
    return data


def read_without_writing(path: Path) -> dict[str, Any]:
    """A data file's tables, read while another process may be writing it; {} if missing."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise StorageError(path, f"{path} cannot be read ({error.strerror}).") from error
    # Writers replace the file by renaming a complete one over it, so any read sees a whole file.
    return _decode(path, raw)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new file."""
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_folder(path.parent)
    full_disk_reports.note_written(path)


def remove_stray_temp_files(path: Path) -> int:
    """Delete temporary files a crashed write of `path` left behind; return how many."""
    removed = 0
    for stray in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            stray.unlink()
            removed += 1
    return removed


class DurableJSONStorage(Storage):
    """TinyDB storage writing whole-file JSON atomically and durably, caching the last state."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self.lock = file_lock(self.path)
        self._cache: dict[str, Any] | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.lock:
                remove_stray_temp_files(self.path)
                if self.path.exists():
                    self._cache = self._load()
                else:
                    self.write({})
        except OSError as error:
            cause = error.strerror or str(error)
            if error.filename is not None:
                cause = f"{cause}: {error.filename}"
            raise StorageError(
                self.path,
                f"{self.path} cannot be opened ({cause}); check that the folder exists "
                "and this user may read and write it.",
            ) from error

    def _load(self) -> dict[str, Any]:
        return _decode(self.path, self.path.read_bytes())

    def read(self) -> dict[str, Any] | None:
        """The current data: the cached state, or the file when the cache was dropped."""
        if self._cache is None:
            if not self.path.exists():
                return None
            self._cache = self._load()
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        """Write `data` durably; on any failure drop the cache so the file stays the truth."""
        try:
            write_atomically(self.path, encode_json(data, f"data for {self.path}"))
        except BaseException:
            self._cache = None
            raise
        self._cache = data

    def invalidate(self) -> None:
        """Forget the cached state; the next read comes from disk."""
        self._cache = None

    def close(self) -> None:
        """Release the cached state."""
        self._cache = None


def _check_documents(path: Path, data: dict[str, Any]) -> None:
    for name, table in data.items():
        for doc_id, document in table.items():
            if not isinstance(document, dict):
                raise StorageCorruptError(
                    path,
                    f"document {doc_id} in table {name!r} is {_describe_type(document)}, "
                    "not an object",
                )
            try:
                int(doc_id)
            except ValueError:
                raise StorageCorruptError(
                    path, f"table {name!r} has a non-numeric document id {doc_id!r}"
                ) from None


def open_database(path: Path) -> TinyDB:
    """Open (or create) a TinyDB file on durable storage; raise StorageCorruptError if unusable."""
    database = TinyDB(path, storage=DurableJSONStorage)
    storage = durable_storage(database)
    with storage.lock:
        _check_documents(storage.path, storage.read() or {})
    return database


def durable_storage(database: TinyDB) -> DurableJSONStorage:
    """The database's DurableJSONStorage, or TypeError if it was opened on another storage."""
    storage = database.storage
    if not isinstance(storage, DurableJSONStorage):
        raise TypeError("this database was not opened with open_database(); use that instead")
    return storage


@contextlib.contextmanager
def exclusive(database: TinyDB) -> Iterator[TinyDB]:
    """Hold the file's lock; if the operation fails half-way, drop the possibly mutated cache."""
    storage = durable_storage(database)
    with storage.lock:
        try:
            yield database
        except BaseException:
            storage.invalidate()
            raise
