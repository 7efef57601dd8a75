"""Group commit: what is added while a durable write runs goes into the next write together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Each `add` returns once its item is written; items added meanwhile share one write.

    Sixteen questions answered at once used to queue sixteen rewrites of one file, each caller
    waiting ~50 ms; now the first write carries one item, the next all that came during it.
    """

    def __init__(self, write: Callable[[list[T]], Awaitable[None]]) -> None:
        self._write = write
        self._items: list[T] = []
        self._written: asyncio.Future[None] | None = None
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: T) -> None:
        """Write `item` with the next batch; raises what that batch's write raised."""
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
            # Read once so that a batch whose every caller was cancelled logs no warning.
            self._written.add_done_callback(_retrieve)
        self._items.append(item)
        written = self._written
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())
        # A cancelled caller leaves its item in the batch: it is written all the same.
        await asyncio.shield(written)

    async def _drain(self) -> None:
        try:
            while self._written is not None:
                items, written = self._items, self._written
                self._items, self._written = [], None
                try:
                    await self._write(items)
                except asyncio.CancelledError:
                    written.cancel()
                    raise
                except Exception as error:  # every caller of this batch hears of it
                    written.set_exception(error)
                else:
                    written.set_result(None)
        finally:
            self._writer = None
            if self._written is not None and not self._written.done():
                # Cancelled (shutdown) with a batch waiting: its callers must not hang.
                self._written.cancel()
                self._items, self._written = [], None


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()
