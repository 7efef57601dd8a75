"""Registrations as the rows staff download: CSV safe to open in a spreadsheet, or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.storage.registrations import Registration, city_key

COLUMNS = (
    "registered_at",
    "updated_at",
    "city",
    "country_code",
    "country",
    "verdict",
    "interest_only",
    "possible_duplicate",
    "status",
    "commitment",
    "population",
    "contact_name",
    "contact_role",
    "email",
    "topics",
    "consented_at",
    "notice_version",
    "user_id",
)
TIME_COLUMNS = ("registered_at", "updated_at", "consented_at")
# Excel on Windows reads a CSV as UTF-8 only when it starts with this byte-order mark.
UTF8_BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TOPIC_SEPARATOR = "; "


def possible_duplicates(registrations: Sequence[Registration]) -> set[int]:
    """User ids whose city and country someone else registered too."""
    by_city: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for registration in registrations:
        by_city[(city_key(registration.city), registration.country)].add(registration.user_id)
    return {user_id for users in by_city.values() if len(users) > 1 for user_id in users}


def _moment(value: datetime | None, zone: tzinfo) -> str:
    return "" if value is None else value.astimezone(zone).isoformat(timespec="seconds")


def export_rows(
    registrations: Sequence[Registration],
    country_name: Callable[[str], str],
    zone: tzinfo = UTC,
) -> list[dict[str, Any]]:
    """One row per registration, in COLUMNS order, duplicates and interest-only marked; times
    in `zone`, ISO 8601 with their UTC offset (2025-01-01T10:00:00+01:00)."""
    duplicates = possible_duplicates(registrations)
    ordered = sorted(
        registrations, key=lambda r: (r.registered_at is None, r.registered_at, r.user_id)
    )
    return [
        {
            "registered_at": _moment(r.registered_at, zone),
            "updated_at": _moment(r.updated_at, zone),
            "city": r.city,
            "country_code": r.country,
            "country": country_name(r.country),
            "verdict": r.verdict or "",
            "interest_only": r.interest_only,
            "possible_duplicate": r.user_id in duplicates,
            "status": r.status or "",
            "commitment": r.commitment or "",
            "population": r.population,
            "contact_name": r.contact_name or "",
            "contact_role": r.contact_role or "",
            "email": r.email or "",
            "topics": list(r.topics),
            "consented_at": _moment(r.consented_at, zone),
            "notice_version": r.notice_version or "",
            "user_id": r.user_id,
        }
        for r in ordered
    ]


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, list):
        return neutralise(TOPIC_SEPARATOR.join(value))
    return neutralise(str(value))


def csv_header(zone_name: str) -> list[str]:
    """The header row: the time columns say their zone ("registered_at (Europe/Brussels)")."""
    return [f"{c} ({zone_name})" if c in TIME_COLUMNS else c for c in COLUMNS]


def to_csv(rows: Sequence[dict[str, Any]], zone_name: str = "UTC", *, bom: bool = False) -> bytes:
    """UTF-8 CSV with a header row (with a byte-order mark for Excel when `bom`); every text
    cell neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(zone_name))
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
    return ((UTF8_BOM if bom else "") + buffer.getvalue()).encode("utf-8")


def to_json(rows: Sequence[dict[str, Any]]) -> bytes:
    """The rows as a JSON array of objects (values as they are: JSON runs no formulas)."""
    return json.dumps(list(rows), ensure_ascii=False, indent=2).encode("utf-8")


EXPORT_FORMATS: dict[str, Callable[[Sequence[dict[str, Any]]], bytes]] = {
    "csv": to_csv,
    "json": to_json,
}


def encode_export(
    rows: Sequence[dict[str, Any]], chosen: str, zone_name: str, *, bom: bool = False
) -> bytes:
    """The rows in the chosen format (a key of EXPORT_FORMATS); a CSV's header names the zone."""
    if chosen == "csv":
        return to_csv(rows, zone_name, bom=bom)
    return EXPORT_FORMATS[chosen](rows)
