"""The bytes of uploaded files: in memory, or one file each in the data folder, written durably."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol

from bot.storage.journal import sync_folder


class FileContents(Protocol):
    """Keeps file bytes by key (a file_unique_id, safe as a file name)."""

    async def put(self, key: str, data: bytes) -> None:
        """Keep `data`; durable once this returns."""

    async def get(self, key: str) -> bytes | None:
        """The bytes, or None when they are gone."""

    def has(self, key: str) -> bool:
        """Whether the bytes are there."""

    def discard(self, key: str) -> None:
        """Forget the bytes (the file was evicted)."""

    def keep_only(self, keys: set[str]) -> None:
        """Forget every file not in `keys` (left over from a crash)."""


class MemoryContents:
    """File bytes in a dict, gone with the process."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes) -> None:
        """Keep `data`."""
        self._data[key] = data

    async def get(self, key: str) -> bytes | None:
        """The bytes, or None."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        """Whether the bytes are there."""
        return key in self._data

    def discard(self, key: str) -> None:
        """Forget the bytes."""
        self._data.pop(key, None)

    def keep_only(self, keys: set[str]) -> None:
        """Forget every file not in `keys`."""
        self._data = {k: v for k, v in self._data.items() if k in keys}


class FolderContents:
    """File bytes as files in one folder; each is fsync'd before its world record is written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def put(self, key: str, data: bytes) -> None:
        """Write the file and its folder entry durably."""
        await asyncio.to_thread(self._write, self.folder / key, data)

    def _write(self, path: Path, data: bytes) -> None:
        with open(path, "wb") as target:
            target.write(data)
            target.flush()
            os.fsync(target.fileno())
        sync_folder(self.folder)

    async def get(self, key: str) -> bytes | None:
        """The file's bytes, or None."""
        try:
            return await asyncio.to_thread((self.folder / key).read_bytes)
        except FileNotFoundError:
            return None

    def has(self, key: str) -> bool:
        """Whether the file is there."""
        return (self.folder / key).is_file()

    def discard(self, key: str) -> None:
        """Delete the file; a crash before the eviction is saved leaves the world without it."""
        (self.folder / key).unlink(missing_ok=True)

    def keep_only(self, keys: set[str]) -> None:
        """Delete every file not in `keys`."""
        for path in self.folder.iterdir():
            if path.name not in keys:
                path.unlink(missing_ok=True)
