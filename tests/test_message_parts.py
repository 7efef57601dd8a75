"""Packing HTML lines into Telegram messages under the length limit."""

from __future__ import annotations

import pytest

from faq.message_parts import MAX_MESSAGE_CHARS, pack_lines, visible_length
from faq.telegram_html import parse_telegram_html

LINK = '<a href="https://example.org/a?b=1&amp;c=2">'

PACKED = [
    pytest.param([], 10, [], id="nothing"),
    pytest.param(["a", "b"], 10, ["a\nb"], id="short-lines-share-a-message"),
    pytest.param(["aaaa", "bbbb"], 9, ["aaaa\nbbbb"], id="exactly-the-limit"),
    pytest.param(["aaaa", "bbbb", "cccc"], 9, ["aaaa\nbbbb", "cccc"], id="the-next-line-waits"),
    pytest.param(["<b>aaaa</b>", "<i>bbbb</i>"], 9, ["<b>aaaa</b>\n<i>bbbb</i>"], id="tags-free"),
    pytest.param(["&amp;&lt;&gt;&quot;", "&#233;"], 6, ["&amp;&lt;&gt;&quot;\n&#233;"], id="refs"),
    pytest.param(["😀😀", "x"], 4, ["😀😀", "x"], id="emoji-count-two-utf16-units"),
    pytest.param(["<b>abcdef</b>"], 4, ["<b>abcd</b>", "<b>ef</b>"], id="long-line-cut"),
    pytest.param(["a&amp;b&amp;c"], 2, ["a&amp;", "b&amp;", "c"], id="cut-beside-references"),
    pytest.param(["😀😀"], 3, ["😀", "😀"], id="cut-between-characters"),
    pytest.param(
        [f"<b>x{LINK}abcd</a></b>"],
        3,
        [f"<b>x{LINK}ab</a></b>", f"<b>{LINK}cd</a></b>"],
        id="open-tags-closed-and-reopened",
    ),
    pytest.param(["ab", "<i>xyz</i> tail"], 5, ["ab", "<i>xyz</i> t", "ail"], id="after-a-tag"),
    pytest.param(["", " ", "a"], 1, ["a"], id="blank-messages-dropped"),
]


@pytest.mark.parametrize(("lines", "limit", "expected"), PACKED)
def test_pack_lines(lines: list[str], limit: int, expected: list[str]) -> None:
    packed = pack_lines(lines, limit)
    assert packed == expected
    for message in packed:
        parse_telegram_html(message)  # raises if a tag or a reference was cut
        assert visible_length(message) <= limit


def test_a_long_list_fits_telegram_messages() -> None:
    lines = [f"• {'&lt;question&gt; ' * 40} <i>(fallback; costs 42)</i>" for _ in range(20)]
    packed = pack_lines(lines)
    assert len(packed) > 1
    assert all(visible_length(message) <= MAX_MESSAGE_CHARS for message in packed)
    assert "\n".join(packed) == "\n".join(lines)


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        pack_lines(["a"], 0)
