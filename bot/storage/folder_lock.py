"""One bot per data folder: a second one would overwrite the first one's writes unseen."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.storage.durable import StorageError

LOCK_NAME = ".bot.lock"
IN_USE = (
    "{folder} is in use by another running bot; stop that one first, or give this one its own "
    "DATA_DIR."
)


class FolderInUseError(StorageError):
    """Another running bot holds the data folder."""


class FolderLock:
    """An exclusive lock on a data folder, held until release() or the process ends."""

    def __init__(self, folder: Path, name: str = LOCK_NAME, in_use: str = IN_USE) -> None:
        self.path = Path(folder) / name
        self._in_use = in_use
        self._descriptor: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock now, or raise FolderInUseError saying what to do."""
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            folder = self.path.parent
            raise FolderInUseError(folder, self._in_use.format(folder=folder)) from None
        # The holder's pid, for a person looking at the folder; the lock itself is the flock.
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        self._descriptor = descriptor
        return self

    def release(self) -> None:
        """Let another bot use the folder (closing the file releases the flock)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def __del__(self) -> None:
        self.release()
