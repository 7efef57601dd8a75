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


def _recorded_kinds() -> set[str]:
    """Every action kind the code records: literals passed to the recording calls."""
    import ast

    from bot.storage.audit import is_action_kind

    recorders = {"record_action", "record_staff_action", "_audit"}
    root = Path(__file__).resolve().parents[1]
    kinds: set[str] = set()
    for path in [*root.glob("bot/**/*.py"), *root.glob("handlers/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            # A kind may be passed through a name assigned in the same function.
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                name = getattr(call.func, "attr", getattr(call.func, "id", None))
                if name not in recorders:
                    continue
                for argument in call.args:
                    values = assigned.get(argument.id, []) if isinstance(argument, ast.Name) else []
                    for part in [argument, *values]:
                        for constant in ast.walk(part):
                            if (
                                isinstance(constant, ast.Constant)
                                and isinstance(constant.value, str)
                                and "." in constant.value
                                and is_action_kind(constant.value)
                            ):
                                kinds.add(constant.value)
    return kinds


def test_every_action_kind_recorded_anywhere_has_a_label() -> None:
    from handlers.audit_log import ACTION_NAMES

    kinds = _recorded_kinds()
    # The walk finds the kinds of every recorder (a walk finding nothing would prove nothing).
    assert {"handoff.answered", "faq.cluster_ignored", "call.deadline_set"} <= kinds
    assert sorted(kinds - ACTION_NAMES.keys()) == []
