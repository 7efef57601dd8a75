"""A full disk: people are told in one sentence, staff once per episode, and a stop stays clean.

The disk is made full by patching os.fsync (what bot/storage's durable writes and the outbox's
journal end with) to raise ENOSPC, as a full disk does at the latest there.
"""

from __future__ import annotations

import builtins
import errno
import logging
import os
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, running_sandbox
from bot.settings import Settings
from bot.storage.durable import FullDiskReports, StorageError, disk_full
from bot.storage.journal import LOCK_NAME, Journal, JournalError
from tests.conftest import ADMIN_ID
from tests.sandbox_client import SandboxClient

REAL_FSYNC = os.fsync
CANNOT_SAVE = "cannot save anything right now"
FULL_NOTICE = "disk is full"


class Disk:
    """Switches the emulated full disk on and off."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        monkeypatch.setattr(os, "fsync", self._fsync)

    def _fsync(self, descriptor: int) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        REAL_FSYNC(descriptor)


async def _notices(admin: SandboxClient) -> list[str]:
    return [m["text"] for m in await admin.messages() if FULL_NOTICE in m["text"]]


async def _last_reply(client: SandboxClient, text: str) -> str:
    return str((await client.ask(text))["text"])


async def test_disk_full_tells_people_and_staff_once_and_stops_cleanly(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    disk = Disk(monkeypatch)
    config = EmulatorConfig(static_dir=STATIC_DIR, rate_limit=False)
    async with (
        aiohttp.ClientSession() as http,
        running_sandbox(settings, emulator_config=config) as running,
    ):
        admin = SandboxClient(http, running.url, ADMIN_ID)
        people = [SandboxClient(http, running.url, user_id) for user_id in (1001, 1002, 1003)]
        await admin.ask("/start")
        for person in people:
            await person.ask("/start")

        disk.full = True
        first = await _last_reply(people[0], "/subscribe")
        assert CANNOT_SAVE in first and "nothing you saved is lost" in first
        assert "went wrong" not in first and first.count(". ") == 0  # one sentence
        second = await _last_reply(people[1], "/subscribe")
        assert CANNOT_SAVE in second
        notices = await _notices(admin)
        assert len(notices) == 1, notices  # told once, not per failure
        assert str(settings.data_dir) in notices[0]

        disk.full = False  # space freed: the next save works, and a new episode is reported
        assert "subscribed" in await _last_reply(people[1], "/subscribe")
        disk.full = True
        assert CANNOT_SAVE in await _last_reply(people[2], "/subscribe")
        assert len(await _notices(admin)) == 2
        # Still full when the bot is stopped (as by SIGTERM): leaving the block stops it.
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == []
    leftovers = [p for p in settings.data_dir.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


class NoRoom:
    """A file just created on a full disk: it exists (empty), and no byte can be written."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def __enter__(self) -> NoRoom:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        self._handle.flush()

    def fileno(self) -> int:
        return self._handle.fileno()


def full_on_write(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make files opened for writing by name behave as on a full disk; the names opened."""
    real_open = builtins.open
    opened: list[str] = []

    def open_on_full_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if "w" not in mode:
            return handle
        opened.append(Path(file).name)
        return NoRoom(handle)

    monkeypatch.setattr(builtins, "open", open_on_full_disk)
    return opened


async def test_a_stop_on_a_full_disk_leaves_no_snapshot_tmp_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "outbox"
    journal = Journal(folder, compact_after_bytes=1 << 20)
    list(journal.recover())
    records = [{"t": "sent", "n": n} for n in range(3)]
    journal.start(lambda: records)
    for record in records:
        journal.append(record)
    await journal.saved()
    with monkeypatch.context() as patched:
        opened = full_on_write(patched)
        await journal.close()  # folding into a snapshot fails: no exception, no traceback
    assert opened == ["snapshot.jsonl.tmp"]  # it was tried, and failed
    assert sorted(p.name for p in folder.iterdir()) == ["journal-0.jsonl", LOCK_NAME]
    assert [r for r in caplog.records if r.exc_info] == []
    again = Journal(folder, compact_after_bytes=1 << 20)
    assert [record for _, _, record in again.recover()] == records
    again.release()


def test_a_full_disk_is_recognised_through_the_errors_raised_from_it(tmp_path: Path) -> None:
    def raised_from(error: OSError, wrapper: type[Exception]) -> Exception:
        try:
            try:
                raise error
            except OSError as cause:
                if wrapper is StorageError:
                    raise StorageError(tmp_path, "cannot save") from cause
                raise JournalError("cannot save") from cause
        except Exception as wrapped:
            return wrapped
        raise AssertionError("not raised")

    full = OSError(errno.ENOSPC, "No space left on device")
    assert disk_full(full) and disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert disk_full(raised_from(full, StorageError)) and disk_full(raised_from(full, JournalError))
    assert not disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not disk_full(raised_from(OSError(errno.EIO, "I/O error"), JournalError))
    assert not disk_full(None)


def test_staff_are_told_again_only_after_a_write_worked(tmp_path: Path) -> None:
    reports = FullDiskReports()
    assert reports.claim(tmp_path) and not reports.claim(tmp_path)
    reports.note_written(tmp_path.parent / "elsewhere.json")  # not under the data folder
    assert not reports.claim(tmp_path)
    reports.note_written(tmp_path / "outbox" / "x.json")
    assert reports.claim(tmp_path)
