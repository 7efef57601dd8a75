"""The outbox's record: one announcement to many chats, with its progress."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

# "stopped": Telegram refused its text; "failed": the bot kept failing on it (a bug).
AnnouncementStatus = Literal["queued", "sending", "done", "cancelled", "stopped", "failed"]
UNFINISHED: frozenset[str] = frozenset({"queued", "sending"})
ANNOUNCEMENT_ID_PATTERN = r"^a[0-9a-f]{8}$"


class Announcement(Record):
    """A message queued to many chats: what, by whom, and how far its delivery got."""

    label: ClassVar[str] = "announcement"

    id: str = Field(pattern=ANNOUNCEMENT_ID_PATTERN)
    kind: str = Field(min_length=1, max_length=32)
    html: str = Field(min_length=1)
    created_by: int | None = None
    created_at: AwareDatetime
    key: str | None = None
    status: AnnouncementStatus = "queued"
    total: int = Field(ge=0)
    sent: int = Field(default=0, ge=0)
    blocked: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)
    stop_reason: str | None = None
    finished_at: AwareDatetime | None = None
    # Inline buttons under the message, one per row: (label, callback data); None: none.
    buttons: tuple[tuple[str, str], ...] | None = None

    @property
    def is_finished(self) -> bool:
        """True once nothing more will be sent (done, cancelled, stopped or failed)."""
        return self.status not in UNFINISHED

    @property
    def remaining(self) -> int:
        """Recipients not yet served."""
        return self.total - self.sent - self.blocked - self.failed
