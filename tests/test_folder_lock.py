"""One bot per data folder: a second is refused in one sentence; the folder frees on shutdown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import build_application
from bot.sandbox.server import SANDBOX_TOKEN
from bot.settings import Settings
from bot.storage.folder_lock import FolderInUseError, FolderLock

ROOT = Path(__file__).resolve().parents[1]


def test_a_second_lock_on_a_folder_is_refused_until_the_first_is_released(
    tmp_path: Path,
) -> None:
    first = FolderLock(tmp_path).acquire()
    with pytest.raises(FolderInUseError, match="in use by another running bot"):
        FolderLock(tmp_path).acquire()
    first.release()
    FolderLock(tmp_path).acquire().release()


async def test_a_second_bot_on_the_same_data_folder_is_refused(settings: Settings) -> None:
    first = build_application(settings, token=SANDBOX_TOKEN, with_updater=False)
    with pytest.raises(FolderInUseError) as refused:
        build_application(settings, token=SANDBOX_TOKEN, with_updater=False)
    assert str(settings.data_dir) in str(refused.value) and "own DATA_DIR" in str(refused.value)
    assert first.post_shutdown is not None
    await first.post_shutdown(first)
    second = build_application(settings, token=SANDBOX_TOKEN, with_updater=False)
    assert second.post_shutdown is not None
    await second.post_shutdown(second)


def test_the_lock_is_held_across_processes(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from bot.storage.folder_lock import FolderLock;"
            f"lock = FolderLock(Path({str(tmp_path)!r})).acquire(); print('held', flush=True);"
            "time.sleep(30)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with pytest.raises(FolderInUseError):
            FolderLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    FolderLock(tmp_path).acquire().release()  # a killed holder frees the folder
