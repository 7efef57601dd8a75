"""The entities Telegram finds by itself in delivered text: urls, emails, hashtags, mentions,
bot commands."""

from __future__ import annotations

import re
from typing import Any

from faq.telegram_html import utf16_length

# Top-level domains a bare "name.tld" is a link for; Telegram checks a full list, so "guide.txt"
# or "e.g." stay plain text. Anything with http:// or https:// is a link whatever its domain.
KNOWN_TLDS = frozenset(
    {
        "com",
        "org",
        "net",
        "eu",
        "int",
        "gov",
        "edu",
        "info",
        "io",
        "app",
        "dev",
        "me",
        "co",
        "uk",
        "de",
        "fr",
        "it",
        "es",
        "nl",
        "be",
        "at",
        "ch",
        "se",
        "no",
        "dk",
        "fi",
        "pl",
        "pt",
        "ie",
        "gr",
        "cz",
        "sk",
        "hu",
        "ro",
        "bg",
        "hr",
        "si",
        "lt",
        "lv",
        "ee",
        "lu",
        "mt",
        "cy",
        "is",
        "ua",
        "rs",
        "tr",
        "ru",
        "us",
        "ca",
        "au",
        "nz",
        "jp",
        "cn",
        "in",
        "br",
    }
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![\w@])")
URL = re.compile(
    r"(?<![\w@./-])(?:(?P<scheme>https?://)[^\s<>\"]+|(?:[A-Za-z0-9-]+\.)+(?P<tld>[A-Za-z]{2,24})"
    r"(?::\d{1,5})?(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
HASHTAG = re.compile(r"(?<![\w#&])#(?!\d+(?!\w))\w{1,256}")
MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?![\w@])")
BOT_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
TRAILING_PUNCTUATION = ".,;:!?)]}'"
# Given entities that leave no room for a found one inside them (formatting may nest).
EXCLUSIVE = frozenset(
    {
        "url",
        "text_link",
        "email",
        "mention",
        "text_mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "phone_number",
        "code",
        "pre",
        "custom_emoji",
    }
)


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, type) in str indices, earlier kinds winning where they overlap."""
    found: list[tuple[int, int, str]] = []
    for match in EMAIL.finditer(text):
        found.append((match.start(), match.end(), "email"))
    for match in URL.finditer(text):
        if match.group("scheme") is None and match.group("tld").lower() not in KNOWN_TLDS:
            continue
        end = match.end()
        while end > match.start() and text[end - 1] in TRAILING_PUNCTUATION:
            end -= 1
        found.append((match.start(), end, "url"))
    for pattern, kind in ((HASHTAG, "hashtag"), (MENTION, "mention"), (BOT_COMMAND, "bot_command")):
        found.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if span[1] > span[0] and not any(_overlap(span, other) for other in kept):
            kept.append(span)
    return kept


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def with_automatic_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` plus those Telegram adds (where they overlap none given), ordered by offset."""
    given = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in EXCLUSIVE]
    added = []
    for start, end, kind in _spans(text):
        offset = utf16_length(text[:start])
        length = utf16_length(text[start:end])
        if any(offset < g_end and g_start < offset + length for g_start, g_end in given):
            continue
        added.append({"type": kind, "offset": offset, "length": length})
    if not added:
        return entities
    return sorted([*entities, *added], key=lambda e: (e["offset"], -e["length"]))
