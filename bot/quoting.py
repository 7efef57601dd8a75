"""Quoting what someone typed back to them: one line, cut short, so a reply always fits.

Telegram refuses a message over 4,096 characters; a reply that echoed a long argument whole
failed and left the person with "something went wrong". Escape the result for HTML replies.
"""

from __future__ import annotations

QUOTED_CHARS = 40


def shortened(text: str, limit: int = QUOTED_CHARS) -> str:
    """`text` on one line (runs of spaces and newlines as one space), cut to `limit` and "…"."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"


def quoted(text: str, limit: int = QUOTED_CHARS) -> str:
    """`text` shortened and in quotation marks, e.g. “31/05/2024 17:00”."""
    return f"“{shortened(text, limit)}”"
