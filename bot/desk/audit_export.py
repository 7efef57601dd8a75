"""The staff audit log as a file staff download: CSV safe to open in a spreadsheet, or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from bot.registration.export import neutralise
from bot.storage.audit import AuditEntry

AUDIT_COLUMNS = ("at", "actor_id", "actor_name", "action", "detail")


def audit_rows(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """One row per entry, oldest first, in AUDIT_COLUMNS order."""
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].at, pair[0]))
    return [
        {
            "at": entry.at.isoformat(timespec="seconds"),
            "actor_id": entry.actor_id,
            "actor_name": entry.actor_name or "",
            "action": entry.action,
            "detail": entry.detail,
        }
        for _, entry in ordered
    ]


def audit_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with a header row; text cells neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(str(row[column])) for column in AUDIT_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def audit_json(rows: Sequence[dict[str, Any]]) -> bytes:
    """The rows as a JSON array of objects."""
    return json.dumps(list(rows), ensure_ascii=False, indent=2).encode("utf-8")


AUDIT_FORMATS: dict[str, Callable[[Sequence[dict[str, Any]]], bytes]] = {
    "csv": audit_csv,
    "json": audit_json,
}
