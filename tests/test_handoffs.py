"""Handoff threads in the store: durable, mirrored for the handler filters, erased on request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.lifecycle import drop_stale_unanswered
from bot.storage.handoffs import KEEP_UNANSWERED, HandoffMessage, StaffCopy
from bot.storage.store import Store

PERSON = 1001
OTHER = 1002
STAFF = 2
STAFF_CHAT = -100500
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def said(sender: str, text: str, minutes: int = 0, **extra: object) -> HandoffMessage:
    return HandoffMessage.model_validate(
        {"sender": sender, "text": text, "sent_at": NOW + timedelta(minutes=minutes), **extra}
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path)
    yield opened
    await opened.close()


async def test_a_thread_waits_for_the_first_message_then_opens(store: Store) -> None:
    thread = await store.start_handoff(
        PERSON, first_name="Ana", city="Porto", country="PT", unanswered_question="pizza?"
    )
    assert thread.status == "asking" and store.active_handoff_id(PERSON) == thread.id
    assert await store.open_handoffs() == []  # nothing to answer yet
    opened = await store.add_handoff_message(thread.id, said("person", "Who reads this?"))
    assert opened is not None and opened.status == "open"
    assert [t.id for t in await store.open_handoffs()] == [thread.id]
    assert (await store.start_handoff(PERSON, first_name="Ana")).id == thread.id  # one at a time


async def test_open_threads_are_listed_oldest_first(store: Store) -> None:
    first = await store.start_handoff(PERSON, first_name="Ana")
    second = await store.start_handoff(OTHER, first_name="Bo")
    await store.add_handoff_message(second.id, said("person", "b"))
    await store.add_handoff_message(first.id, said("person", "a"))
    assert [t.id for t in await store.open_handoffs()] == [first.id, second.id]


async def test_counts_say_answered_and_waiting(store: Store) -> None:
    answered = await store.start_handoff(PERSON, first_name="Ana")
    waiting = await store.start_handoff(OTHER, first_name="Bo")
    await store.add_handoff_message(answered.id, said("person", "q"))
    await store.add_handoff_message(answered.id, said("staff", "a", 5, staff_id=STAFF))
    await store.add_handoff_message(waiting.id, said("person", "q"))
    assert await store.handoff_counts() == (1, 1)
    await store.add_handoff_message(answered.id, said("person", "thanks, and…", 9))
    assert await store.handoff_counts() == (1, 2)  # answered once, waiting again


async def test_waiting_since_is_the_oldest_message_no_answer_followed(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "q1", 0))
    await store.add_handoff_message(thread.id, said("staff", "a1", 5))
    await store.add_handoff_message(thread.id, said("person", "q2", 7))
    latest = await store.add_handoff_message(thread.id, said("person", "q3", 9))
    assert latest is not None and latest.waiting_since == NOW + timedelta(minutes=7)


async def test_a_closed_thread_takes_no_more_messages(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "q"))
    closed = await store.close_handoff(thread.id, "staff")
    assert closed is not None and closed.closed_by == "staff" and closed.closed_at is not None
    assert await store.close_handoff(thread.id, "person") is None
    assert await store.add_handoff_message(thread.id, said("person", "late")) is None
    assert store.active_handoff_id(PERSON) is None
    assert (await store.start_handoff(PERSON, first_name="Ana")).id != thread.id


async def test_cancelling_before_writing_leaves_no_thread(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    assert await store.discard_handoff(thread.id)
    assert await store.handoffs_of(PERSON) == [] and store.active_handoff_id(PERSON) is None
    written = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(written.id, said("person", "q"))
    assert not await store.discard_handoff(written.id)  # a written thread is closed, not dropped


async def test_staff_copies_map_back_to_the_thread(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_staff_copies(thread.id, [StaffCopy(chat_id=STAFF_CHAT, message_id=7)])
    assert store.handoff_id_of_staff_message(STAFF_CHAT, 7) == thread.id
    assert store.handoff_id_of_staff_message(STAFF_CHAT, 8) is None
    assert store.handoff_id_of_staff_message(STAFF, 7) is None


async def test_a_pending_reply_is_kept_until_cleared_or_the_thread_closes(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "q"))
    await store.set_pending_reply(STAFF, STAFF, thread.id)
    pending = store.pending_reply(STAFF)
    assert pending is not None and (pending.chat_id, pending.thread_id) == (STAFF, thread.id)
    assert await store.clear_pending_reply(STAFF) and store.pending_reply(STAFF) is None
    await store.set_pending_reply(STAFF, STAFF_CHAT, thread.id)
    await store.close_handoff(thread.id, "person")
    assert store.pending_reply(STAFF) is None


async def test_everything_survives_a_reopen(tmp_path: Path) -> None:
    store = Store(tmp_path)
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "q"))
    await store.add_handoff_staff_copies(thread.id, [StaffCopy(chat_id=STAFF, message_id=3)])
    await store.set_pending_reply(STAFF, STAFF, thread.id)
    await store.remember_unanswered(OTHER, "what about pizza", keep=timedelta(days=1))
    await store.close()

    reopened = Store(tmp_path)
    try:
        assert reopened.active_handoff_id(PERSON) == thread.id
        assert reopened.handoff_id_of_staff_message(STAFF, 3) == thread.id
        pending = reopened.pending_reply(STAFF)
        assert pending is not None and pending.thread_id == thread.id
        kept = await reopened.get_handoff(thread.id)
        assert kept is not None and [m.text for m in kept.messages] == ["q"]
        hint = await reopened.unanswered_hint(OTHER)
        assert hint is not None and hint.question == "what about pizza"
    finally:
        await reopened.close()


async def test_erasing_a_person_drops_threads_copies_replies_and_question(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "q"))
    await store.add_handoff_staff_copies(thread.id, [StaffCopy(chat_id=STAFF, message_id=3)])
    await store.set_pending_reply(STAFF, STAFF, thread.id)
    await store.remember_unanswered(PERSON, "pizza?", keep=timedelta(days=1))
    kept = await store.start_handoff(OTHER, first_name="Bo")

    await store.erase_user_data(PERSON)

    assert await store.handoffs_of(PERSON) == [] and await store.get_handoff(thread.id) is None
    assert store.active_handoff_id(PERSON) is None
    assert store.handoff_id_of_staff_message(STAFF, 3) is None
    assert store.pending_reply(STAFF) is None
    assert await store.unanswered_hint(PERSON) is None
    assert (await store.export_user_data(PERSON)).is_empty
    assert store.active_handoff_id(OTHER) == kept.id  # someone else's thread stays
    # An old button carrying the erased id can never reach a newer thread.
    assert (await store.start_handoff(PERSON, first_name="Ana")).id > kept.id


async def test_the_export_holds_the_threads_and_the_question(store: Store) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "my question"))
    await store.remember_unanswered(PERSON, "pizza?", keep=timedelta(days=1))
    export = (await store.export_user_data(PERSON)).to_json()
    conversations = export["conversations_with_the_team"]
    assert [m["text"] for m in conversations[0]["messages"]] == ["my question"]
    assert export["last_unanswered_question"]["question"] == "pizza?"


async def test_old_unanswered_questions_are_dropped_when_another_is_kept(store: Store) -> None:
    await store.remember_unanswered(PERSON, "old", keep=timedelta(days=1))
    await store.remember_unanswered(OTHER, "new", keep=timedelta(0))
    assert await store.unanswered_hint(PERSON) is None
    assert (await store.unanswered_hint(OTHER)) is not None


async def test_the_hourly_job_drops_unanswered_questions_once_their_day_is_over(
    store: Store,
) -> None:
    await store.remember_unanswered(PERSON, "kept", keep=KEEP_UNANSWERED)
    asked = (await store.unanswered_hint(PERSON)).asked_at  # type: ignore[union-attr]

    async def run_job_at(now: datetime) -> None:
        services = SimpleNamespace(store=store, clock=lambda: now)
        await drop_stale_unanswered(SimpleNamespace(services=services))  # type: ignore[arg-type]

    await run_job_at(asked + KEEP_UNANSWERED - timedelta(minutes=1))
    assert await store.unanswered_hint(PERSON) is not None
    await run_job_at(asked + KEEP_UNANSWERED + timedelta(minutes=1))
    assert await store.unanswered_hint(PERSON) is None
    assert (await store.export_user_data(PERSON)).unanswered is None


async def test_the_export_shows_who_answered_by_first_name_but_no_staff_ids_or_chats(
    store: Store,
) -> None:
    thread = await store.start_handoff(PERSON, first_name="Ana")
    await store.add_handoff_message(thread.id, said("person", "my question"))
    await store.add_handoff_staff_copies(thread.id, [StaffCopy(chat_id=STAFF_CHAT, message_id=987)])
    staff_id = 424242
    answer = said("staff", "our answer", 5, staff_id=staff_id, staff_name="Marta")
    await store.add_handoff_message(thread.id, answer)
    export = (await store.export_user_data(PERSON)).to_json()
    (conversation,) = export["conversations_with_the_team"]
    assert [(m["sender"], m["text"]) for m in conversation["messages"]] == [
        ("person", "my question"),
        ("staff", "our answer"),
    ]
    assert conversation["messages"][1]["staff_name"] == "Marta"
    assert conversation["messages"][1]["sent_at"] == "2026-03-02T10:05:00Z"
    assert "staff_copies" not in conversation
    assert all("staff_id" not in m for m in conversation["messages"])
    dumped = json.dumps(export)
    assert str(staff_id) not in dumped and str(STAFF_CHAT) not in dumped and "987" not in dumped
    # The desk still has them: a reply to the staff copy maps back, the message names its sender.
    assert store.handoff_id_of_staff_message(STAFF_CHAT, 987) == thread.id
    (stored,) = (await store.export_user_data(PERSON)).handoffs
    assert stored.messages[1].staff_id == staff_id
