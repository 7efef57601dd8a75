"""Store: the named methods, their validation, concurrency and reloading from disk."""

from __future__ import annotations

import asyncio
import json
import stat
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.storage import durable as storage_module
from bot.storage.durable import StorageCorruptError, StorageError
from bot.storage.registrations import Registration, RegistrationDraft
from bot.storage.store import Store
from faq.call import CallOverrides


def record(user_id: int, city: str | None = None) -> Registration:
    return Registration(
        user_id=user_id,
        city=city or f"City {user_id}",
        country="PT",
        contact_name="Ana Silva",
        email=f"ana{user_id}@example.org",
        contact_role="climate officer",
        consented_at=datetime(2025, 1, 2, 10, tzinfo=UTC),
        topics=("mobility", "energy"),
    )


@pytest.fixture
async def store(tmp_path: Path):
    opened = Store(tmp_path / "data")
    yield opened
    await opened.close()


async def test_opens_one_private_file_per_concern(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    names = sorted(path.name for path in (tmp_path / "data").iterdir())
    assert names == [
        "audit.json",
        "call.json",
        "chats.json",
        "drafts.json",
        "handled_clusters.json",
        "questions.json",
        "registrations.json",
        "scheduled.json",
        "skipped_notices.json",
        "subscribers.json",
    ]
    for path in (tmp_path / "data").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    await store.close()


async def test_registration_upsert_get_delete_count(store: Store) -> None:
    assert await store.get_registration(5) is None
    await store.save_registration(record(5))
    await store.save_registration(record(3))
    assert await store.get_registration(5) == record(5)
    replacement = Registration(user_id=5, city="Porto", country="PT")
    await store.save_registration(replacement)
    assert await store.get_registration(5) == replacement
    assert await store.count_registrations() == 2
    assert [r.user_id for r in await store.all_registrations()] == [3, 5]
    assert await store.delete_registration(5) is True
    assert await store.delete_registration(5) is False
    assert await store.count_registrations() == 1


async def test_records_are_frozen_and_come_back_equal_from_disk(tmp_path: Path) -> None:
    first = Store(tmp_path / "data")
    await first.save_registration(record(9))
    fetched = await first.get_registration(9)
    assert fetched is not None
    with pytest.raises(ValidationError, match="frozen"):
        fetched.city = "Changed"  # type: ignore[misc]
    await first.close()
    second = Store(tmp_path / "data")
    assert await second.get_registration(9) == record(9)
    await second.close()


async def test_bad_input_is_refused_with_a_clear_message(store: Store) -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        Registration(user_id=-4, city="Porto", country="PT")
    with pytest.raises(ValueError, match="non-zero integer Telegram id"):
        await store.get_registration("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes a Registration"):
        await store.save_registration({"city": "Porto"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit must be a non-negative integer"):
        await store.unanswered_questions(limit=-1)
    assert await store.count_registrations() == 0


async def test_subscribers_and_blocked_chats(store: Store) -> None:
    assert await store.add_subscriber(10) is True
    assert await store.add_subscriber(10) is False
    assert await store.add_subscriber(-100123) is True
    assert await store.add_subscriber(20) is True
    assert await store.is_subscriber(10)
    await store.mark_chat_blocked(20)
    assert await store.is_chat_blocked(20)
    assert await store.is_subscriber(20)
    assert await store.active_subscribers() == [-100123, 10]
    await store.mark_chat_reachable(20)
    assert not await store.is_chat_blocked(20)
    assert await store.active_subscribers() == [-100123, 10, 20]
    assert await store.remove_subscriber(10) is True
    assert await store.remove_subscriber(10) is False
    assert await store.active_subscribers() == [-100123, 20]


async def test_consent_time_is_recorded(store: Store) -> None:
    await store.add_subscriber(77)
    subscription = (await store.export_user_data(77)).subscription
    assert subscription is not None and subscription.consented_at.tzinfo is not None
    assert subscription.to_document()["consented_at"].endswith("Z")


async def test_question_log_keeps_no_user_and_lists_newest_first(store: Store) -> None:
    await store.log_unanswered_question("When is the deadline?", "suggest", [("deadline", 61.5)])
    await store.log_unanswered_question(
        "Who pays travel?", "fallback", [("costs", 40.0), ("travel", 39.25), ("a", 1), ("b", 0)]
    )
    rows = await store.unanswered_questions()
    assert [row.question for row in rows] == ["Who pays travel?", "When is the deadline?"]
    assert rows[0].decision == "fallback"
    assert rows[0].candidates == (("costs", 40.0), ("travel", 39.25), ("a", 1.0))
    assert set(rows[0].to_document()) == {"question", "decision", "candidates", "asked_at"}
    assert await store.unanswered_questions(limit=1) == rows[:1]


async def test_question_log_masks_personal_data_before_storing(store: Store) -> None:
    await store.log_unanswered_question(
        "Ghent, 260000 inhabitants: mail ana@gent.example.be or call +32 9 123 45 67",
        "fallback",
        [],
    )
    expected = "Ghent, 260000 inhabitants: mail [email] or call [phone]"
    assert [row.question for row in await store.unanswered_questions()] == [expected]
    assert "ana@" not in (store.data_dir / "questions.json").read_text(encoding="utf-8")


async def test_question_log_is_capped_to_the_newest(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", question_log_cap=50)
    for number in range(120):
        await store.log_unanswered_question(f"q{number}", "fallback", [])
    rows = await store.unanswered_questions(limit=1000)
    assert 50 <= len(rows) <= 51
    assert rows[0].question == "q119"
    assert [row.question for row in rows[:50]] == [f"q{n}" for n in range(119, 69, -1)]
    await store.close()


async def test_call_overrides_round_trip(store: Store) -> None:
    assert await store.get_call_overrides() == CallOverrides()
    await store.save_call_overrides(CallOverrides(name="Twin Cities", deadline=date(2025, 3, 31)))
    await store.save_call_overrides(CallOverrides(deadline=date(2025, 4, 15)))
    assert await store.get_call_overrides() == CallOverrides(deadline=date(2025, 4, 15))


async def test_call_overrides_survive_a_restart(tmp_path: Path) -> None:
    first = Store(tmp_path / "data")
    await first.save_call_overrides(CallOverrides(opens=date(2025, 4, 1)))
    await first.close()
    second = Store(tmp_path / "data")
    assert await second.get_call_overrides() == CallOverrides(opens=date(2025, 4, 1))
    await second.close()


@pytest.mark.parametrize(
    ("name", "document", "problem"),
    [
        ("call", {"opens": "not-a-date"}, "record 1 is not a valid call setting: opens"),
        ("call", {"deadline": "2025-02-30"}, "record 1 is not a valid call setting: deadline"),
        ("subscribers", {"chat_id": 5}, "record 1 is not a valid subscription: consented_at"),
        ("registrations", {"user_id": 1, "city": ""}, "record 1 is not a valid registration"),
        (
            "questions",
            {"question": "q", "decision": "maybe", "asked_at": "2025-01-01T00:00Z"},
            "record 1 is not a valid logged question: decision",
        ),
    ],
)
def test_a_stored_record_that_is_not_valid_stops_the_store_with_its_file_named(
    tmp_path: Path, name: str, document: dict, problem: str
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bad = data_dir / f"{name}.json"
    raw = json.dumps({name: {"1": document}}).encode()
    bad.write_bytes(raw)
    with pytest.raises(StorageCorruptError) as caught:
        Store(data_dir)
    assert caught.value.path == bad
    assert problem in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert bad.read_bytes() == raw


async def test_export_and_erase_user_data(store: Store) -> None:
    await store.save_registration(record(42))
    await store.add_subscriber(42)
    await store.mark_chat_blocked(42)
    await store.save_registration(record(43))
    exported = await store.export_user_data(42)
    assert exported.user_id == 42
    assert exported.registration == record(42)
    assert exported.subscription is not None and exported.subscription.chat_id == 42
    assert exported.chat is not None and exported.chat.blocked is True
    assert exported.to_json()["registration"]["city"] == "City 42"
    await store.erase_user_data(42)
    erased = await store.export_user_data(42)
    assert erased.is_empty
    assert erased.to_json() == {
        "user_id": 42,
        "registration": None,
        "subscription": None,
        "chat": None,
        "draft": None,
        "queued_messages": [],
    }
    assert await store.get_registration(43) is not None


async def test_200_concurrent_saves_never_overlap_and_all_reach_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "data")
    real_write = storage_module.write_atomically
    guard = threading.Lock()
    writing: dict[Path, int] = {}
    most_at_once: dict[Path, int] = {}

    def slow_tracked_write(path: Path, payload: bytes) -> None:
        with guard:
            writing[path] = writing.get(path, 0) + 1
            most_at_once[path] = max(most_at_once.get(path, 0), writing[path])
        time.sleep(0.001)  # widens the window in which an unlocked write would overlap
        real_write(path, payload)
        with guard:
            writing[path] -= 1

    monkeypatch.setattr(storage_module, "write_atomically", slow_tracked_write)
    await asyncio.gather(
        *(store.save_registration(record(user_id)) for user_id in range(1, 201)),
        *(store.add_subscriber(chat_id) for chat_id in range(1, 51)),
    )
    await store.close()
    assert set(most_at_once.values()) == {1}
    reloaded = Store(tmp_path / "data")
    registrations = await reloaded.all_registrations()
    assert [r.user_id for r in registrations] == list(range(1, 201))
    assert all(r.city == f"City {r.user_id}" for r in registrations)
    assert await reloaded.active_subscribers() == list(range(1, 51))
    await reloaded.close()


async def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    await store.close()
    with pytest.raises(RuntimeError, match="closed"):
        await store.count_registrations()


def test_an_unusable_data_folder_is_explained(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("I am a file")
    with pytest.raises(StorageError, match=r"cannot be opened .*check that the folder exists"):
        Store(not_a_folder)


async def test_a_corrupt_file_stops_the_store_from_opening(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bad = data_dir / "subscribers.json"
    bad.write_bytes(b'{"subscribers": {"1": ')
    with pytest.raises(StorageCorruptError, match=r"subscribers\.json cannot be read"):
        Store(data_dir)
    assert bad.read_bytes() == b'{"subscribers": {"1": '


def draft(user_id: int, idle_since: datetime) -> RegistrationDraft:
    return RegistrationDraft(
        user_id=user_id, step="city", started_at=idle_since, last_activity=idle_since
    )


async def test_drafts_are_kept_exported_erased_and_dropped_when_idle(store: Store) -> None:
    old, recent = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC)
    await store.save_draft(draft(7, old))
    await store.save_draft(draft(8, recent).model_copy(update={"city": "Gent"}))
    assert (await store.export_user_data(8)).draft == draft(8, recent).model_copy(
        update={"city": "Gent"}
    )
    assert await store.delete_drafts_idle_since(datetime(2025, 1, 2, tzinfo=UTC)) == [7]
    assert await store.get_draft(7) is None
    await store.erase_user_data(8)
    assert await store.get_draft(8) is None
    assert await store.delete_draft(8) is False


async def test_registrations_of_a_city_ignore_case_accents_and_spacing(store: Store) -> None:
    await store.save_registration(record(1, city="Île-de-France"))
    await store.save_registration(record(2, city="  ile de  FRANCE "))
    await store.save_registration(record(3, city="Lyon"))
    same = await store.registrations_of_city("ILE DE FRANCE", "pt")
    assert [r.user_id for r in same] == [1, 2]
    assert await store.registrations_of_city("Île-de-France", "FR") == []


async def test_a_reachable_chat_leaves_no_record(store: Store) -> None:
    await store.mark_chat_reachable(31)
    assert await store.get_chat_status(31) is None
    assert (await store.export_user_data(31)).is_empty
    await store.mark_chat_blocked(31)
    assert await store.is_chat_blocked(31)
    await store.mark_chat_reachable(31)
    assert await store.get_chat_status(31) is None
