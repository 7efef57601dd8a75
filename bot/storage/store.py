"""The bot's records behind named async methods; the only module that queries TinyDB tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TypeVar, cast

from tinydb.table import Document, Table

from bot.storage.announcements import (
    ScheduledAnnouncement,
    ScheduledStatus,
    SkippedNotice,
    SkipReason,
)
from bot.storage.audit import MAX_DETAIL_CHARS, MAX_NAME_CHARS, AuditEntry, is_action_kind, one_line
from bot.storage.batching import GroupCommit
from bot.storage.call import CALL_RECORD_ID, CallRecord
from bot.storage.clusters import HandledCluster
from bot.storage.handoffs import (
    MAX_HANDOFF_TEXT,
    ClosedBy,
    HandoffCounter,
    HandoffIndex,
    HandoffMessage,
    HandoffThread,
    PendingReply,
    StaffCopy,
    UnansweredHint,
    count_handoffs,
)
from bot.storage.outbox import Announcement
from bot.storage.question_stats import MAX_ENTRY_ID_CHARS, OUTCOMES, Outcome, QuestionDay
from bot.storage.questions import (
    KEPT_CANDIDATES,
    MAX_QUESTION_CHARS,
    LoggedQuestion,
    mask_personal_data,
)
from bot.storage.records import Record
from bot.storage.registrations import Registration, RegistrationDraft, city_key
from bot.storage.subscribers import ChatStatus, Subscription
from bot.storage.tables import RecordTable, read_records
from faq.call import CallOverrides

QUESTION_LOG_CAP = 5000
R = TypeVar("R", bound=Record)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_id(value: object, what: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        raise ValueError(f"{what} must be a non-zero integer Telegram id, not {value!r}.")
    if positive and value < 0:
        raise ValueError(f"{what} must be a positive Telegram user id, not {value}.")
    return value


@dataclass(frozen=True)
class UserData:
    """Everything the store keeps about one person."""

    user_id: int
    registration: Registration | None
    subscription: Subscription | None
    chat: ChatStatus | None
    draft: RegistrationDraft | None = None
    handoffs: tuple[HandoffThread, ...] = ()
    unanswered: UnansweredHint | None = None
    # Announcements still to be sent to them (the outbox's part, added by the caller).
    queued: tuple[Announcement, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing at all is kept about them."""
        kept = (self.registration, self.subscription, self.chat, self.draft, self.unanswered)
        return all(record is None for record in kept) and not self.queued and not self.handoffs

    def to_json(self) -> dict[str, Any]:
        """The export as JSON values."""

        def document(record: Record | None) -> dict[str, Any] | None:
            return None if record is None else record.to_document()

        return {
            "user_id": self.user_id,
            "registration": document(self.registration),
            "subscription": document(self.subscription),
            "chat": document(self.chat),
            "draft": document(self.draft),
            "conversations_with_the_team": [thread.person_document() for thread in self.handoffs],
            "last_unanswered_question": document(self.unanswered),
            "queued_messages": [
                {"id": a.id, "kind": a.kind, "html": a.html, "queued_at": a.created_at.isoformat()}
                for a in self.queued
            ],
        }


def read_registrations(data_dir: Path) -> list[Registration]:
    """The registrations in a data folder, read without writing (safe while the bot runs)."""
    return read_records(Path(data_dir) / "registrations.json", "registrations", Registration)


def read_question_days(data_dir: Path) -> list[QuestionDay]:
    """The question counts of a data folder, oldest day first, read without writing."""
    return read_records(Path(data_dir) / "question_stats.json", "question_stats", QuestionDay)


def read_subscriptions(data_dir: Path) -> tuple[list[Subscription], list[ChatStatus]]:
    """The subscriptions and chat statuses of a data folder, read without writing."""
    folder = Path(data_dir)
    return (
        read_records(folder / "subscribers.json", "subscribers", Subscription),
        read_records(folder / "chats.json", "chats", ChatStatus),
    )


def read_handoffs(data_dir: Path) -> list[HandoffThread]:
    """The handoff threads of a data folder, read without writing (safe while the bot runs)."""
    return read_records(Path(data_dir) / "handoffs.json", "handoffs", HandoffThread)


def read_staff_actions(data_dir: Path) -> list[AuditEntry]:
    """The audit log of a data folder, oldest first, read without writing."""
    return read_records(Path(data_dir) / "audit.json", "audit", AuditEntry)


class Store:
    """Registrations, subscribers, chat reachability, the question log and the call state."""

    def __init__(self, data_dir: Path, *, question_log_cap: int = QUESTION_LOG_CAP) -> None:
        if question_log_cap < 1:
            raise ValueError(f"question_log_cap must be at least 1, not {question_log_cap}.")
        self.data_dir = Path(data_dir)
        self._question_log_cap = question_log_cap
        self._tables: list[RecordTable[Any]] = []
        self._registrations = self._open("registrations", Registration)
        self._drafts = self._open("drafts", RegistrationDraft)
        self._subscribers = self._open("subscribers", Subscription)
        self._chats = self._open("chats", ChatStatus)
        self._questions = self._open("questions", LoggedQuestion)
        self._call = self._open("call", CallRecord)
        self._call_record: CallRecord | None = None
        self._scheduled = self._open("scheduled", ScheduledAnnouncement)
        self._skipped = self._open("skipped_notices", SkippedNotice)
        self._open_handoff_tables()
        self._audit = self._open("audit", AuditEntry)
        self._handled_clusters = self._open("handled_clusters", HandledCluster)
        self._question_days = self._open("question_stats", QuestionDay)
        self._question_counts: GroupCommit[tuple[date, Outcome, str | None]] = GroupCommit(
            self._write_question_counts
        )
        self._closed = False

    def _open(self, name: str, kind: type[R]) -> RecordTable[R]:
        try:
            opened = RecordTable.open(self.data_dir / f"{name}.json", name, kind)
        except BaseException:
            for table in self._tables:
                table.database.close()
            raise
        self._tables.append(opened)
        return opened

    def _open_table(self, table: RecordTable[R]) -> RecordTable[R]:
        if self._closed:
            raise RuntimeError("the store is closed; build a new Store to read or write data")
        return table

    async def close(self) -> None:
        """Wait for running writes, then release the files; later calls raise RuntimeError."""
        if self._closed:
            return
        self._closed = True
        for table in self._tables:
            await table.close()

    # Registrations, keyed by Telegram user id.

    async def save_registration(self, registration: Registration) -> None:
        """Create or replace the registration of `registration.user_id`."""
        if not isinstance(registration, Registration):
            raise TypeError(f"save_registration takes a Registration, not {registration!r}.")
        table = self._open_table(self._registrations)
        await table.run(lambda t: table.put(t, registration.user_id, registration))

    async def get_registration(self, user_id: int) -> Registration | None:
        """The user's registration, or None."""
        _check_id(user_id, "user_id", positive=True)
        table = self._open_table(self._registrations)
        return await table.run(lambda t: table.get(t, user_id))

    async def all_registrations(self) -> list[Registration]:
        """Every registration, oldest user id first."""
        table = self._open_table(self._registrations)
        return await table.run(table.all)

    async def registrations_of_city(self, city: str, country: str) -> list[Registration]:
        """Registrations of this city (case and spacing ignored) in this country."""
        wanted = (city_key(city), country.upper())
        table = self._open_table(self._registrations)

        def same_city(t: Table) -> list[Registration]:
            found = [
                doc
                for doc in t.all()
                if (city_key(str(doc.get("city", ""))), doc.get("country")) == wanted
            ]
            return [Registration.from_document(dict(doc)) for doc in found]

        return await table.run(same_city)

    async def delete_registration(self, user_id: int) -> bool:
        """Delete the user's registration; False if there was none."""
        _check_id(user_id, "user_id", positive=True)
        table = self._open_table(self._registrations)
        return await table.run(lambda t: table.remove(t, user_id))

    async def count_registrations(self) -> int:
        """How many registrations are stored."""
        return await self._open_table(self._registrations).run(len)

    # Drafts of /register, keyed by user id: written at every step so a restart loses none.

    async def save_draft(self, draft: RegistrationDraft) -> None:
        """Create or replace the user's draft."""
        if not isinstance(draft, RegistrationDraft):
            raise TypeError(f"save_draft takes a RegistrationDraft, not {draft!r}.")
        table = self._open_table(self._drafts)
        await table.run(lambda t: table.put(t, draft.user_id, draft))

    async def get_draft(self, user_id: int) -> RegistrationDraft | None:
        """The user's draft, or None."""
        _check_id(user_id, "user_id", positive=True)
        table = self._open_table(self._drafts)
        return await table.run(lambda t: table.get(t, user_id))

    async def delete_draft(self, user_id: int) -> bool:
        """Drop the user's draft; False if there was none."""
        _check_id(user_id, "user_id", positive=True)
        table = self._open_table(self._drafts)
        return await table.run(lambda t: table.remove(t, user_id))

    async def delete_drafts_idle_since(self, moment: datetime) -> list[int]:
        """Drop every draft last touched before `moment`; the user ids whose draft went."""
        table = self._open_table(self._drafts)

        def drop(t: Table) -> list[int]:
            stale = [d.user_id for d in table.all(t) if d.last_activity < moment]
            if stale:
                t.remove(doc_ids=stale)
            return stale

        return await table.run(drop)

    # Subscribers: consent to news and reminders, with the time it was given.

    async def add_subscriber(self, chat_id: int) -> bool:
        """Record consent for the chat; False if it was already subscribed."""
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._subscribers)

        def add(t: Table) -> bool:
            if t.contains(doc_id=chat_id):
                return False
            table.put(t, chat_id, Subscription(chat_id=chat_id, consented_at=_now()))
            return True

        return await table.run(add)

    async def remove_subscriber(self, chat_id: int) -> bool:
        """Withdraw the chat's consent; False if it was not subscribed."""
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._subscribers)
        return await table.run(lambda t: table.remove(t, chat_id))

    async def get_subscription(self, chat_id: int) -> Subscription | None:
        """The chat's consent record, or None when it is not subscribed."""
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._subscribers)
        return await table.run(lambda t: table.get(t, chat_id))

    async def is_subscriber(self, chat_id: int) -> bool:
        """Whether the chat has consented (blocked or not)."""
        return await self.get_subscription(chat_id) is not None

    async def active_subscribers(self) -> list[int]:
        """Subscribed chats that have not blocked the bot, in ascending id order."""
        subscribed = await self._open_table(self._subscribers).run(
            lambda t: [doc.doc_id for doc in t.all()]
        )
        blocked = await self._open_table(self._chats).run(
            lambda t: {doc.doc_id for doc in t.all() if doc.get("blocked")}
        )
        return sorted(chat_id for chat_id in subscribed if chat_id not in blocked)

    # Chat reachability: a blocked chat keeps its data but gets no messages.

    async def mark_chat_blocked(self, chat_id: int) -> None:
        """The chat blocked or removed the bot: stop sending to it."""
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._chats)
        status = ChatStatus(chat_id=chat_id, blocked=True, changed_at=_now())
        await table.run(lambda t: table.put(t, chat_id, status))

    async def mark_chat_reachable(self, chat_id: int) -> None:
        """The chat (re)allowed the bot: sending may resume, and no record of it is kept."""
        # A reachable chat is the normal case: keeping a record of it would be data about
        # everyone who ever sent /start, for no use.
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._chats)
        await table.run(lambda t: table.remove(t, chat_id))

    async def get_chat_status(self, chat_id: int) -> ChatStatus | None:
        """Whether (and since when) the chat blocked the bot; None if never recorded."""
        _check_id(chat_id, "chat_id", positive=False)
        table = self._open_table(self._chats)
        return await table.run(lambda t: table.get(t, chat_id))

    async def is_chat_blocked(self, chat_id: int) -> bool:
        """Whether the chat has blocked the bot."""
        status = await self.get_chat_status(chat_id)
        return status is not None and status.blocked

    # FAQ questions the bot could not answer (no user id is kept).

    async def log_unanswered_question(
        self, question: str, decision: str, candidates: Sequence[tuple[str, float]]
    ) -> None:
        """Log a question, personal data masked, with the matcher's decision and best candidates."""
        if not isinstance(question, str) or not isinstance(decision, str):
            raise ValueError("question and decision must be strings.")
        await self._append_question(question, decision, candidates, None)

    async def log_suggestion_choice(
        self, question: str, chosen_entry: str | None, candidates: Sequence[tuple[str, float]]
    ) -> None:
        """Log a press under a suggestion: the entry chosen ("chosen") or None of these ("none")."""
        if not isinstance(question, str):
            raise ValueError("question must be a string.")
        if chosen_entry is not None and not isinstance(chosen_entry, str):
            raise ValueError("chosen_entry must be an entry id or None.")
        decision = "none" if chosen_entry is None else "chosen"
        await self._append_question(question, decision, candidates, chosen_entry)

    async def log_wrong_answer(
        self, question: str, answered_entry: str, candidates: Sequence[tuple[str, float]]
    ) -> None:
        """Log "Not what I asked" under an answer: the question and the entry that answered it."""
        if not isinstance(question, str) or not isinstance(answered_entry, str):
            raise ValueError("question and answered_entry must be strings.")
        await self._append_question(question, "wrong", candidates, answered_entry)

    async def _append_question(
        self,
        question: str,
        decision: str,
        candidates: Sequence[tuple[str, float]],
        chosen_entry: str | None,
    ) -> None:
        entry = LoggedQuestion.model_validate(
            {
                # Masked before the cut, so a cut cannot leave half a phone number unmasked.
                "question": _shortened(mask_personal_data(question), MAX_QUESTION_CHARS),
                "decision": decision,
                "candidates": [
                    (str(entry_id), round(float(score), 2))
                    for entry_id, score in list(candidates)[:KEPT_CANDIDATES]
                ],
                "asked_at": _now(),
                "chosen_entry": chosen_entry,
            }
        )
        cap = self._question_log_cap
        # Trimming in batches keeps most inserts to a single write.
        slack = max(1, cap // 50)
        document = entry.to_document()

        def append(t: Table) -> None:
            t.insert(document)
            if len(t) > cap + slack:
                ids = sorted(doc.doc_id for doc in t)
                t.remove(doc_ids=ids[: len(ids) - cap])

        await self._open_table(self._questions).run(append)

    async def unanswered_questions(self, limit: int = 100) -> list[LoggedQuestion]:
        """The newest logged questions first, at most `limit`."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"limit must be a non-negative integer, not {limit!r}.")
        table = self._open_table(self._questions)

        def newest(t: Table) -> list[LoggedQuestion]:
            documents: list[Document] = sorted(t.all(), key=lambda doc: doc.doc_id, reverse=True)
            return [LoggedQuestion.from_document(dict(doc)) for doc in documents[:limit]]

        return await table.run(newest)

    # How questions ended, counted per day of the given zone (no text, no user id).

    async def count_question(
        self, outcome: str, entry_id: str | None, *, zone: tzinfo = UTC
    ) -> None:
        """Count one question of today (in `zone`) by outcome; `entry_id` only with "answer"."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}.")
        if entry_id is not None and (
            not isinstance(entry_id, str) or not 1 <= len(entry_id) <= MAX_ENTRY_ID_CHARS
        ):
            raise ValueError(f"entry_id must be a FAQ entry id or None, not {entry_id!r}.")
        self._open_table(self._question_days)  # a closed store refuses at once
        today = _now().astimezone(zone).date()
        await self._question_counts.add((today, cast(Outcome, outcome), entry_id))

    async def _write_question_counts(self, counts: list[tuple[date, Outcome, str | None]]) -> None:
        """One durable write per day for a batch of counted questions."""
        table = self._open_table(self._question_days)
        days: dict[date, list[tuple[Outcome, str | None]]] = {}
        for day, outcome, entry_id in counts:
            days.setdefault(day, []).append((outcome, entry_id))

        def count(t: Table) -> None:
            for day, questions in days.items():
                doc_id = day.toordinal()
                record = table.get(t, doc_id) or QuestionDay(day=day)
                for outcome, entry_id in questions:
                    record = record.counted(outcome, entry_id)
                table.put(t, doc_id, record)

        await table.run(count)

    async def question_days(self) -> list[QuestionDay]:
        """The question counts of every day with a question, oldest first."""
        table = self._open_table(self._question_days)
        return await table.run(table.all)

    async def chat_statuses(self) -> list[ChatStatus]:
        """Every recorded chat status (only blocked chats are recorded), by chat id."""
        table = self._open_table(self._chats)
        return await table.run(table.all)

    async def subscriptions(self) -> list[Subscription]:
        """Every subscription, blocked or not, by chat id."""
        table = self._open_table(self._subscribers)
        return await table.run(table.all)

    # Call values set by staff.

    async def get_call_overrides(self) -> CallOverrides:
        """The staff-set call values (empty when staff set none)."""
        # Read on every FAQ answer; this Store is the file's only writer, so memory stays true.
        if self._call_record is None:
            table = self._open_table(self._call)
            stored = await table.run(lambda t: table.get(t, CALL_RECORD_ID))
            self._call_record = stored or CallRecord()
        return self._call_record.overrides()

    async def save_call_overrides(self, overrides: CallOverrides) -> None:
        """Replace the staff-set call values."""
        record = CallRecord.of(overrides)
        table = self._open_table(self._call)
        self._call_record = None
        await table.run(lambda t: table.put(t, CALL_RECORD_ID, record))
        self._call_record = record

    # Announcements staff scheduled, and notices skipped because their time was long past.

    async def add_scheduled(
        self, *, html: str, send_at: datetime, created_by: int
    ) -> ScheduledAnnouncement:
        """Keep a message to send at `send_at`; the stored record with its new id."""
        table = self._open_table(self._scheduled)

        def add(t: Table) -> ScheduledAnnouncement:
            doc_id = max((doc.doc_id for doc in t.all()), default=0) + 1
            record = ScheduledAnnouncement(
                id=str(doc_id), html=html, send_at=send_at, created_by=created_by, created_at=_now()
            )
            table.put(t, doc_id, record)
            return record

        return await table.run(add)

    async def scheduled_announcements(self) -> list[ScheduledAnnouncement]:
        """Every scheduled message, whatever its status, oldest first."""
        table = self._open_table(self._scheduled)
        return await table.run(table.all)

    async def get_scheduled(self, scheduled_id: str) -> ScheduledAnnouncement | None:
        """One scheduled message, or None for an unknown id."""
        if not scheduled_id.isdigit():
            return None
        table = self._open_table(self._scheduled)
        return await table.run(lambda t: table.get(t, int(scheduled_id)))

    async def set_scheduled_status(
        self, scheduled_id: str, status: ScheduledStatus, *, only_if: ScheduledStatus = "scheduled"
    ) -> bool:
        """Move a scheduled message on from `only_if`; False when it was not in that status."""
        table = self._open_table(self._scheduled)

        def update(t: Table) -> bool:
            current = table.get(t, int(scheduled_id)) if scheduled_id.isdigit() else None
            if current is None or current.status != only_if:
                return False
            table.put(t, int(scheduled_id), current.model_copy(update={"status": status}))
            return True

        return await table.run(update)

    async def record_skipped(
        self,
        key: str,
        due_at: datetime,
        *,
        reported: bool = False,
        reason: SkipReason | None = None,
    ) -> bool:
        """Note that the notice with this key was skipped (and why); False if noted before."""
        table = self._open_table(self._skipped)

        def add(t: Table) -> bool:
            if any(doc.get("key") == key for doc in t.all()):
                return False
            doc_id = max((doc.doc_id for doc in t.all()), default=0) + 1
            skip = SkippedNotice(
                key=key, due_at=due_at, skipped_at=_now(), reported=reported, reason=reason
            )
            table.put(t, doc_id, skip)
            return True

        return await table.run(add)

    async def is_skipped(self, key: str) -> bool:
        """Whether the notice with this key was skipped."""
        table = self._open_table(self._skipped)
        return await table.run(lambda t: any(doc.get("key") == key for doc in t.all()))

    async def skipped_notices(self) -> list[SkippedNotice]:
        """Every skipped notice, oldest first."""
        table = self._open_table(self._skipped)
        return list(await table.run(table.all))

    async def unreported_skips(self) -> list[SkippedNotice]:
        """Skipped notices staff have not been told about, oldest first."""
        table = self._open_table(self._skipped)
        return [skip for skip in await table.run(table.all) if not skip.reported]

    async def mark_skips_reported(self, keys: Sequence[str]) -> None:
        """Staff were told of these skipped notices: never tell them again."""
        table = self._open_table(self._skipped)
        wanted = set(keys)

        def mark(t: Table) -> None:
            for doc in list(t.all()):
                if doc.get("key") in wanted:
                    record = SkippedNotice.from_document(dict(doc))
                    table.put(t, doc.doc_id, record.model_copy(update={"reported": True}))

        await table.run(mark)

    # Conversations handed to a person (threads keyed by their id; the person's chat in each).

    def _open_handoff_tables(self) -> None:
        self._handoffs = self._open("handoffs", HandoffThread)
        self._handoff_replies = self._open("handoff_replies", PendingReply)
        self._handoff_hints = self._open("handoff_hints", UnansweredHint)
        self._handoff_ids = self._open("handoff_ids", HandoffCounter)
        # Handler filters run synchronously on every message: they read this mirror.
        self._handoff_index = HandoffIndex()
        for thread in self._handoffs.read_all_now():
            self._handoff_index.note_thread(thread)
        for pending in self._handoff_replies.read_all_now():
            self._handoff_index.note_pending(pending)

    def _put_thread(self, t: Table, thread: HandoffThread) -> HandoffThread:
        self._handoffs.put(t, thread.id, thread)
        self._handoff_index.note_thread(thread)
        return thread

    async def _change_thread(
        self, thread_id: int, change: Callable[[HandoffThread], HandoffThread | None]
    ) -> HandoffThread | None:
        table = self._open_table(self._handoffs)

        def update(t: Table) -> HandoffThread | None:
            current = table.get(t, thread_id)
            changed = None if current is None else change(current)
            return None if changed is None else self._put_thread(t, changed)

        return await table.run(update)

    async def _next_handoff_id(self) -> int:
        table = self._open_table(self._handoff_ids)

        def take(t: Table) -> int:
            counter = table.get(t, 1) or HandoffCounter(last_id=0)
            table.put(t, 1, HandoffCounter(last_id=counter.last_id + 1))
            return counter.last_id + 1

        return await table.run(take)

    async def start_handoff(
        self,
        chat_id: int,
        *,
        first_name: str,
        city: str | None = None,
        country: str | None = None,
        unanswered_question: str | None = None,
    ) -> HandoffThread:
        """A new thread waiting for the person's first message, or their thread still active."""
        _check_id(chat_id, "chat_id", positive=True)
        existing = await self.active_handoff(chat_id)
        if existing is not None:
            return existing
        thread = HandoffThread(
            id=await self._next_handoff_id(),
            chat_id=chat_id,
            first_name=_shortened(first_name, 200),
            city=city,
            country=country,
            unanswered_question=unanswered_question,
            opened_at=_now(),
            status="asking",
        )
        table = self._open_table(self._handoffs)
        return await table.run(lambda t: self._put_thread(t, thread))

    async def get_handoff(self, thread_id: int) -> HandoffThread | None:
        """One thread, or None for an unknown (or erased) id."""
        table = self._open_table(self._handoffs)
        return await table.run(lambda t: table.get(t, thread_id))

    def active_handoff_id(self, chat_id: int) -> int | None:
        """The id of the chat's thread still taking its messages (read from memory, no wait)."""
        return self._handoff_index.active_thread_of(chat_id)

    async def active_handoff(self, chat_id: int) -> HandoffThread | None:
        """The chat's thread still taking its messages (asking or open), if any."""
        thread_id = self.active_handoff_id(chat_id)
        return None if thread_id is None else await self.get_handoff(thread_id)

    async def add_handoff_message(
        self, thread_id: int, message: HandoffMessage
    ) -> HandoffThread | None:
        """Add a message to an active thread (its first opens it); None if it is not active."""

        def add(thread: HandoffThread) -> HandoffThread | None:
            if not thread.is_active:
                return None
            return thread.model_copy(
                update={"messages": (*thread.messages, message), "status": "open"}
            )

        return await self._change_thread(thread_id, add)

    async def add_handoff_staff_copies(
        self, thread_id: int, copies: Sequence[StaffCopy]
    ) -> HandoffThread | None:
        """Remember staff chat messages that carry the thread; None for an unknown thread."""

        def add(thread: HandoffThread) -> HandoffThread:
            kept = (*thread.staff_copies, *(c for c in copies if c not in thread.staff_copies))
            return thread.model_copy(update={"staff_copies": kept})

        return await self._change_thread(thread_id, add)

    async def close_handoff(
        self,
        thread_id: int,
        by: ClosedBy,
        *,
        closer_name: str | None = None,
        last_message: HandoffMessage | None = None,
    ) -> HandoffThread | None:
        """Close an active thread, adding `last_message` if given; None if it was not active.

        A compare-and-set under the table's lock: of two staff closing at once, one wins.
        """

        def close(thread: HandoffThread) -> HandoffThread | None:
            if not thread.is_active:
                return None
            name = _shortened(closer_name, 200) if closer_name else None
            added = () if last_message is None else (last_message,)
            return thread.model_copy(
                update={
                    "messages": (*thread.messages, *added),
                    "status": "closed",
                    "closed_at": _now(),
                    "closed_by": by,
                    "closer_name": name,
                }
            )

        closed = await self._change_thread(thread_id, close)
        if closed is not None:
            await self._clear_pending_replies_to(thread_id)
        return closed

    async def reopen_handoff(self, thread_id: int) -> HandoffThread | None:
        """Undo a staff close whose message could not be delivered; None if not closed by staff."""

        def reopen(thread: HandoffThread) -> HandoffThread | None:
            if thread.status != "closed" or thread.closed_by != "staff":
                return None
            update = {"status": "open", "closed_at": None, "closed_by": None, "closer_name": None}
            return thread.model_copy(update=update)

        return await self._change_thread(thread_id, reopen)

    async def answer_handoff(
        self, thread_id: int, message: HandoffMessage, *, since: datetime
    ) -> HandoffThread | HandoffMessage | None:
        """Add a staff answer if the thread is open and no colleague answered after `since`.

        Compare-and-set under the table's lock: the thread with the answer when it was added;
        the colleague's answer when one came first; None when the thread is not open.
        """
        staff_id = message.staff_id or 0
        outcome: list[HandoffMessage] = []

        def add(thread: HandoffThread) -> HandoffThread | None:
            if thread.status != "open":
                return None
            earlier = thread.answered_by_other_since(staff_id, since)
            if earlier is not None:
                outcome.append(earlier)
                return None
            return thread.model_copy(update={"messages": (*thread.messages, message)})

        added = await self._change_thread(thread_id, add)
        return outcome[0] if outcome else added

    async def withdraw_handoff_message(
        self, thread_id: int, message: HandoffMessage
    ) -> HandoffThread | None:
        """Take back a staff answer that could not be delivered; None if it is not there."""

        def withdraw(thread: HandoffThread) -> HandoffThread | None:
            if message not in thread.messages:
                return None
            kept = tuple(m for m in thread.messages if m != message)
            return thread.model_copy(update={"messages": kept})

        return await self._change_thread(thread_id, withdraw)

    async def discard_handoff(self, thread_id: int) -> bool:
        """Drop a thread nothing was written in yet (the person cancelled); False otherwise."""
        table = self._open_table(self._handoffs)

        def drop(t: Table) -> bool:
            thread = table.get(t, thread_id)
            if thread is None or thread.status != "asking":
                return False
            self._handoff_index.drop_thread(thread)
            return table.remove(t, thread_id)

        return await table.run(drop)

    async def open_handoffs(self) -> list[HandoffThread]:
        """Threads with a message, not closed, oldest first."""
        table = self._open_table(self._handoffs)
        threads = await table.run(table.all)
        return sorted((t for t in threads if t.status == "open"), key=lambda t: t.opened_at)

    async def handoffs_of(self, chat_id: int) -> list[HandoffThread]:
        """Every thread of this person, oldest first."""
        table = self._open_table(self._handoffs)
        threads = await table.run(table.all)
        return [thread for thread in threads if thread.chat_id == chat_id]

    def handoff_id_of_staff_message(self, chat_id: int, message_id: int) -> int | None:
        """The thread a staff chat message carries (read from memory, no wait)."""
        return self._handoff_index.thread_of_copy(chat_id, message_id)

    async def handoff_counts(self) -> tuple[int, int]:
        """(threads staff answered at least once, open threads waiting for a staff answer)."""
        table = self._open_table(self._handoffs)
        return count_handoffs(await table.run(table.all))

    # A staff member's Reply press: their next message in that chat is the answer.

    async def set_pending_reply(
        self,
        staff_id: int,
        chat_id: int,
        thread_id: int,
        *,
        prompt_message_id: int | None = None,
        since: datetime | None = None,
    ) -> None:
        """Take this staff member's next message in `chat_id` as their answer to the thread."""
        _check_id(staff_id, "staff_id", positive=True)
        pending = PendingReply(
            staff_id=staff_id,
            chat_id=chat_id,
            thread_id=thread_id,
            since=since or _now(),
            prompt_message_id=prompt_message_id,
        )
        table = self._open_table(self._handoff_replies)

        def put(t: Table) -> None:
            table.put(t, staff_id, pending)
            self._handoff_index.note_pending(pending)

        await table.run(put)

    def pending_reply(self, staff_id: int) -> PendingReply | None:
        """The staff member's pending reply, if any (read from memory, no wait)."""
        return self._handoff_index.pending_of(staff_id)

    async def clear_pending_reply(self, staff_id: int) -> bool:
        """The staff member's next message is no answer any more; False if none was pending."""
        table = self._open_table(self._handoff_replies)

        def drop(t: Table) -> bool:
            self._handoff_index.drop_pending(staff_id)
            return table.remove(t, staff_id)

        return await table.run(drop)

    async def _clear_pending_replies_to(self, thread_id: int) -> None:
        table = self._open_table(self._handoff_replies)

        def drop(t: Table) -> None:
            for staff_id in self._handoff_index.drop_pending_for_thread(thread_id):
                table.remove(t, staff_id)

        await table.run(drop)

    # The last question the FAQ could not answer in a chat, passed on if they reach a person.

    async def remember_unanswered(self, chat_id: int, question: str, *, keep: timedelta) -> None:
        """Keep the chat's latest unanswered question; drop everyone's older than `keep`."""
        _check_id(chat_id, "chat_id", positive=True)
        now = _now()
        hint = UnansweredHint(
            chat_id=chat_id, question=_shortened(question, MAX_HANDOFF_TEXT), asked_at=now
        )
        table = self._open_table(self._handoff_hints)

        def put(t: Table) -> None:
            stale = [h.chat_id for h in table.all(t) if now - h.asked_at >= keep]
            if stale:
                t.remove(doc_ids=stale)
            table.put(t, chat_id, hint)

        await table.run(put)

    async def forget_unanswered_before(self, cutoff: datetime) -> int:
        """Drop every chat's kept unanswered question asked before `cutoff`; how many went."""
        table = self._open_table(self._handoff_hints)

        def drop(t: Table) -> int:
            stale = [h.chat_id for h in table.all(t) if h.asked_at < cutoff]
            if stale:
                t.remove(doc_ids=stale)
            return len(stale)

        return await table.run(drop)

    async def unanswered_hint(self, chat_id: int) -> UnansweredHint | None:
        """The chat's kept unanswered question, if any."""
        table = self._open_table(self._handoff_hints)
        return await table.run(lambda t: table.get(t, chat_id))

    async def forget_unanswered(self, chat_id: int) -> bool:
        """Drop the chat's kept unanswered question; False if none was kept."""
        table = self._open_table(self._handoff_hints)
        return await table.run(lambda t: table.remove(t, chat_id))

    async def erase_handoffs_of(self, chat_id: int) -> list[HandoffThread]:
        """Delete the person's threads, staff copies' mapping and kept question; the threads."""
        table = self._open_table(self._handoffs)

        def drop(t: Table) -> list[HandoffThread]:
            theirs = [thread for thread in table.all(t) if thread.chat_id == chat_id]
            for thread in theirs:
                self._handoff_index.drop_thread(thread)
            if theirs:
                t.remove(doc_ids=[thread.id for thread in theirs])
            return theirs

        erased = await table.run(drop)
        for thread in erased:
            await self._clear_pending_replies_to(thread.id)
        await self.forget_unanswered(chat_id)
        return erased

    # The staff audit log: kept whole (staff actions are few), newest read first.

    async def record_staff_action(
        self, actor_id: int, action: str, detail: str, actor_name: str | None = None
    ) -> None:
        """Append a staff action to the audit log (actor_id 0 means the command line)."""
        if isinstance(actor_id, bool) or not isinstance(actor_id, int) or actor_id < 0:
            raise ValueError(f"actor_id must be a Telegram user id or 0, not {actor_id!r}.")
        if not is_action_kind(action):
            raise ValueError(
                f"action must be a short kind such as 'call.deadline_set', not {action!r}."
            )
        if not isinstance(detail, str):
            raise ValueError(f"detail must be a string, not {detail!r}.")
        name = one_line(actor_name, MAX_NAME_CHARS) if actor_name else ""
        entry = AuditEntry(
            actor_id=actor_id,
            actor_name=name or None,
            at=_now(),
            action=action,
            detail=one_line(detail, MAX_DETAIL_CHARS),
        )
        document = entry.to_document()
        await self._open_table(self._audit).run(lambda t: t.insert(document))

    async def staff_actions(self, limit: int = 50) -> list[AuditEntry]:
        """The latest staff actions, newest first, at most `limit`."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"limit must be a non-negative integer, not {limit!r}.")
        table = self._open_table(self._audit)

        def newest(t: Table) -> list[AuditEntry]:
            documents = sorted(t.all(), key=lambda doc: doc.doc_id, reverse=True)[:limit]
            return [AuditEntry.from_document(dict(doc)) for doc in documents]

        return await table.run(newest)

    # Question clusters admins ignored or added to the FAQ (/unanswered); no personal data.

    async def mark_cluster_handled(
        self, key: str, action: str, entry_id: str | None = None
    ) -> HandledCluster:
        """Remember that admins ignored a cluster, or added it to an entry; the stored record."""
        record = HandledCluster.model_validate(
            {"key": key, "action": action, "entry_id": entry_id, "at": _now()}
        )
        table = self._open_table(self._handled_clusters)

        def add(t: Table) -> None:
            doc_id = max((doc.doc_id for doc in t.all()), default=0) + 1
            table.put(t, doc_id, record)

        await table.run(add)
        return record

    async def handled_clusters(self) -> list[HandledCluster]:
        """Every cluster admins dealt with, oldest first."""
        table = self._open_table(self._handled_clusters)
        return await table.run(table.all)

    # Personal data (the user's private chat id equals their user id).

    async def export_user_data(self, user_id: int) -> UserData:
        """Everything this store keeps about the user."""
        _check_id(user_id, "user_id", positive=True)
        return UserData(
            user_id=user_id,
            registration=await self.get_registration(user_id),
            subscription=await self.get_subscription(user_id),
            chat=await self.get_chat_status(user_id),
            draft=await self.get_draft(user_id),
            handoffs=tuple(await self.handoffs_of(user_id)),
            unanswered=await self.unanswered_hint(user_id),
        )

    async def erase_user_data(self, user_id: int) -> None:
        """Delete the user's registration, draft, subscription and chat record."""
        _check_id(user_id, "user_id", positive=True)
        tables: tuple[RecordTable[Any], ...] = (
            self._registrations,
            self._drafts,
            self._subscribers,
            self._chats,
        )
        for table in tables:
            await self._open_table(table).run(lambda t: RecordTable.remove(t, user_id))
        await self.erase_handoffs_of(user_id)
