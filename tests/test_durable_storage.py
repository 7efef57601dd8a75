"""DurableJSONStorage and open_database: atomic writes, cache, corrupt files left untouched."""

from __future__ import annotations

import os
import stat
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from tinydb.table import Document

from bot.storage import durable as storage_module
from bot.storage.durable import (
    DurableJSONStorage,
    StorageCorruptError,
    exclusive,
    file_lock,
    open_database,
)


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def test_new_file_is_created_private_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "db.json"
    database = open_database(path)
    assert path.read_bytes() == b"{}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(database.table("people")) == 0


def test_written_data_survives_reopen_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    database = open_database(path)
    database.table("people").insert(Document({"name": "Ana", "city": "Braga"}, doc_id=7))
    database.close()
    again = open_database(path)
    assert again.table("people").get(doc_id=7) == {"name": "Ana", "city": "Braga"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert temp_files(tmp_path) == []


def test_stray_temp_files_of_this_file_are_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(b'{"t": {}}')
    stray = tmp_path / ".db.json.abc123.tmp"
    stray.write_bytes(b'{"half": ')
    other = tmp_path / ".other.json.abc123.tmp"
    other.write_bytes(b"{}")
    open_database(path)
    assert not stray.exists()
    assert other.exists()


def test_reads_come_from_the_cache_until_it_is_invalidated(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = DurableJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    first = storage.read()
    assert storage.read() is first
    path.write_bytes(b'{"t": {"1": {"v": 2}}}')
    assert storage.read() == {"t": {"1": {"v": 1}}}
    storage.invalidate()
    assert storage.read() == {"t": {"1": {"v": 2}}}


def test_unserialisable_data_is_refused_and_the_cache_dropped(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = DurableJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    data = storage.read()
    assert data is not None
    data["t"]["1"]["v"] = {1, 2}
    with pytest.raises(TypeError, match="cannot be stored"):
        storage.write(data)
    assert storage.read() == {"t": {"1": {"v": 1}}}
    assert temp_files(tmp_path) == []


def test_a_failed_replace_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    storage = DurableJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})

    def failing_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        storage.write({"t": {"1": {"v": 2}}})
    monkeypatch.undo()
    assert path.read_bytes() == b'{"t":{"1":{"v":1}}}'
    assert storage.read() == {"t": {"1": {"v": 1}}}
    assert temp_files(tmp_path) == []


def test_an_operation_failing_half_way_does_not_leak_its_mutation(tmp_path: Path) -> None:
    database = open_database(tmp_path / "db.json")
    table = database.table("people")
    table.insert(Document({"name": "Ana"}, doc_id=1))

    def rename_then_fail(document: MutableMapping[str, Any]) -> None:
        document["name"] = "Changed"
        raise RuntimeError("handler bug")

    with pytest.raises(RuntimeError), exclusive(database):
        table.update(rename_then_fail, doc_ids=[1])
    with exclusive(database):
        assert table.get(doc_id=1) == {"name": "Ana"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"people": {"1": {"name": "Ana"}', "invalid JSON at byte"),
        (b"", "the file is empty"),
        (b"[1, 2]", "the top level is a list"),
        (b'{"people": [1]}', "table 'people' is a list"),
        (b'{"people": {"1": "Ana"}}', "document 1 in table 'people' is a string"),
        (b'{"people": {"x": {}}}', "non-numeric document id 'x'"),
        (b'\xff\xfe{"a": {}}', "invalid JSON at byte"),
    ],
)
def test_a_bad_file_raises_and_is_left_byte_for_byte(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "registrations.json"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    before = path.stat()
    with pytest.raises(StorageCorruptError) as caught:
        open_database(path)
    error = caught.value
    assert error.path == path
    assert str(path) in str(error)
    assert reason in str(error)
    assert "restore it from a backup or move it away" in str(error)
    assert path.read_bytes() == content
    after = path.stat()
    assert (after.st_mtime_ns, stat.S_IMODE(after.st_mode)) == (
        before.st_mtime_ns,
        stat.S_IMODE(before.st_mode),
    )


def test_one_lock_per_file(tmp_path: Path) -> None:
    assert file_lock(tmp_path / "a.json") is file_lock(tmp_path / "x" / ".." / "a.json")
    assert file_lock(tmp_path / "a.json") is not file_lock(tmp_path / "b.json")
    assert DurableJSONStorage(tmp_path / "a.json").lock is file_lock(tmp_path / "a.json")


def test_exclusive_refuses_a_database_on_another_storage(tmp_path: Path) -> None:
    from tinydb import TinyDB
    from tinydb.storages import MemoryStorage

    with pytest.raises(TypeError, match="open_database"), exclusive(TinyDB(storage=MemoryStorage)):
        pass
