"""Fit Telegram HTML into messages: lines packed under the length limit, tags and entities whole."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from faq.telegram_html import parse_telegram_html, utf16_length

MAX_MESSAGE_CHARS = 4096
# A tag, a character reference, or one character: the units a cut may fall between.
_TOKEN = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")


def visible_length(html: str) -> int:
    """The length Telegram counts for this HTML: UTF-16 units of the text it shows."""
    return utf16_length(parse_telegram_html(html)[0])


def pack_lines(lines: Iterable[str], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join HTML lines into as few messages as fit `limit`, breaking between whole lines."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}.")
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in _cut_line(line, limit):
            width = visible_length(piece)
            if current and size + 1 + width > limit:
                messages.append("\n".join(current))
                current, size = [], 0
            size += width + (1 if current else 0)
            current.append(piece)
    if current:
        messages.append("\n".join(current))
    # Telegram refuses a message with nothing to show.
    return [message for message in messages if parse_telegram_html(message)[0].strip()]


def _cut_line(line: str, limit: int) -> list[str]:
    """The line itself, or when it alone is too long, pieces that close and reopen its tags."""
    if visible_length(line) <= limit:
        return [line]
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []
    current, size = "", 0
    for token in _TOKEN.findall(line):
        tag = _TAG_NAME.match(token) if token.startswith("<") else None
        if tag is not None:
            name = tag.group(1).lower()
            if token.startswith("</"):
                _close(open_tags, name)
            else:
                open_tags.append((name, token))
            current += token
            continue
        width = utf16_length(unescape(token))
        if size and size + width > limit:
            pieces.append(current + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
            current, size = "".join(opening for _, opening in open_tags), 0
        current += token
        size += width
    pieces.append(current)
    return pieces


def _close(open_tags: list[tuple[str, str]], name: str) -> None:
    for position in range(len(open_tags) - 1, -1, -1):
        if open_tags[position][0] == name:
            del open_tags[position]
            return
