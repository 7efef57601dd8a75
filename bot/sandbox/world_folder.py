"""The emulator's world in a data folder: replayed from its journal at start, saved as it goes."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.file_contents import FolderContents
from bot.sandbox.world import World
from bot.storage.journal import Journal, JournalCorruptError

FILES_FOLDER = "files"
IN_USE = (
    "Another emulator is already using {folder}; stop it first, or give this one another "
    "--data-dir."
)


def open_world(folder: Path | None, compact_journal_bytes: int) -> World:
    """The world saved in `folder` (a new one if empty), or an in-memory world for None."""
    if folder is None:
        return World()
    journal = Journal(folder, compact_journal_bytes, in_use=IN_USE, owner="The emulator")
    try:
        world = World(FolderContents(folder / FILES_FOLDER))
        for path, line, record in journal.recover():
            try:
                world.apply(record)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise JournalCorruptError(
                    path, line, f"not a change the emulator knows: {error!r}"
                ) from None
        world.forget_files_without_contents()
        journal.start(world.records)
    except BaseException:
        journal.release()
        raise
    world.journal = journal
    return world
