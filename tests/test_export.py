"""The staff export: rows, duplicate and interest marks, CSV safe in spreadsheets, JSON."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.registration.export import (
    COLUMNS,
    csv_header,
    export_rows,
    neutralise,
    possible_duplicates,
    to_csv,
    to_json,
)
from bot.sandbox.server import RunningSandbox
from bot.storage.registrations import Registration
from bot.storage.store import Store
from tests.conftest import STAFF_ID
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]


def registration(
    user_id: int, city: str = "Gent", country: str = "BE", **fields: object
) -> Registration:
    return Registration.model_validate(
        {
            "user_id": user_id,
            "city": city,
            "country": country,
            "registered_at": datetime(2025, 1, user_id, 9, tzinfo=UTC),
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 2 123", "'+32 2 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Gent", "Gent"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_quotes_cells_a_spreadsheet_would_run(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_the_same_city_from_two_people_is_marked_on_both() -> None:
    rows = [
        registration(1, "Île-de-France", "FR"),
        registration(2, "ile de france", "FR"),
        registration(3, "Ile de France", "BE"),
        registration(4, "Lyon", "FR"),
    ]
    assert possible_duplicates(rows) == {1, 2}


def test_rows_are_oldest_first_with_country_names_and_marks() -> None:
    rows = export_rows(
        [registration(2, interest_only=True, verdict="not eligible"), registration(1)],
        lambda code: {"BE": "Belgium"}[code],
    )
    assert [row["user_id"] for row in rows] == [1, 2]
    assert rows[0]["country"] == "Belgium" and rows[0]["possible_duplicate"] is True
    assert rows[1]["interest_only"] is True and rows[1]["verdict"] == "not eligible"
    assert list(rows[0]) == list(COLUMNS)


def test_csv_is_utf8_with_a_header_and_no_cell_a_spreadsheet_would_run() -> None:
    hostile = registration(
        1,
        city="=cmd|' /C calc'!A0",
        contact_name="@Zoë Łukasz",
        contact_role="-officer",
        email="+x@example.org",
        topics=("mobility", "finance"),
    )
    data = to_csv(export_rows([hostile, registration(2, "Kraków", "PL")], str))
    assert not data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert tuple(table[0]) == tuple(csv_header("UTC"))
    first = table[0]
    assert first["city"] == "'=cmd|' /C calc'!A0"
    assert first["contact_name"] == "'@Zoë Łukasz" and first["contact_role"] == "'-officer"
    assert first["email"] == "'+x@example.org"
    assert first["topics"] == "mobility; finance"
    assert first["interest_only"] == "no" and table[1]["city"] == "Kraków"
    every_cell = [cell for row in table for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in every_cell)


def test_json_keeps_the_values_as_they_are() -> None:
    rows = export_rows([registration(1, city="=x", population=120_000)], str)
    (shown,) = json.loads(to_json(rows))
    assert shown["city"] == "=x" and shown["population"] == 120_000
    assert shown["possible_duplicate"] is False


async def _saved(sandbox: RunningSandbox, *registrations: Registration) -> None:
    store = sandbox.application.bot_data.services.store
    for saved in registrations:
        await store.save_registration(saved)


async def test_staff_get_the_registrations_as_a_csv_document(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await _saved(sandbox, registration(1, "Gent"), registration(3, "gent"), registration(2, "=x"))
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    reply = await staff.ask("/export")
    document = reply["document"]
    assert document["file_name"].endswith(".csv")
    assert "3 registrations: 2 marked as possible duplicates" in reply["text"]
    async with http.get(urljoin(sandbox.url, document["url"])) as response:
        table = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8"))))
    assert [row["city"] for row in table] == ["Gent", "'=x", "gent"]
    assert table[0]["country"] == "Belgium"
    as_json = await staff.ask("/export json")
    assert as_json["document"]["file_name"].endswith(".json")
    wrong = await staff.ask("/export xlsx")
    assert "csv, excel or json only" in wrong["text"]


async def test_anyone_else_is_refused_and_gets_no_document(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await _saved(sandbox, registration(1))
    reply = await user.ask("/export")
    assert "programme team only" in reply["text"]
    later = await user.messages(after=reply["message_id"], wait=1)
    assert all("document" not in message for message in [reply, *later])


def test_the_cli_exports_what_the_store_holds_without_writing_to_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asyncio.run(_store_two(data))
    before = {path.name: path.read_bytes() for path in data.iterdir()}
    out = tmp_path / "out.csv"
    result = _cli(["export", "registrations", "--out", str(out)], data)
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 registrations" in result.stderr
    assert list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))[1]["city"] == "Kraków"
    as_json = _cli(["export", "registrations", "--format", "json"], data)
    assert [row["city"] for row in json.loads(as_json.stdout)] == ["Gent", "Kraków"]
    assert {path.name: path.read_bytes() for path in data.iterdir()} == before


async def _store_two(data: Path) -> None:
    store = Store(data)
    await store.save_registration(registration(1))
    await store.save_registration(registration(2, "Kraków", "PL"))
    await store.close()


def _cli(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, "DATA_DIR": str(data), "PYTHONPATH": str(ROOT)},
        cwd=data.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_takes_a_data_folder_and_says_when_it_holds_no_registrations(
    tmp_path: Path,
) -> None:
    data = tmp_path / "bot-data"
    asyncio.run(_store_two(data))
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    found = _cli(["export", "registrations", "--data-dir", str(data)], elsewhere)
    assert found.returncode == 0 and "Kraków" in found.stdout
    empty = _cli(["export", "registrations"], elsewhere)
    assert empty.returncode == 0
    assert empty.stdout.splitlines() == [",".join(csv_header("Europe/Brussels"))]
    assert f"No registrations are stored in {elsewhere}" in empty.stderr
    assert "--data-dir" in empty.stderr


BRUSSELS = ZoneInfo("Europe/Brussels")


def test_times_are_in_the_zone_with_their_offset_and_the_header_says_so() -> None:
    winter = registration(
        1,
        registered_at=datetime(2025, 1, 1, 9, tzinfo=UTC),
        updated_at=datetime(2025, 7, 1, 9, tzinfo=UTC),
    )
    (row,) = export_rows([winter], str, BRUSSELS)
    assert row["registered_at"] == "2025-01-01T10:00:00+01:00"
    assert row["updated_at"] == "2025-07-01T11:00:00+02:00"  # summer time
    header = next(csv.reader(io.StringIO(to_csv([row], "Europe/Brussels").decode("utf-8"))))
    assert header[:2] == ["registered_at (Europe/Brussels)", "updated_at (Europe/Brussels)"]
    assert "consented_at (Europe/Brussels)" in header and "city" in header
    assert json.loads(to_json([row]))[0]["registered_at"] == "2025-01-01T10:00:00+01:00"


def test_a_csv_for_excel_starts_with_a_byte_order_mark() -> None:
    rows = export_rows([registration(1, city="Mestna občina Ljubljana", country="SI")], str)
    data = to_csv(rows, bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert row["city"] == "Mestna občina Ljubljana"
    assert not to_csv(rows).startswith(b"\xef\xbb\xbf")


async def test_staff_get_local_times_and_an_excel_button_for_a_csv_with_a_bom(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    await _saved(sandbox, registration(1, "Mestna občina Ljubljana", "SI"))
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    reply = await staff.ask("/export")
    assert "Times are Europe/Brussels time, with their UTC offset." in reply["text"]
    async with http.get(urljoin(sandbox.url, reply["document"]["url"])) as response:
        plain = await response.read()
    (row,) = csv.DictReader(io.StringIO(plain.decode("utf-8")))
    assert row["registered_at (Europe/Brussels)"] == "2025-01-01T10:00:00+01:00"
    await staff.press(reply["message_id"], "exp:excel")
    excel = await staff.next_bot_message()
    assert excel["document"]["file_name"].endswith("-excel.csv")
    async with http.get(urljoin(sandbox.url, excel["document"]["url"])) as response:
        for_excel = await response.read()
    assert for_excel == b"\xef\xbb\xbf" + plain
    direct = await staff.ask("/export excel")
    assert direct["document"]["file_name"].endswith("-excel.csv")


def test_the_cli_writes_a_bom_when_asked_and_local_times(tmp_path: Path) -> None:
    data = tmp_path / "data"
    asyncio.run(_store_two(data))
    out = tmp_path / "out.csv"
    result = _cli(["export", "registrations", "--bom", "--out", str(out)], data)
    assert result.returncode == 0, result.stderr
    written = out.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    first = next(csv.DictReader(io.StringIO(written.decode("utf-8-sig"))))
    assert first["registered_at (Europe/Brussels)"] == "2025-01-01T10:00:00+01:00"
    refused = _cli(["export", "registrations", "--bom", "--format", "json"], data)
    assert refused.returncode == 2 and "--bom is for CSV only" in refused.stderr
