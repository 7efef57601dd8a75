"""Damage in the outbox's files stops start-up naming file and line; only a cut-off last journal
line (no newline: a crash mid-write) is taken as torn and dropped."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.announcements.outbox import Outbox
from bot.storage.durable import StorageError
from bot.storage.journal import SNAPSHOT_NAME, JournalCorruptError, journal_name

ROOT = Path(__file__).resolve().parents[1]
Damage = Callable[[bytes], bytes]


async def saved_outbox(folder: Path) -> str:
    """An outbox with a snapshot (generation 1) and three journal lines after it; an id."""
    outbox = Outbox(folder)
    first = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2, 3], created_by=9)
    await outbox.record(first.id, 1, "sent")
    await outbox.close()
    outbox = Outbox(folder)
    await outbox.record(first.id, 2, "failed")
    await outbox.record(first.id, 3, "sent")
    await outbox.finish(first.id, "done")
    outbox._journal.release()
    return first.id


def _line(number: int, replacement: bytes) -> Damage:
    def damage(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[number - 1] = replacement
        return b"\n".join(lines)

    return damage


def _append(extra: bytes) -> Damage:
    return lambda data: data + extra


SERVED_UNKNOWN = b'{"t":"served","a":"a00000000","chat":1,"as":"sent"}'
JOURNAL_DAMAGES: dict[str, tuple[Damage, int]] = {
    "invalid JSON in the middle": (_line(2, b'{"t": "served", "a"'), 2),
    "complete bad last line": (_line(3, b"garbage"), 3),
    "zeros then a newline": (_line(3, b"\0" * 40), 3),
    "an array, not an object": (_line(1, b"[1, 2]"), 1),
    "an object without t": (_line(1, b'{"a": 1}'), 1),
    "an unknown change": (_line(2, b'{"t": "sang"}'), 2),
    "a delivery to an unknown announcement": (_line(2, SERVED_UNKNOWN), 2),
    "an unknown outcome": (_line(1, b'{"t":"served","a":"ID","chat":2,"as":"lost"}'), 1),
    "a chat that is no number": (_line(1, b'{"t":"served","a":"ID","chat":"x","as":"sent"}'), 1),
    "an unknown status": (_line(3, b'{"t":"status","a":"ID","status":"gone","at":"x"}'), 3),
    "a finished status without its time": (_line(3, b'{"t":"status","a":"ID","status":"done"}'), 3),
    "a queued announcement that is a string": (_line(1, b'{"t":"queued","a":"x","to":[]}'), 1),
    "recipients that are no list": (_line(1, b'{"t":"queued","a":{},"to":5}'), 1),
    "bytes that are not UTF-8": (_line(2, b'{"t": "\xff\xfe"}'), 2),
    "a bad line before a torn one": (lambda d: _line(2, b"x")(d) + b'{"t":"ser', 2),
}
SNAPSHOT_DAMAGES: dict[str, tuple[Damage, int]] = {
    "a header that is no header": (_line(1, b'{"t":"queued"}'), 1),
    "invalid JSON in a record": (_line(2, b"{"), 2),
    "a record that is no announcement": (_line(2, b'{"t":"queued","a":{"id":"?"},"to":[]}'), 2),
    "a file that ends mid-line": (lambda d: d + b'{"t":', 3),
}


@pytest.mark.parametrize(
    ("name", "damaged_file"),
    [(n, "journal") for n in JOURNAL_DAMAGES] + [(n, "snapshot") for n in SNAPSHOT_DAMAGES],
)
async def test_damage_stops_start_up_naming_file_and_line_and_leaves_it(
    tmp_path: Path, name: str, damaged_file: str
) -> None:
    folder = tmp_path / "outbox"
    announcement_id = await saved_outbox(folder)
    damage, line = (JOURNAL_DAMAGES | SNAPSHOT_DAMAGES)[name]
    path = folder / (journal_name(1) if damaged_file == "journal" else SNAPSHOT_NAME)
    damaged = damage(path.read_bytes()).replace(b'"ID"', f'"{announcement_id}"'.encode())
    path.write_bytes(damaged)
    with pytest.raises(JournalCorruptError) as refused:
        Outbox(folder)
    assert isinstance(refused.value, StorageError)  # reported like a damaged JSON file
    assert f"{path} line {line} cannot be read" in str(refused.value)
    assert path.read_bytes() == damaged


async def test_only_a_last_line_without_its_newline_is_torn_and_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    announcement_id = await saved_outbox(folder)
    path = folder / journal_name(1)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"t":"served","a":"' + announcement_id.encode())
    outbox = Outbox(folder)
    assert outbox.announcement(announcement_id).status == "done"
    assert outbox.failed_recipients(announcement_id) == [2]
    assert path.read_bytes() == whole
    await outbox.close()


def test_the_bot_refuses_to_start_in_one_sentence_with_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "outbox"
    folder.mkdir(parents=True)
    (folder / journal_name(0)).write_bytes(SERVED_UNKNOWN + b"\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        PYTHONPATH=str(ROOT), DATA_DIR=str(tmp_path / "data"), TELEGRAM_BOT_TOKEN="123:abcdef"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (sentence,) = result.stderr.strip().splitlines()
    assert f"{folder / journal_name(0)} line 1 cannot be read" in sentence
