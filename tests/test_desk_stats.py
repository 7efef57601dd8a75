"""Question outcome counts, DeskNumbers from a store, the chart, and the stats CLI."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
import matplotlib.image
import pytest

from bot.desk.charts import draw_desk_chart
from bot.desk.stats import (
    QUESTION_WINDOW_DAYS,
    DeskNumbers,
    desk_numbers,
    gather_desk_numbers,
    summary_lines,
    utc_today,
)
from bot.sandbox.server import RunningSandbox
from bot.storage.handoffs import HandoffMessage
from bot.storage.question_stats import QuestionDay
from bot.storage.store import Store
from tests.conftest import STAFF_ID
from tests.sandbox_client import SandboxClient
from tests.test_export import registration

ROOT = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TITLES = {"what-is-twinning": "What is the Twinning Learning Programme?"}


@pytest.fixture
async def store(tmp_path: Path):
    opened = Store(tmp_path / "data")
    yield opened
    await opened.close()


async def test_questions_are_counted_by_outcome_and_answering_entry(store: Store) -> None:
    for outcome, entry in [
        ("answer", "what-is-twinning"),
        ("answer", "what-is-twinning"),
        ("answer", "costs"),
        ("suggest", "costs"),  # only an answer counts for its entry
        ("fallback", None),
        ("not_english", None),
    ]:
        await store.count_question(outcome, entry)
    [day] = await store.question_days()
    assert day.day == utc_today()
    assert dict(day.outcomes) == {"answer": 3, "suggest": 1, "fallback": 1, "not_english": 1}
    assert dict(day.answered) == {"what-is-twinning": 2, "costs": 1}


async def test_counts_survive_a_restart_and_keep_no_text_or_user(tmp_path: Path) -> None:
    first = Store(tmp_path / "data")
    await first.count_question("fallback", None)
    await first.close()
    again = Store(tmp_path / "data")
    await again.count_question("fallback", None)
    assert (await again.question_days())[0].outcome("fallback") == 2
    await again.close()
    stored = json.loads((tmp_path / "data" / "question_stats.json").read_text())
    [document] = stored["question_stats"].values()
    assert set(document) == {"day", "outcomes", "answered"}


@pytest.mark.parametrize(
    ("outcome", "entry", "complaint"),
    [
        ("answered", None, "outcome must be one of"),
        ("answer", "", "entry_id"),
        ("answer", 5, "entry_id"),
    ],
)
async def test_bad_counts_are_refused_in_one_sentence(
    store: Store, outcome: str, entry: object, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        await store.count_question(outcome, entry)  # type: ignore[arg-type]
    assert await store.question_days() == []


async def _seed_handoffs(store: Store) -> None:
    """Two threads staff answered (one since closed), one waiting, one never written in."""
    at = datetime.now(UTC)
    for chat_id, answered in ((501, True), (502, True), (503, False)):
        thread = await store.start_handoff(chat_id, first_name="Ana")
        await store.add_handoff_message(
            thread.id, HandoffMessage(sender="person", text="q", sent_at=at)
        )
        if answered:
            said = HandoffMessage(sender="staff", text="a", sent_at=at, staff_id=STAFF_ID)
            await store.add_handoff_message(thread.id, said)
    await store.close_handoff(1, "staff")
    await store.start_handoff(504, first_name="Bo")


async def test_desk_numbers_from_a_seeded_store(store: Store) -> None:
    await store.save_registration(registration(1, verdict="eligible"))
    await store.save_registration(registration(2, "Kraków", "PL", verdict="eligible"))
    await store.save_registration(registration(3, "Łódź", "PL", verdict="not eligible"))
    await store.save_registration(registration(4, "Porto", "PT"))
    for chat_id in (11, 12, 13):
        await store.add_subscriber(chat_id)
    await store.mark_chat_blocked(13)
    await store.mark_chat_blocked(99)  # blocked but never subscribed: not a subscriber
    await store.count_question("answer", "what-is-twinning")
    await store.count_question("suggest", None)
    await _seed_handoffs(store)
    numbers = await gather_desk_numbers(store, TITLES)
    assert numbers.registrations == 4
    assert numbers.by_country == (("Poland", 2), ("Belgium", 1), ("Portugal", 1))
    assert (numbers.eligible, numbers.not_eligible, numbers.unclear, numbers.unchecked) == (
        2,
        1,
        0,
        1,
    )
    assert numbers.registrations_per_day == tuple((date(2025, 1, n), 1) for n in range(1, 5))
    assert (numbers.subscribers_active, numbers.subscribers_blocked) == (2, 1)
    assert len(numbers.questions_per_day) == QUESTION_WINDOW_DAYS
    assert numbers.questions_per_day[-1].day == utc_today()
    assert (numbers.questions.answered, numbers.questions.suggested) == (1, 1)
    assert numbers.top_questions == (("What is the Twinning Learning Programme?", 1),)
    assert (numbers.handoffs_answered, numbers.handoffs_waiting) == (2, 1)


def test_questions_outside_the_window_are_left_out_and_unknown_entries_keep_their_id() -> None:
    today = date(2026, 5, 20)
    days = [
        QuestionDay(day=today, outcomes={"answer": 2}, answered={"gone-entry": 2}),
        QuestionDay(
            day=today - timedelta(days=QUESTION_WINDOW_DAYS),
            outcomes={"answer": 9},
            answered={"what-is-twinning": 9},
        ),
    ]
    numbers = desk_numbers([], [], [], days, TITLES, today)
    assert numbers.questions.answered == 2
    assert numbers.top_questions == (("gone-entry", 2),)
    assert numbers.questions_per_day[0].day == today - timedelta(days=QUESTION_WINDOW_DAYS - 1)


def test_the_summary_gives_the_counts_escaped() -> None:
    numbers = DeskNumbers(
        today=date(2026, 5, 20),
        registrations=3,
        eligible=2,
        by_country=(("Bosnia & Herzegovina", 3),),
        top_questions=(("Is <this> covered?", 4),),
        subscribers_active=5,
        subscribers_blocked=1,
        handoffs_waiting=2,
    )
    text = "\n".join(summary_lines(numbers))
    assert "<b>Registrations:</b> 3 (2 eligible" in text
    assert "Bosnia &amp; Herzegovina 3" in text and "Is &lt;this&gt; covered? (4)" in text
    assert "5 active, 1 blocked" in text and "0 answered, 2 waiting" in text
    assert len(text) < 1024


def _image(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_MAGIC)
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    return width, height


async def test_the_chart_of_a_seeded_store_is_a_png_sized_for_a_phone(store: Store) -> None:
    await store.save_registration(registration(1, verdict="eligible"))
    await store.count_question("answer", "what-is-twinning")
    png = draw_desk_chart(await gather_desk_numbers(store, TITLES))
    assert _image(png) == (900, 1400)
    assert 20_000 < len(png) < 1_000_000


def test_an_empty_store_draws_a_chart_too() -> None:
    empty = draw_desk_chart(DeskNumbers(today=date(2026, 5, 20)))
    assert _image(empty) == (900, 1400)


def test_a_long_history_draws() -> None:
    today = date(2026, 5, 20)
    registrations = [
        registration(1).model_copy(update={"registered_at": datetime(2025, 1, 1, tzinfo=UTC)}),
        registration(2, "Kraków", "PL"),
    ]
    names = {f"e{n}": "A rather long question " * 5 for n in range(8)}
    days = [QuestionDay(day=today, outcomes={"answer": 8}, answered=dict.fromkeys(names, 1))]
    png = draw_desk_chart(desk_numbers(registrations, [], [], days, names, today))
    assert _image(png) == (900, 1400)


def test_the_bot_does_not_load_matplotlib_until_it_draws() -> None:
    code = "import sys, bot.app, handlers; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr


def _cli(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, "DATA_DIR": str(data), "PYTHONPATH": str(ROOT)},
        cwd=data.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def _seed(data: Path) -> None:
    store = Store(data)
    await store.save_registration(registration(1, verdict="eligible"))
    await store.add_subscriber(11)
    await store.count_question("answer", "what-is-twinning")
    await store.record_staff_action(2, "call.url_set", "=HYPERLINK(1)", "Ana")
    await store.record_staff_action(0, "export.audit", "second")
    await _seed_handoffs(store)
    await store.close()


def test_cli_stats_draws_the_png_without_writing_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asyncio.run(_seed(data))
    before = {path.name: path.read_bytes() for path in data.iterdir()}
    out = tmp_path / "chart.png"
    result = _cli(["stats", "--out", str(out)], data)
    assert result.returncode == 0, result.stderr
    assert _image(out.read_bytes()) == (900, 1400)
    assert "Registrations: 1 (1 eligible" in result.stdout
    assert "Most answered: What is the Twinning Learning Programme? (1)" in result.stdout
    assert "Handoffs: 2 answered, 1 waiting" in result.stdout  # read from handoffs.json
    assert {path.name: path.read_bytes() for path in data.iterdir()} == before


def test_cli_stats_refuses_a_file_that_is_not_png_and_draws_an_empty_folder(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wrong = _cli(["stats", "--out", str(tmp_path / "chart.jpg")], data)
    assert wrong.returncode == 2 and "must name a .png file" in wrong.stderr
    assert not (tmp_path / "chart.jpg").exists()
    empty = _cli(["stats", "--out", str(tmp_path / "chart.png")], data)
    assert empty.returncode == 0, empty.stderr
    assert f"No registrations are stored in {data}" in empty.stderr
    assert _image((tmp_path / "chart.png").read_bytes()) == (900, 1400)


def test_cli_export_audit_writes_csv_and_json_oldest_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asyncio.run(_seed(data))
    before = {path.name: path.read_bytes() for path in data.iterdir()}
    out = tmp_path / "audit.csv"
    result = _cli(["export", "audit", "--out", str(out)], data)
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 staff actions" in result.stderr
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "at,actor_id,actor_name,action,detail"
    assert lines[1].endswith(",2,Ana,call.url_set,'=HYPERLINK(1)")
    as_json = json.loads(_cli(["export", "audit", "--format", "json"], data).stdout)
    assert [row["action"] for row in as_json] == ["call.url_set", "export.audit"]
    assert as_json[0]["detail"] == "=HYPERLINK(1)" and as_json[1]["actor_id"] == 0
    assert {path.name: path.read_bytes() for path in data.iterdir()} == before
    nowhere = _cli(["export", "audit"], tmp_path / "empty")
    assert nowhere.returncode == 0 and "No staff actions are stored in" in nowhere.stderr


async def test_stats_sends_a_png_that_opens_as_an_image(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    await store.save_registration(registration(1))
    await _seed_handoffs(store)
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    reply = await staff.ask("/stats", timeout=30)
    assert "Registrations:" in reply.get("caption", reply.get("text", ""))
    assert "Handoffs: 2 answered, 1 waiting" in reply.get("caption", reply.get("text", ""))
    photo = reply["photo"]
    assert photo["file_name"].endswith(".png")
    async with http.get(photo["url"]) as response:
        assert response.status == 200
        png = await response.read()
    assert _image(png) == (900, 1400)


async def test_questions_are_counted_by_the_day_of_the_configured_zone(store: Store) -> None:
    from zoneinfo import ZoneInfo

    # 25 hours apart: at any moment these two zones are on different dates.
    ahead, behind = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")
    await store.count_question("answer", None, zone=ahead)
    await store.count_question("fallback", None, zone=behind)
    days = {day.day: day for day in await store.question_days()}
    assert len(days) == 2
    assert max(days) in (datetime.now(ahead).date(), datetime.now(ahead).date() - timedelta(1))
    assert days[max(days)].outcome("answer") == 1 and days[min(days)].outcome("fallback") == 1


def test_registrations_and_the_chart_use_the_configured_zone() -> None:
    from zoneinfo import ZoneInfo

    late = registration(1).model_copy(
        update={"registered_at": datetime(2025, 1, 1, 23, 30, tzinfo=UTC)}
    )
    today = date(2025, 1, 5)
    brussels = desk_numbers([late], [], [], [], TITLES, today, zone=ZoneInfo("Europe/Brussels"))
    assert brussels.registrations_per_day == ((date(2025, 1, 2), 1),)  # 00:30 in Brussels
    assert brussels.zone_label == "Brussels time"
    assert desk_numbers([late], [], [], [], TITLES, today).registrations_per_day == (
        (date(2025, 1, 1), 1),
    )
