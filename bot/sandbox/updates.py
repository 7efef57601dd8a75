"""The updates waiting for the bot, in order, until a getUpdates offset confirms them."""

from __future__ import annotations

from collections import deque
from typing import Any

from bot.sandbox.chat import Notifier

MAX_PENDING_UPDATES = 10_000
# Telegram's defaults: every update type except these three when allowed_updates is empty.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Pending updates and the id the next one gets; changed only through the world."""

    def __init__(self) -> None:
        self.pending: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.allowed: frozenset[str] | None = None
        self.arrived = Notifier()

    def is_allowed(self, kind: str) -> bool:
        """Whether the bot asked for updates of this kind (allowed_updates)."""
        if not self.allowed:
            return kind not in NOT_SENT_BY_DEFAULT
        return kind in self.allowed

    def append(self, update: dict[str, Any]) -> None:
        """Queue an update that already has its id, forgetting the oldest past the cap."""
        self.pending.append(update)
        self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
        while len(self.pending) > MAX_PENDING_UPDATES:
            self.pending.popleft()
        self.arrived.notify()

    def first_kept(self, offset: int) -> int:
        """The id of the first update a getUpdates offset keeps (negative: the last -offset)."""
        if offset >= 0:
            return offset
        if -offset >= len(self.pending):
            return self.pending[0]["update_id"] if self.pending else self.next_update_id
        return int(self.pending[offset]["update_id"])

    def drop_below(self, update_id: int) -> None:
        """Forget every pending update with a smaller id."""
        while self.pending and self.pending[0]["update_id"] < update_id:
            self.pending.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` pending updates (they stay until confirmed)."""
        return [self.pending[i] for i in range(min(limit, len(self.pending)))]

    def record(self) -> dict[str, Any]:
        """The queue's own state (not its updates), as the journal keeps it."""
        allowed = None if self.allowed is None else sorted(self.allowed)
        return {"t": "update_queue", "next_update_id": self.next_update_id, "allowed": allowed}
