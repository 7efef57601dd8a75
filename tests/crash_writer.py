"""Child process for test_crash: write without pause and print "ack <kind> <key>" per write.

Usage: python -m tests.crash_writer DATA_DIR FIRST_KEY
A line is printed (and flushed) only after the write call returned, so every printed key
must be on disk whenever the parent kills this process.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tinydb.table import Document

from bot.storage.durable import exclusive, open_database
from bot.storage.persistence import StorePersistence
from bot.storage.registrations import Registration
from bot.storage.store import Store

KEYS_PER_RUN = 100_000


def ack(kind: str, key: int) -> None:
    """Tell the parent a write of `kind` for `key` has returned."""
    sys.stdout.write(f"ack {kind} {key}\n")
    sys.stdout.flush()


def registration(key: int, padding: int = 2) -> Registration:
    """The record written for `key`; the parent checks it came back whole."""
    return Registration(
        user_id=key,
        city=f"City {key}",
        country="PT",
        email=f"mayor{key}@example.org",
        topics=("x" * 100,) * padding,
    )


async def write_registrations(store: Store, keys: range) -> None:
    for key in keys:
        # A longer draft first, so the acknowledged write makes the file shrink.
        await store.save_registration(registration(key, padding=20))
        await store.save_registration(registration(key))
        ack("registration", key)


async def write_subscribers(store: Store, keys: range) -> None:
    for key in keys:
        await store.add_subscriber(key)
        ack("subscriber", key)


async def write_direct(data_dir: Path, keys: range) -> None:
    database = open_database(data_dir / "direct.json")
    table = database.table("direct")

    def insert(key: int) -> None:
        with exclusive(database):
            table.insert(Document({"key": key}, doc_id=key))

    for key in keys:
        await asyncio.to_thread(insert, key)
        ack("direct", key)


async def write_conversations(persistence: StorePersistence, keys: range) -> None:
    for key in keys:
        await persistence.update_conversation("apply", (key, key), f"step {key}")
        ack("conversation", key)


async def main(data_dir: Path, first_key: int) -> None:
    store = Store(data_dir)
    persistence = StorePersistence(data_dir / "persistence.json")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    keys = range(first_key, first_key + KEYS_PER_RUN)
    await asyncio.gather(
        write_registrations(store, keys),
        write_subscribers(store, keys),
        write_direct(data_dir, keys),
        write_conversations(persistence, keys),
    )


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
