"""Conversations handed to a person: threads, staff replies waiting, and the question to pass on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

# A question the FAQ could not answer is passed on with a handoff started within this time, and
# kept no longer (the privacy texts say one day).
KEEP_UNANSWERED = timedelta(days=1)

MAX_HANDOFF_TEXT = 4000
MAX_FIRST_NAME = 200

ThreadStatus = Literal["asking", "open", "closed"]
Sender = Literal["person", "staff"]
ClosedBy = Literal["person", "staff", "erased"]


class HandoffMessage(Record):
    """One message of a thread, who sent it and when; a staff FAQ answer names the entry."""

    label: ClassVar[str] = "handoff message"

    sender: Sender
    text: str = Field(max_length=MAX_HANDOFF_TEXT)
    sent_at: AwareDatetime
    staff_id: int | None = None
    staff_name: str | None = Field(default=None, max_length=MAX_FIRST_NAME)
    faq_entry: str | None = None


class StaffCopy(Record):
    """A bot message in a staff chat that carries a thread, so a Telegram reply maps back."""

    label: ClassVar[str] = "staff copy"

    chat_id: int
    message_id: int = Field(gt=0)


class HandoffThread(Record):
    """A person's conversation with the programme team."""

    label: ClassVar[str] = "handoff thread"

    id: int = Field(gt=0)
    chat_id: int = Field(gt=0)
    first_name: str = Field(default="", max_length=MAX_FIRST_NAME)
    city: str | None = None
    country: str | None = None
    unanswered_question: str | None = Field(default=None, max_length=MAX_HANDOFF_TEXT)
    opened_at: AwareDatetime
    status: ThreadStatus
    messages: tuple[HandoffMessage, ...] = ()
    staff_copies: tuple[StaffCopy, ...] = ()
    closed_at: AwareDatetime | None = None
    closed_by: ClosedBy | None = None
    # The staff member who closed it, so a colleague pressing at the same time is told who.
    closer_name: str | None = Field(default=None, max_length=MAX_FIRST_NAME)

    @property
    def is_active(self) -> bool:
        """Whether the person's messages still go to this thread."""
        return self.status != "closed"

    def person_document(self) -> dict[str, Any]:
        """The thread for the person's own export: what was said, when, and by whom (first name)."""
        # Staff ids and the staff chats' message ids are the desk's, not the person's, data.
        document = self.model_dump(mode="json", exclude_none=True, exclude={"staff_copies"})
        for message in document.get("messages", ()):
            message.pop("staff_id", None)
        return document

    @property
    def answered(self) -> bool:
        """Whether staff answered at least once."""
        return any(message.sender == "staff" for message in self.messages)

    @property
    def waiting_since(self) -> datetime | None:
        """When the oldest person message no staff message followed was sent; None if none."""
        since: datetime | None = None
        for message in self.messages:
            if message.sender == "staff":
                since = None
            elif since is None:
                since = message.sent_at
        return since

    @property
    def is_waiting(self) -> bool:
        """Open, with a person's message no staff message has followed yet."""
        return self.status == "open" and self.waiting_since is not None

    def answered_by_other_since(self, staff_id: int, since: datetime) -> HandoffMessage | None:
        """The first staff message of someone else than `staff_id` sent from `since` on, if any.

        From, not after: the clocks keep whole seconds, and two answers in one second race.
        """
        return next(
            (
                m
                for m in self.messages
                if m.sender == "staff" and m.staff_id != staff_id and m.sent_at >= since
            ),
            None,
        )


def count_handoffs(threads: Iterable[HandoffThread]) -> tuple[int, int]:
    """(threads staff answered at least once, open threads waiting for a staff answer)."""
    kept = list(threads)
    return sum(t.answered for t in kept), sum(t.is_waiting for t in kept)


class PendingReply(Record):
    """A staff member pressed Reply: their next message in that chat answers the thread."""

    label: ClassVar[str] = "pending staff reply"

    staff_id: int = Field(gt=0)
    chat_id: int
    thread_id: int = Field(gt=0)
    since: AwareDatetime
    # The "your next message goes to..." prompt, edited once the answer is sent.
    prompt_message_id: int | None = Field(default=None, gt=0)


class UnansweredHint(Record):
    """The last question the FAQ could not answer in a chat, passed on if they reach a person."""

    label: ClassVar[str] = "unanswered question"

    chat_id: int = Field(gt=0)
    question: str = Field(max_length=MAX_HANDOFF_TEXT)
    asked_at: AwareDatetime


class HandoffCounter(Record):
    """The last thread id given out, so an erased thread's id (on old buttons) is never reused."""

    label: ClassVar[str] = "handoff counter"

    last_id: int = Field(ge=0)


class HandoffIndex:
    """What the handler filters ask on every message, mirrored in memory from the files."""

    def __init__(self) -> None:
        self._active_chats: dict[int, int] = {}
        self._copies: dict[tuple[int, int], int] = {}
        self._pending: dict[int, PendingReply] = {}

    def note_thread(self, thread: HandoffThread) -> None:
        """Mirror a written thread."""
        self.drop_thread(thread)
        if thread.is_active:
            self._active_chats[thread.chat_id] = thread.id
        for copy in thread.staff_copies:
            self._copies[(copy.chat_id, copy.message_id)] = thread.id

    def drop_thread(self, thread: HandoffThread) -> None:
        """Forget a thread (before it is rewritten, or when it is erased)."""
        if self._active_chats.get(thread.chat_id) == thread.id:
            del self._active_chats[thread.chat_id]
        for key in [key for key, thread_id in self._copies.items() if thread_id == thread.id]:
            del self._copies[key]

    def note_pending(self, pending: PendingReply) -> None:
        """Mirror a staff member's pending reply."""
        self._pending[pending.staff_id] = pending

    def drop_pending(self, staff_id: int) -> None:
        """Forget a staff member's pending reply."""
        self._pending.pop(staff_id, None)

    def drop_pending_for_thread(self, thread_id: int) -> list[int]:
        """Forget every pending reply to a thread; the staff ids whose reply went."""
        gone = [staff for staff, pending in self._pending.items() if pending.thread_id == thread_id]
        for staff_id in gone:
            del self._pending[staff_id]
        return gone

    def active_thread_of(self, chat_id: int) -> int | None:
        """The id of the chat's thread still taking messages, if any."""
        return self._active_chats.get(chat_id)

    def thread_of_copy(self, chat_id: int, message_id: int) -> int | None:
        """The thread a staff chat message carries, if any."""
        return self._copies.get((chat_id, message_id))

    def pending_of(self, staff_id: int) -> PendingReply | None:
        """The staff member's pending reply, if any."""
        return self._pending.get(staff_id)
