"""Telegram's HTML parse mode: turn HTML-formatted text into plain text plus MessageEntity dicts.

Mirrors `parse_html` of TDLib (the code behind the Bot API), then applies the Bot API's
nesting rules, so the emulator answers with the same text, entities and error descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TelegramHtmlError", "check_link", "parse_telegram_html", "utf16_length"]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# Telegram orders entities with the same span by a fixed type priority (lower first).
TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

CODE_TYPES = frozenset({"pre", "code"})
BLOCKQUOTE_TYPES = frozenset({"blockquote", "expandable_blockquote"})
UNSPLITTABLE_TYPES = frozenset({"text_link", "custom_emoji"})
SPLITTABLE_TYPES = frozenset(SIMPLE_TAG_TYPES.values())
SPACES = frozenset(" \t\n\r\f\v")
ATTRIBUTE_NAME_ENDS = frozenset("=>/\"'")
DECIMAL_DIGITS = frozenset("0123456789")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
NAME_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
PLAIN_RUN = re.compile(r"[^<&]+")
MAX_CODE_POINT = 0x10FFFF
MAX_NUMERIC_ENTITY_WIDTH = 10
MAX_INT64 = 2**63 - 1
SURROGATE_ERROR = (
    "Text contains invalid Unicode characters after decoding HTML entities, "
    "check for unmatched surrogate code units"
)

LINK_SCHEMES = ("tg", "ton", "tonsite")
WEB_SCHEMES = ("http", "https")
HOST_PUNCTUATION = frozenset(".-_!$,~*'();&+=%")
MAX_PORT = 65535


class TelegramHtmlError(ValueError):
    """Text that Telegram's HTML parser would reject; `description` is Telegram's wording."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units, as Telegram counts offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_telegram_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse `text` like Telegram's HTML parse mode; return (plain text, entity dicts)."""
    parser = _Parser(text)
    parser.run()
    return "".join(parser.output), _finish_entities(parser.entities)


def _char_at(text: str, pos: int) -> str:
    """Return the character at `pos`, or "" past the end (like C's terminating NUL)."""
    return text[pos] if pos < len(text) else ""


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the reference at `text[pos] == "&"`; return (char, end) or None to keep it literal."""
    if _char_at(text, pos + 1) == "#":
        return _decode_numeric_entity(text, pos)
    end = pos + 1
    while _char_at(text, end).isascii() and _char_at(text, end).isalpha():
        end += 1
    decoded = NAMED_ENTITIES.get(text[pos + 1 : end])
    if decoded is None:
        return None
    return decoded, _skip_semicolon(text, end)


def _decode_references(raw: str) -> str:
    """Decode every character reference in an attribute value; unknown ones stay literal."""
    chunks: list[str] = []
    pos = 0
    while (ampersand := raw.find("&", pos)) != -1:
        chunks.append(raw[pos:ampersand])
        decoded = _decode_html_entity(raw, ampersand)
        if decoded is None:
            chunks.append("&")
            pos = ampersand + 1
        else:
            chunks.append(decoded[0])
            pos = decoded[1]
    chunks.append(raw[pos:])
    return "".join(chunks)


def _decode_numeric_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode `&#NNN;` or `&#xHH;` (semicolon optional) starting at `pos`."""
    end = pos + 2
    base, digits = 10, DECIMAL_DIGITS
    if _char_at(text, end) == "x":
        end += 1
        base, digits = 16, HEX_DIGITS
    value = 0
    while _char_at(text, end) in digits and end < len(text):
        value = value * base + int(text[end], base)
        end += 1
        if value >= MAX_CODE_POINT:
            return None
    if value == 0 or end - pos >= MAX_NUMERIC_ENTITY_WIDTH:
        return None
    return chr(value), _skip_semicolon(text, end)


def _skip_semicolon(text: str, end: int) -> int:
    """Return the position after an optional terminating semicolon."""
    return end + 1 if _char_at(text, end) == ";" else end


def _is_space(char: str) -> bool:
    """Tell whether `char` is one of the ASCII spaces Telegram skips inside tags."""
    return char in SPACES


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    argument: str
    utf16_offset: int
    output_index: int


@dataclass
class _Parser:
    """Single pass over the input, mirroring Telegram's own HTML parser."""

    text: str
    pos: int = 0
    utf16_offset: int = 0
    decoded_surrogate: bool = False
    counted_chars: int = 0
    counted_bytes: int = 0
    output: list[str] = field(default_factory=list)
    open_tags: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def run(self) -> None:
        """Consume the whole input."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "<":
                if _char_at(self.text, self.pos + 1) == "/":
                    self._read_end_tag()
                else:
                    self._read_start_tag()
            elif char == "&":
                if not self._append_entity():
                    self._append(char)
                    self.pos += 1
            else:
                plain = PLAIN_RUN.match(self.text, self.pos)
                assert plain is not None  # the cursor is on a character that starts one
                self._append(plain.group())
                self.pos = plain.end()
        if self.open_tags:
            name = self.open_tags[-1].name
            raise TelegramHtmlError(f'Can\'t find end tag corresponding to start tag "{name}"')
        if self.decoded_surrogate:
            raise TelegramHtmlError(SURROGATE_ERROR)

    def _append(self, chunk: str) -> None:
        """Add decoded text to the output."""
        self.output.append(chunk)
        self.utf16_offset += utf16_length(chunk)

    def _append_entity(self) -> bool:
        """Decode a character reference at the cursor; False when it stays literal."""
        decoded = _decode_html_entity(self.text, self.pos)
        if decoded is None:
            return False
        char, self.pos = decoded
        self.decoded_surrogate = self.decoded_surrogate or 0xD800 <= ord(char) <= 0xDFFF
        self._append(char)
        return True

    def _byte_offset(self, pos: int) -> int:
        """Return the UTF-8 byte offset of character index `pos` in the input."""
        # Tags are met left to right, so counting on from the last answer keeps this linear.
        if pos < self.counted_chars:
            self.counted_chars = self.counted_bytes = 0
        chunk = self.text[self.counted_chars : pos]
        self.counted_bytes += len(chunk.encode("utf-8", "surrogatepass"))
        self.counted_chars = pos
        return self.counted_bytes

    def _skip_spaces(self) -> None:
        """Move the cursor past ASCII spaces."""
        while _is_space(_char_at(self.text, self.pos)):
            self.pos += 1

    def _read_until(self, stops: frozenset[str] | str) -> str:
        """Read characters up to a space, one of `stops` or the end of input."""
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if _is_space(char) or char in stops:
                break
            self.pos += 1
        return self.text[start : self.pos]

    def _read_start_tag(self) -> None:
        """Read `<name attr=value ...>` and open the tag."""
        at = self._byte_offset(self.pos)
        self.pos += 1
        name = self._read_until(">").lower()
        if self.pos >= len(self.text):
            raise TelegramHtmlError(f"Unclosed start tag at byte offset {at}")
        if name not in ALLOWED_TAGS:
            raise TelegramHtmlError(f'Unsupported start tag "{name}" at byte offset {at}')
        argument = self._read_attributes(name, at)
        self.pos += 1
        if name == "span" and argument != "spoiler":
            raise TelegramHtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        self.open_tags.append(_OpenTag(name, argument, self.utf16_offset, len(self.output)))

    def _read_attributes(self, tag: str, at: int) -> str:
        """Read attributes up to `>`; return the one argument the tag cares about."""
        argument = ""
        while _char_at(self.text, self.pos) != ">":
            self._skip_spaces()
            if _char_at(self.text, self.pos) == ">":
                break
            attribute = self._read_until(ATTRIBUTE_NAME_ENDS)
            if not attribute:
                raise TelegramHtmlError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {at}'
                )
            self._skip_spaces()
            if _char_at(self.text, self.pos) != "=":
                self._require_more(f'Unclosed start tag "{tag}" at byte offset {at}')
                if tag == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                continue
            self.pos += 1
            self._skip_spaces()
            self._require_more(f'Unclosed start tag "{tag}" at byte offset {at}')
            value = self._read_attribute_value()
            self._require_more(f"Unclosed start tag at byte offset {at}")
            argument = _tag_argument(tag, attribute, value, argument)
        return argument

    def _require_more(self, description: str) -> None:
        """Fail with `description` when the input ends at the cursor."""
        if self.pos >= len(self.text):
            raise TelegramHtmlError(description)

    def _read_attribute_value(self) -> str:
        """Read a quoted string literal or an unquoted name token."""
        quote = self.text[self.pos]
        if quote in "'\"":
            return self._read_quoted_value(quote)
        start = self.pos
        while _char_at(self.text, self.pos) in NAME_TOKEN_CHARS and self.pos < len(self.text):
            self.pos += 1
        if _char_at(self.text, self.pos) != ">" and not _is_space(_char_at(self.text, self.pos)):
            raise TelegramHtmlError(
                f"Unexpected end of name token at byte offset {self._byte_offset(start)}"
            )
        return self.text[start : self.pos].lower()

    def _read_quoted_value(self, quote: str) -> str:
        """Read a value between quotes, decoding character references."""
        start = self.pos + 1
        end = self.text.find(quote, start)
        if end == -1:
            end = len(self.text)
        self.pos = min(end + 1, len(self.text))
        return _decode_references(self.text[start:end])

    def _read_end_tag(self) -> None:
        """Read `</name>` (or `</>`) and close the innermost open tag."""
        at = self._byte_offset(self.pos)
        if not self.open_tags:
            raise TelegramHtmlError(f"Unexpected end tag at byte offset {at}")
        self.pos += 2
        found = self._read_until(">").lower()
        self._skip_spaces()
        if _char_at(self.text, self.pos) != ">":
            raise TelegramHtmlError(f"Unclosed end tag at byte offset {at}")
        self.pos += 1
        tag = self.open_tags[-1]
        if found and found != tag.name:
            raise TelegramHtmlError(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                f'found "</{found}>"'
            )
        self.open_tags.pop()
        self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into an entity unless it covers no text."""
        length = self.utf16_offset - tag.utf16_offset
        if length <= 0:
            return
        entity = _make_entity(tag, length, "".join(self.output[tag.output_index :]))
        if entity is not None and not self._merge_code_block(entity):
            self.entities.append(entity)

    def _merge_code_block(self, entity: dict[str, Any]) -> bool:
        """Merge `<pre><code class="language-x">` (either nesting) into one pre with a language."""
        if not self.entities or entity["type"] not in CODE_TYPES:
            return False
        last = self.entities[-1]
        if (last["offset"], last["length"]) != (entity["offset"], entity["length"]):
            return False
        if entity["type"] == "pre" and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return True
        outer_pre = last["type"] == "pre" and "language" not in last
        if entity["type"] == "code" and outer_pre and entity.get("language"):
            last["language"] = entity["language"]
            return True
        return False


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """Return the tag's argument after seeing `attribute=value`."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return current


def _make_entity(tag: _OpenTag, length: int, inner_text: str) -> dict[str, Any] | None:
    """Build the MessageEntity dict for a closed tag; None for a link Telegram drops."""
    entity: dict[str, Any] = {"offset": tag.utf16_offset, "length": length}
    if tag.name in SIMPLE_TAG_TYPES:
        entity["type"] = SIMPLE_TAG_TYPES[tag.name]
    elif tag.name == "a":
        url = check_link(tag.argument or inner_text)
        if url is None:
            return None
        entity.update(type="text_link", url=url)
    elif tag.name in CODE_TYPES:
        entity["type"] = tag.name
        if tag.argument:
            entity["language"] = tag.argument
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
    else:
        entity.update(type="custom_emoji", custom_emoji_id=_custom_emoji_id(tag.argument))
    return entity


def _custom_emoji_id(argument: str) -> str:
    """Validate a tg-emoji emoji-id the way Telegram does; return it as a string."""
    if not (argument.isascii() and argument.isdigit()) or not 0 < int(argument) <= MAX_INT64:
        raise TelegramHtmlError("Invalid custom emoji identifier specified")
    return str(int(argument))


def check_link(link: str) -> str | None:
    """Normalize a text_link URL as Telegram does ("a.org" -> "http://a.org/"); None if invalid."""
    scheme, separator, rest = link.partition(":")
    if separator and scheme.lower() in LINK_SCHEMES:
        return _check_app_link(scheme.lower(), rest.removeprefix("//"))
    return _check_web_link(link)


def _check_app_link(scheme: str, rest: str) -> str | None:
    """Normalize a tg:, ton: or tonsite: link."""
    host, tail = _split_authority(rest)
    allowed = all(char.isascii() and (char.isalnum() or char in "-_") for char in host)
    if not host or not allowed or _has_control_chars(tail):
        return None
    if tail.startswith("/?"):
        tail = tail[1:]
    return f"{scheme}://{host.lower()}{tail}"


def _check_web_link(link: str) -> str | None:
    """Normalize an http(s) link, adding the scheme and root path Telegram adds."""
    scheme, rest = "http", link
    head, separator, tail = link.partition("://")
    if separator and not any(char in head for char in "/?#@[]"):
        scheme, rest = head.lower(), tail
    if scheme not in WEB_SCHEMES:
        return None
    authority, path = _split_authority(rest)
    userinfo, _, host_port = authority.rpartition("@")
    host, _, port = host_port.partition(":")
    if not _is_valid_host(host) or not _is_valid_port(port) or _has_control_chars(path):
        return None
    if _has_control_chars(userinfo) or "@" in userinfo:
        return None
    prefix = f"{userinfo}@" if userinfo else ""
    suffix = f":{int(port)}" if port else ""
    return f"{scheme}://{prefix}{host.lower()}{suffix}{path}"


def _split_authority(rest: str) -> tuple[str, str]:
    """Split "host/path?query" into the authority and a tail that starts with "/"."""
    cut = min((rest.find(char) for char in "/?#" if char in rest), default=len(rest))
    tail = rest[cut:]
    return rest[:cut], tail if tail.startswith("/") else "/" + tail


def _is_valid_host(host: str) -> bool:
    """Tell whether `host` looks like a domain Telegram accepts in a link."""
    if "." not in host or host.startswith(".") or ".." in host:
        return False
    return all(char.isalnum() or char in HOST_PUNCTUATION for char in host)


def _is_valid_port(port: str) -> bool:
    """Tell whether an optional port is a number Telegram accepts."""
    return not port or (port.isascii() and port.isdigit() and 0 < int(port) <= MAX_PORT)


def _has_control_chars(text: str) -> bool:
    """Tell whether `text` holds spaces or control characters, which break a link."""
    return any(ord(char) <= 0x20 or ord(char) == 0x7F for char in text)


def _finish_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the Bot API's nesting rules, order entities and drop parser-only fields."""
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    blocks = _keep_allowed_blocks([e for e in entities if e["type"] not in SPLITTABLE_TYPES])
    code_spans = [_span(e) for e in blocks if e["type"] in CODE_TYPES]
    styles = [e for e in entities if e["type"] in SPLITTABLE_TYPES]
    pieces = [piece for e in styles for piece in _split_around(e, code_spans)]
    finished = blocks + _merge_touching(pieces)
    return [_public_shape(entity) for entity in sorted(finished, key=_sort_key)]


def _span(entity: dict[str, Any]) -> tuple[int, int]:
    """Return the entity's [start, end) range in UTF-16 code units."""
    return entity["offset"], entity["offset"] + entity["length"]


def _keep_allowed_blocks(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop code, link, emoji and quote entities nested where the Bot API forbids them."""
    kept: list[dict[str, Any]] = []
    for entity in sorted(entities, key=_sort_key):
        if not any(_forbids(outer, entity) for outer in kept):
            kept.append(entity)
    return kept


def _split_around(entity: dict[str, Any], code_spans: list[tuple[int, int]]) -> list[dict]:
    """Cut a bold/italic/... entity into the pieces that lie outside pre and code."""
    pieces = [_span(entity)]
    for code_start, code_end in code_spans:
        next_pieces = []
        for start, end in pieces:
            next_pieces += [(start, min(end, code_start)), (max(start, code_end), end)]
        pieces = [(start, end) for start, end in next_pieces if start < end]
    return [{"type": entity["type"], "offset": s, "length": e - s} for s, e in pieces]


def _merge_touching(pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge entities of one type that overlap or touch, as Telegram does."""
    merged: list[dict[str, Any]] = []
    for piece in sorted(pieces, key=lambda e: (e["type"], e["offset"])):
        last = merged[-1] if merged else None
        if last and last["type"] == piece["type"] and piece["offset"] <= _span(last)[1]:
            last["length"] = max(_span(last)[1], _span(piece)[1]) - last["offset"]
        else:
            merged.append(dict(piece))
    return merged


def _sort_key(entity: dict[str, Any]) -> tuple[int, int, int]:
    """Order by offset, outer (longer) first, then Telegram's type priority."""
    priority = TYPE_PRIORITY[entity["type"]] - (1 if "language" in entity else 0)
    return entity["offset"], -entity["length"], priority


def _forbids(outer: dict[str, Any], inner: dict[str, Any]) -> bool:
    """Tell whether `outer` contains `inner` in a way the Bot API does not allow."""
    (outer_start, outer_end), (inner_start, inner_end) = _span(outer), _span(inner)
    if not outer_start <= inner_start < inner_end <= outer_end:
        return False
    if outer["type"] in CODE_TYPES:
        return True
    if outer["type"] in BLOCKQUOTE_TYPES:
        return inner["type"] in BLOCKQUOTE_TYPES
    return inner["type"] in UNSPLITTABLE_TYPES | CODE_TYPES


def _public_shape(entity: dict[str, Any]) -> dict[str, Any]:
    """Return the entity with Bot API key order: type, offset, length, extras."""
    shaped = {"type": entity["type"], "offset": entity["offset"], "length": entity["length"]}
    for key in ("url", "language", "custom_emoji_id"):
        if key in entity:
            shaped[key] = entity[key]
    return shaped
