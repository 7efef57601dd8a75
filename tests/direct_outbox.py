"""Until the outbox of announcements-delivery is merged: one that sends at once, in memory."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram.error import TelegramError


@dataclass
class SentAnnouncement:
    """What the real Announcement record holds, as far as these tests read it."""

    id: str
    kind: str
    html: str
    created_by: int | None
    key: str | None
    total: int
    status: str = "done"
    sent: int = 0
    blocked: int = 0
    failed: int = 0


@dataclass
class DirectOutbox:
    """Sends each queued announcement straight away; keys make a second queue a no-op."""

    application: Any
    announcements_made: list[SentAnnouncement] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def _keys_file(self) -> Any:
        # Keys outlive a restart, as the real outbox's do, so "sent once" can be tested.
        return self.application.bot_data.services.settings.data_dir / "direct_outbox_keys.txt"

    def _kept_keys(self) -> set[str]:
        path = self._keys_file()
        return set(path.read_text().split("\n")) if path.exists() else set()

    async def queue(
        self,
        *,
        kind: str,
        html: str,
        recipients: Sequence[int],
        created_by: int | None,
        key: str | None = None,
    ) -> SentAnnouncement:
        for made in self.announcements_made:
            if key is not None and made.key == key:
                return made
        if key is not None and key in self._kept_keys():
            return SentAnnouncement("0", kind, html, created_by, key, 0)
        if key is not None:
            self._keys_file().write_text("\n".join(self._kept_keys() | {key}))
        made = SentAnnouncement(str(next(self._ids)), kind, html, created_by, key, len(recipients))
        self.announcements_made.append(made)
        for chat_id in recipients:
            try:
                await self.application.bot.send_message(chat_id, html, parse_mode="HTML")
                made.sent += 1
            except TelegramError:
                made.failed += 1
        return made

    async def cancel(self, announcement_id: str) -> bool:
        return False

    async def announcements(self, *, limit: int = 20) -> list[SentAnnouncement]:
        return list(reversed(self.announcements_made))[:limit]

    async def get(self, announcement_id: str) -> SentAnnouncement | None:
        return next((a for a in self.announcements_made if a.id == announcement_id), None)

    async def has_key(self, key: str) -> bool:
        return key in self._kept_keys()
