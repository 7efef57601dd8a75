"""The staff audit log through the Store: who, when, what, newest first, durable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.store import Store, read_staff_actions


@pytest.fixture
async def store(tmp_path: Path):
    opened = Store(tmp_path / "data")
    yield opened
    await opened.close()


async def test_an_action_is_kept_with_who_when_and_what(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    await store.record_staff_action(42, "call.deadline_set", "deadline 2026-05-01", "Ana")
    [entry] = await store.staff_actions()
    assert (entry.actor_id, entry.actor_name) == (42, "Ana")
    assert (entry.action, entry.detail) == ("call.deadline_set", "deadline 2026-05-01")
    assert before <= entry.at <= datetime.now(UTC)


async def test_actions_come_newest_first_and_limit_cuts_the_oldest(store: Store) -> None:
    for number in range(5):
        await store.record_staff_action(7, "broadcast.sent", f"message {number}")
    latest = await store.staff_actions(limit=3)
    assert [entry.detail for entry in latest] == ["message 4", "message 3", "message 2"]
    assert [entry.detail for entry in await store.staff_actions(limit=0)] == []
    assert len(await store.staff_actions()) == 5


async def test_the_log_survives_a_restart_and_reads_without_writing(tmp_path: Path) -> None:
    first = Store(tmp_path / "data")
    await first.record_staff_action(42, "export.registrations", "csv, 3 rows", None)
    await first.record_staff_action(0, "export.audit", "command line")
    await first.close()
    again = Store(tmp_path / "data")
    assert [entry.action for entry in await again.staff_actions()] == [
        "export.audit",
        "export.registrations",
    ]
    await again.close()
    assert [entry.actor_id for entry in read_staff_actions(tmp_path / "data")] == [42, 0]


async def test_detail_and_name_are_kept_on_one_line_and_cut(store: Store) -> None:
    await store.record_staff_action(3, "faq.phrasing_added", "a\nb\t c" + "x" * 900, " Bo\nB ")
    [entry] = await store.staff_actions()
    assert entry.detail.startswith("a b c")
    assert "\n" not in entry.detail and len(entry.detail) == 500 and entry.detail.endswith("…")
    assert entry.actor_name == "Bo B"


@pytest.mark.parametrize(
    ("actor_id", "action", "detail", "complaint"),
    [
        (-5, "call.opening_set", "", "actor_id"),
        (True, "call.opening_set", "", "actor_id"),
        (5, "Deadline set", "", "action"),
        (5, "", "", "action"),
        (5, "call.opening_set\n", "", "action"),
        (5, "a" * 65, "", "action"),
        (5, "call.opening_set", None, "detail"),
    ],
)
async def test_bad_input_is_refused_in_one_sentence(
    store: Store, actor_id: object, action: str, detail: object, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        await store.record_staff_action(actor_id, action, detail)  # type: ignore[arg-type]
    assert await store.staff_actions() == []
