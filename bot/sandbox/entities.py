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
NAME = re.compile(r"[A-Za-z0-9_]*")
# Mentions and commands follow tdlib's MessageEntity.cpp (what Telegram's servers and apps use):
# a username of 4 to 32 characters is a mention (Telegram sells 4-character usernames, and
# tdlib accepts them); of shorter ones only a few inline bots' names count.
MIN_USERNAME, MAX_USERNAME = 4, 32
SHORT_USERNAMES = frozenset({"gif", "vid", "pic"})
# A command is 1 to 64 characters after the slash, optionally @ a bot name of 3 to 32; none
# starts or ends next to a word character, "/", "<" or ">" (so "</b>" or "a/b" hold none).
MAX_COMMAND, MIN_BOT_NAME, MAX_BOT_NAME = 64, 3, 32
COMMAND_NEIGHBOURS = "/<>"
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
    found.extend((m.start(), m.end(), "hashtag") for m in HASHTAG.finditer(text))
    found.extend((start, end, "mention") for start, end in _mentions(text))
    found.extend((start, end, "bot_command") for start, end in _commands(text))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if span[1] > span[0] and not any(_overlap(span, other) for other in kept):
            kept.append(span)
    return kept


def _is_word(char: str) -> bool:
    """A letter, digit or underscore in any script (tdlib's word character)."""
    return char == "_" or char.isalnum()


def _marks(text: str, mark: str) -> list[int]:
    return [index for index, char in enumerate(text) if char == mark]


def _mentions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each @username."""
    spans = []
    for at in _marks(text, "@"):
        if at > 0 and _is_word(text[at - 1]):
            continue
        end = NAME.match(text, at + 1).end()  # type: ignore[union-attr]
        name = text[at + 1 : end]
        if not 2 <= len(name) <= MAX_USERNAME or (end < len(text) and _is_word(text[end])):
            continue
        if len(name) >= MIN_USERNAME or name.lower() in SHORT_USERNAMES:
            spans.append((at, end))
    return spans


def _commands(text: str) -> list[tuple[int, int]]:
    """(start, end) of each /command or /command@bot_name."""
    spans = []
    for slash in _marks(text, "/"):
        if slash > 0 and (_is_word(text[slash - 1]) or text[slash - 1] in COMMAND_NEIGHBOURS):
            continue
        end = NAME.match(text, slash + 1).end()  # type: ignore[union-attr]
        if not 1 <= end - slash - 1 <= MAX_COMMAND:
            continue
        if end < len(text) and text[end] == "@":
            name_end = NAME.match(text, end + 1).end()  # type: ignore[union-attr]
            if not MIN_BOT_NAME <= name_end - end - 1 <= MAX_BOT_NAME:
                continue
            end = name_end
        if end < len(text) and (_is_word(text[end]) or text[end] in COMMAND_NEIGHBOURS):
            continue
        spans.append((slash, end))
    return spans


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
