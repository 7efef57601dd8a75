"""The durable outbox: announcements and their recipients, each delivery journaled as it happens.

Everything the bot sends on its own (broadcasts, reminders, notices, reports) is queued here.
The journal in ``DATA_DIR/outbox`` holds one line per change: an announcement with its
recipients, each recipient served, each status change, each recipient erased. A delivery costs
one short appended line, whatever the number already served.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bot.storage.journal import Journal, JournalCorruptError, Record
from bot.storage.outbox import UNFINISHED, Announcement, AnnouncementStatus

__all__ = ["Announcement", "AnnouncementStatus", "Outbox", "Outcome", "resend_key"]

Outcome = Literal["sent", "blocked", "failed"]
OUTBOX_FOLDER = "outbox"
COMPACT_AFTER_BYTES = 8 * 1024 * 1024
IN_USE = "{folder} is in use by another running bot; stop that one first."


def resend_key(announcement_id: str) -> str:
    """The key of the resend of an announcement to its failed recipients (one per announcement)."""
    return f"resend:{announcement_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def _unique(recipients: Iterable[int]) -> list[int]:
    chats: dict[int, None] = {}
    for chat_id in recipients:
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id == 0:
            raise ValueError(f"recipients must be non-zero integer chat ids, not {chat_id!r}.")
        chats[chat_id] = None
    return list(chats)


class Outbox:
    """Announcements waiting or being sent, kept in a journal; one instance per data folder."""

    def __init__(
        self,
        folder: Path,
        *,
        clock: Callable[[], datetime] = _now,
        compact_after_bytes: int = COMPACT_AFTER_BYTES,
    ) -> None:
        self.folder = Path(folder)
        self.clock = clock
        self._announcements: dict[str, Announcement] = {}
        self._remaining: dict[str, dict[int, None]] = {}
        # Recipients counted failed, per announcement: what "resend to those who failed" sends.
        self._failed: dict[str, dict[int, None]] = {}
        self._keys: dict[str, str] = {}
        self._work = asyncio.Event()
        self._journal = Journal(self.folder, compact_after_bytes, in_use=IN_USE, owner="The outbox")
        try:
            for path, line, record in self._journal.recover():
                try:
                    self._apply(record)
                except Exception as error:  # any damage in a record is that line's damage
                    raise JournalCorruptError(
                        path, line, f"not an outbox change: {type(error).__name__}: {error}"
                    ) from None
            self._journal.start(self._snapshot)
        except BaseException:
            self._journal.release()
            raise

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Outbox:
        """The outbox kept in `data_dir`/outbox."""
        return cls(Path(data_dir) / OUTBOX_FOLDER)

    # ----- the changes, applied alike live and when the journal is replayed -----

    def _apply(self, record: Record) -> None:
        kind = record["t"]
        if kind == "queued":
            announcement = Announcement.from_document(record["a"])
            self._announcements[announcement.id] = announcement
            self._remaining[announcement.id] = dict.fromkeys(int(c) for c in record["to"])
            self._failed[announcement.id] = dict.fromkeys(int(c) for c in record.get("failed", []))
            if announcement.key is not None:
                self._keys[announcement.key] = announcement.id
        elif kind == "served":
            self._served(str(record["a"]), int(record["chat"]), record["as"])
        elif kind == "status":
            self._set_status(record)
        elif kind == "forgot":
            self._forget(int(record["chat"]))
        else:
            raise ValueError(f"unknown change {kind!r}")

    def _served(self, announcement_id: str, chat_id: int, outcome: str) -> None:
        remaining = self._remaining[announcement_id]
        if chat_id not in remaining:
            return  # erased meanwhile: no longer counted
        if outcome not in ("sent", "blocked", "failed"):
            raise ValueError(f"unknown outcome {outcome!r}")
        del remaining[chat_id]
        if outcome == "failed":
            self._failed[announcement_id][chat_id] = None
        announcement = self._announcements[announcement_id]
        count = getattr(announcement, outcome) + 1
        self._announcements[announcement_id] = announcement.model_copy(update={outcome: count})

    def _set_status(self, record: Record) -> None:
        announcement = self._announcements[str(record["a"])]
        document = {**announcement.to_document(), "status": record["status"]}
        if record["status"] == "failed" and not announcement.is_finished:
            # Given up on (the bot kept failing on it): everyone not served counts as failed.
            left = self._remaining[announcement.id]
            self._failed[announcement.id].update(left)
            document["failed"] = announcement.failed + len(left)
            left.clear()
        if record["status"] not in UNFINISHED:
            document["finished_at"] = record["at"]
            if "reason" in record:
                document["stop_reason"] = record["reason"]
        self._announcements[announcement.id] = Announcement.from_document(document)

    def _forget(self, chat_id: int) -> None:
        for failed in self._failed.values():
            failed.pop(chat_id, None)
        for announcement_id, remaining in self._remaining.items():
            announcement = self._announcements[announcement_id]
            if chat_id in remaining and not announcement.is_finished:
                del remaining[chat_id]
                self._announcements[announcement_id] = announcement.model_copy(
                    update={"total": announcement.total - 1}
                )

    def _snapshot(self) -> Iterable[Record]:
        for announcement_id, announcement in self._announcements.items():
            remaining = [] if announcement.is_finished else list(self._remaining[announcement_id])
            record: Record = {"t": "queued", "a": announcement.to_document(), "to": remaining}
            if self._failed[announcement_id]:
                record["failed"] = list(self._failed[announcement_id])
            yield record

    async def _change(self, record: Record) -> None:
        self._apply(record)
        self._journal.append(record)
        await self._journal.saved()

    # ----- the interface for staff commands and scheduled sends -----

    async def queue(
        self,
        *,
        kind: str,
        html: str,
        recipients: Sequence[int],
        created_by: int | None,
        key: str | None = None,
        buttons: Sequence[tuple[str, str]] = (),
    ) -> Announcement:
        """Store an announcement and its recipients durably; with a used `key`, the earlier one."""
        if key is not None and key in self._keys:
            return self._announcements[self._keys[key]]
        chats = _unique(recipients)
        announcement_id = "a" + secrets.token_hex(4)
        while announcement_id in self._announcements:
            announcement_id = "a" + secrets.token_hex(4)
        announcement = Announcement(
            id=announcement_id,
            kind=kind,
            html=html,
            created_by=created_by,
            created_at=self.clock(),
            key=key,
            total=len(chats),
            buttons=tuple(buttons) or None,
        )
        await self._change({"t": "queued", "a": announcement.to_document(), "to": chats})
        self._work.set()
        return self._announcements[announcement_id]

    async def cancel(self, announcement_id: str) -> bool:
        """Stop a queued or sending announcement; False if unknown or already finished."""
        announcement = self._announcements.get(announcement_id)
        if announcement is None or announcement.is_finished:
            return False
        await self.finish(announcement_id, "cancelled")
        return True

    async def announcements(self, *, limit: int = 20) -> list[Announcement]:
        """The newest announcements first, at most `limit`."""
        newest = list(reversed(self._announcements.values()))
        return newest[: max(limit, 0)]

    async def get(self, announcement_id: str) -> Announcement | None:
        """The announcement with this id, or None."""
        return self._announcements.get(announcement_id)

    async def has_key(self, key: str) -> bool:
        """Whether an announcement was queued with this idempotency key."""
        return key in self._keys

    def failed_recipients(self, announcement_id: str) -> list[int]:
        """The recipients counted failed, in the order they were queued (KeyError if unknown)."""
        return list(self._failed[announcement_id])

    async def resend_failed(
        self, announcement_id: str, recipients: Sequence[int], created_by: int
    ) -> tuple[Announcement, bool] | None:
        """Queue a finished announcement again to `recipients` (those of its failed still
        reachable), once: (the resend, True if queued now); None if unknown or unfinished."""
        announcement = self._announcements.get(announcement_id)
        if announcement is None or not announcement.is_finished:
            return None
        key = resend_key(announcement_id)
        if key in self._keys:
            return self._announcements[self._keys[key]], False
        resent = await self.queue(
            kind=announcement.kind,
            html=announcement.html,
            recipients=recipients,
            created_by=created_by,
            key=key,
        )
        return resent, True

    # ----- personal data -----

    async def pending_for(self, user_id: int) -> list[Announcement]:
        """Unfinished announcements still to be sent to this person, oldest first."""
        return [
            announcement
            for announcement in self._announcements.values()
            if not announcement.is_finished and user_id in self._remaining[announcement.id]
        ]

    async def forget_recipient(self, user_id: int) -> int:
        """Remove the person from every unfinished announcement's recipients; how many."""
        pending = await self.pending_for(user_id)
        if pending:
            await self._change({"t": "forgot", "chat": user_id})
        return len(pending)

    # ----- the broadcaster's side -----

    def next_unfinished(self, skipping: Collection[str] = ()) -> Announcement | None:
        """The oldest announcement not yet finished (and not in `skipping`), or None."""
        return next(
            (a for a in self._announcements.values() if not a.is_finished and a.id not in skipping),
            None,
        )

    async def wait_for_work(self) -> None:
        """Return once something was queued (or wake() was called) since the last call."""
        await self._work.wait()
        self._work.clear()

    def wake(self) -> None:
        """Make a waiting wait_for_work() return (to stop the broadcaster)."""
        self._work.set()

    def announcement(self, announcement_id: str) -> Announcement:
        """The announcement with this id (KeyError if unknown)."""
        return self._announcements[announcement_id]

    def recipients_left(self, announcement_id: str) -> list[int]:
        """The recipients not yet served, in the order they were queued."""
        return list(self._remaining[announcement_id])

    def is_due(self, announcement_id: str, chat_id: int) -> bool:
        """Whether this chat still waits for this (unfinished) announcement."""
        announcement = self._announcements[announcement_id]
        return not announcement.is_finished and chat_id in self._remaining[announcement_id]

    async def start_sending(self, announcement_id: str) -> None:
        """Mark a queued announcement as being sent."""
        if self._announcements[announcement_id].status == "queued":
            await self._change({"t": "status", "a": announcement_id, "status": "sending"})

    async def record(self, announcement_id: str, chat_id: int, outcome: Outcome) -> None:
        """Record one recipient served; returns once that is on disk."""
        await self._change({"t": "served", "a": announcement_id, "chat": chat_id, "as": outcome})

    async def finish(
        self, announcement_id: str, status: AnnouncementStatus, reason: str | None = None
    ) -> Announcement:
        """Mark an announcement done, cancelled or stopped (with the reason)."""
        change: Record = {
            "t": "status",
            "a": announcement_id,
            "status": status,
            "at": self.clock().isoformat(),
        }
        if reason is not None:
            change["reason"] = reason
        await self._change(change)
        return self._announcements[announcement_id]

    async def close(self) -> None:
        """Save everything, fold the journal into a snapshot and release the folder."""
        await self._journal.close()
