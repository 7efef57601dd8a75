"""Tests for faq.telegram_html: Telegram's HTML parse mode, entities and error descriptions."""

from __future__ import annotations

from typing import Any

import pytest

from faq.telegram_html import TelegramHtmlError, check_link, parse_telegram_html, utf16_length


def entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    """Build an expected MessageEntity dict."""
    return {"type": kind, "offset": offset, "length": length, **extra}


TAG_CASES = [
    ("<b>x</b>", "x", [entity("bold", 0, 1)]),
    ("<strong>x</strong>", "x", [entity("bold", 0, 1)]),
    ("<i>x</i>", "x", [entity("italic", 0, 1)]),
    ("<em>x</em>", "x", [entity("italic", 0, 1)]),
    ("<u>x</u>", "x", [entity("underline", 0, 1)]),
    ("<ins>x</ins>", "x", [entity("underline", 0, 1)]),
    ("<s>x</s>", "x", [entity("strikethrough", 0, 1)]),
    ("<strike>x</strike>", "x", [entity("strikethrough", 0, 1)]),
    ("<del>x</del>", "x", [entity("strikethrough", 0, 1)]),
    ('<span class="tg-spoiler">x</span>', "x", [entity("spoiler", 0, 1)]),
    ("<tg-spoiler>x</tg-spoiler>", "x", [entity("spoiler", 0, 1)]),
    ("<code>x</code>", "x", [entity("code", 0, 1)]),
    ("<pre>x</pre>", "x", [entity("pre", 0, 1)]),
    ("<blockquote>x</blockquote>", "x", [entity("blockquote", 0, 1)]),
    ("<blockquote expandable>x</blockquote>", "x", [entity("expandable_blockquote", 0, 1)]),
    (
        '<a href="https://example.org/x?a=1">x</a>',
        "x",
        [entity("text_link", 0, 1, url="https://example.org/x?a=1")],
    ),
    (
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "👍",
        [entity("custom_emoji", 0, 2, custom_emoji_id="5368324170671202286")],
    ),
    ("<B>x</B>", "x", [entity("bold", 0, 1)]),
    ("<b>x</B>", "x", [entity("bold", 0, 1)]),
]


@pytest.mark.parametrize(("html", "text", "entities"), TAG_CASES)
def test_every_supported_tag_gives_its_entity(html: str, text: str, entities: list) -> None:
    assert parse_telegram_html(html) == (text, entities)


NESTING_CASES = [
    (
        "<b>bold <i>both</i></b> plain",
        "bold both plain",
        [entity("bold", 0, 9), entity("italic", 5, 4)],
    ),
    ("<i><b>x</b></i>", "x", [entity("bold", 0, 1), entity("italic", 0, 1)]),
    (
        "<i>a</i><b>bc</b>",
        "abc",
        [entity("italic", 0, 1), entity("bold", 1, 2)],
    ),
    (
        '<pre><code class="language-python">x = 1</code></pre>',
        "x = 1",
        [entity("pre", 0, 5, language="python")],
    ),
    (
        '<code class="language-python"><pre>x</pre></code>',
        "x",
        [entity("pre", 0, 1, language="python")],
    ),
    ("<pre><code>x</code></pre>", "x", [entity("pre", 0, 1)]),
    ('<code class="language-python">x</code>', "x", [entity("code", 0, 1)]),
    (
        '<pre> <code class="language-py">x</code></pre>',
        " x",
        [entity("pre", 0, 2)],
    ),
    ("<code><b>x</b></code>", "x", [entity("code", 0, 1)]),
    ("<pre>a<i>b</i></pre>", "ab", [entity("pre", 0, 2)]),
    (
        "<b>a <code>c</code></b>",
        "a c",
        [entity("bold", 0, 2), entity("code", 2, 1)],
    ),
    (
        "<s>a<pre>b</pre>c</s>",
        "abc",
        [entity("strikethrough", 0, 1), entity("pre", 1, 1), entity("strikethrough", 2, 1)],
    ),
    ("<tg-spoiler><pre>a</pre></tg-spoiler>", "a", [entity("pre", 0, 1)]),
    ("<b>a</b><b>b</b>", "ab", [entity("bold", 0, 2)]),
    ("<b>a<b>b</b></b>", "ab", [entity("bold", 0, 2)]),
    ("<i>a</i> <i>b</i>", "a b", [entity("italic", 0, 1), entity("italic", 2, 1)]),
    (
        '<a href="a.org"><code>x</code> y</a>',
        "x y",
        [entity("text_link", 0, 3, url="http://a.org/")],
    ),
    (
        '<a href="a.org">x <a href="b.org">y</a></a>',
        "x y",
        [entity("text_link", 0, 3, url="http://a.org/")],
    ),
    (
        "<blockquote>a<pre>b</pre></blockquote>",
        "ab",
        [entity("blockquote", 0, 2), entity("pre", 1, 1)],
    ),
    (
        "<blockquote>a<blockquote>b</blockquote></blockquote>",
        "ab",
        [entity("blockquote", 0, 2)],
    ),
    (
        '<b><tg-emoji emoji-id="1">🏟</tg-emoji>1</b>',
        "🏟1",
        [entity("bold", 0, 3), entity("custom_emoji", 0, 2, custom_emoji_id="1")],
    ),
    (
        '<a href="https://a.org/"><b>x</b></a>',
        "x",
        [entity("text_link", 0, 1, url="https://a.org/"), entity("bold", 0, 1)],
    ),
    ("<i>x</>", "x", [entity("italic", 0, 1)]),
    ("<i>x</   >", "x", [entity("italic", 0, 1)]),
    ("<i>x</i   >", "x", [entity("italic", 0, 1)]),
]


@pytest.mark.parametrize(("html", "text", "entities"), NESTING_CASES)
def test_nesting_follows_the_bot_api_rules(html: str, text: str, entities: list) -> None:
    assert parse_telegram_html(html) == (text, entities)


ATTRIBUTE_CASES = [
    ("<a href='https://a.org/'>x</a>", "https://a.org/"),
    ('<a href="https://a.org/">x</a>', "https://a.org/"),
    ('<a  href  =  "https://a.org/"   >x</a>', "https://a.org/"),
    ("<a href=a.org>x</a>", "http://a.org/"),
    ("<a HREF=a.org>x</a>", None),
    ('<a href="a.org?x=&lt;&amp;&quot;">x</a>', 'http://a.org/?x=<&"'),
    ('<a title="t" href="a.org" target=x-y>x</a>', "http://a.org/"),
    ('<a href="tg://user?id=123">x</a>', "tg://user?id=123"),
    # Letters after a non-ampersand are not references: "salt" keeps its "lt", "#1" its digits.
    ('<a href="https://a.org/salt#123">x</a>', "https://a.org/salt#123"),
    ('<a href="https://a.org/?a=1&b=2&amp;c=3">x</a>', "https://a.org/?a=1&b=2&c=3"),
]


@pytest.mark.parametrize(("html", "url"), ATTRIBUTE_CASES)
def test_link_attributes_with_either_quote(html: str, url: str | None) -> None:
    entities = [entity("text_link", 0, 1, url=url)] if url else []
    assert parse_telegram_html(html) == ("x", entities)


def test_unquoted_class_value_is_case_insensitive() -> None:
    assert parse_telegram_html("<span class=TG-SPOILER>x</span>")[1] == [entity("spoiler", 0, 1)]


@pytest.mark.parametrize(
    "html",
    [
        "<blockquote expandable=false>x</blockquote>",
        "<blockquote cite='' expandable asd>x</blockquote>",
        "<blockquote   expandable   >x</blockquote>",
    ],
)
def test_any_expandable_attribute_makes_the_quote_expandable(html: str) -> None:
    assert parse_telegram_html(html)[1] == [entity("expandable_blockquote", 0, 1)]


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<i aba>x</i>", "italic"),
        ("<i aba = caba>x</i>", "italic"),
        ("<b class=\"x\" id='y'>x</b>", "bold"),
        ("<i a=190azAz-.>x</i>", "italic"),
        ("<code class=python>x</code>", "code"),
    ],
)
def test_unknown_attributes_are_ignored(html: str, kind: str) -> None:
    assert parse_telegram_html(html) == ("x", [entity(kind, 0, 1)])


LINK_CASES = [
    ("<a>a.org</a>", "a.org", [entity("text_link", 0, 5, url="http://a.org/")]),
    ("<a>a.org </a>", "a.org ", []),
    ("<a> </a>", " ", []),
    ('<a href="">b.org</a>', "b.org", [entity("text_link", 0, 5, url="http://b.org/")]),
    ('<a href="ftp://y.org">m</a>', "m", []),
    ('<a href="localhost">m</a>', "m", []),
    (
        '<a href="HTTPS://Y.org:8443/P?q#f">m</a>',
        "m",
        [entity("text_link", 0, 1, url="https://y.org:8443/P?q#f")],
    ),
]


@pytest.mark.parametrize(("html", "text", "entities"), LINK_CASES)
def test_links_are_normalized_or_dropped(html: str, text: str, entities: list) -> None:
    assert parse_telegram_html(html) == (text, entities)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("telegram.org", "http://telegram.org/"),
        (
            "https://telegram.org/asdsa?asdasdwe#12e3we",
            "https://telegram.org/asdsa?asdasdwe#12e3we",
        ),
        ("telegram.org?<", "http://telegram.org/?<"),
        ("tg://resolve?domain=x", "tg://resolve?domain=x"),
        ("tg:settings", "tg://settings/"),
        ("https://user@a.org", "https://user@a.org/"),
        ("https://a.org:0", None),
        ("https://a b.org", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_check_link(link: str, expected: str | None) -> None:
    assert check_link(link) == expected


ENTITY_CASES = [
    ("&lt;b&gt; &amp; &quot;", '<b> & "'),
    ("&#65;&#x42;&#x6a;", "ABj"),
    ("&#65&#x42 &lt&gt", "AB <>"),
    ("&nbsp;&ge;&laquo;&Or;", "&nbsp;&ge;&laquo;&Or;"),
    ("&LT; &amp", "&LT; &"),
    ("&#X41; &#0; &#;", "&#X41; &#0; &#;"),
    ("&#12345678; &#1114111;", "&#12345678; &#1114111;"),
    ("&#128512;", "😀"),
    ("a & b", "a & b"),
    ("fish & chips &", "fish & chips &"),
    ("a > b", "a > b"),
]


@pytest.mark.parametrize(("html", "text"), ENTITY_CASES)
def test_character_references(html: str, text: str) -> None:
    assert parse_telegram_html(html) == (text, [])


UTF16_CASES = [
    ("😀 <b>x</b>", "😀 x", [entity("bold", 3, 1)]),
    ("<b>😀</b>", "😀", [entity("bold", 0, 2)]),
    ("é<i>ü</i>", "éü", [entity("italic", 1, 1)]),
    ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [entity("italic", 5, 5)]),
    ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [entity("italic", 5, 6)]),
    ("&#128512;<b>x</b>", "😀x", [entity("bold", 2, 1)]),
]


@pytest.mark.parametrize(("html", "text", "entities"), UTF16_CASES)
def test_offsets_count_utf16_code_units(html: str, text: str, entities: list) -> None:
    assert parse_telegram_html(html) == (text, entities)


@pytest.mark.parametrize(
    ("text", "length"),
    [("", 0), ("abc", 3), ("é", 1), ("😀", 2), ("a😀b", 4), ("➡️", 2), ("🇪🇺", 4)],
)
def test_utf16_length(text: str, length: int) -> None:
    assert utf16_length(text) == length


WHITESPACE_CASES = [
    ("  a\n\n<b> b </b>\t\n", "  a\n\n b \t\n", [entity("bold", 5, 3)]),
    ("<i>\t</i>", "\t", [entity("italic", 0, 1)]),
    ("<i>\n</i>", "\n", [entity("italic", 0, 1)]),
    ("<pre>line 1\n  line 2\n</pre>", "line 1\n  line 2\n", [entity("pre", 0, 16)]),
    ("", "", []),
]


@pytest.mark.parametrize(("html", "text", "entities"), WHITESPACE_CASES)
def test_whitespace_and_newlines_are_kept(html: str, text: str, entities: list) -> None:
    assert parse_telegram_html(html) == (text, entities)


@pytest.mark.parametrize(
    "html", ["<b></b>", "a<i></i>b", "<b><i></i></b>x", "<a href='a.org'></a>"]
)
def test_empty_entities_are_dropped(html: str) -> None:
    assert parse_telegram_html(html)[1] == []


ERROR_CASES = [
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
    ("Hello <div>x</div>", 'Unsupported start tag "div" at byte offset 6'),
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<b/>", 'Unsupported start tag "b/" at byte offset 0'),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("<i>a<b>x</i>", 'Unmatched end tag at byte offset 8, expected "</b>", found "</i>"'),
    ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("x <b", "Unclosed start tag at byte offset 2"),
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ('<a href="x"', "Unclosed start tag at byte offset 0"),
    ('<a href="x', "Unclosed start tag at byte offset 0"),
    ("<a href", 'Unclosed start tag "a" at byte offset 0'),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ('<a href="x"/>y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
    ('<a href="x"y">z</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    ("<b>x</b", "Unclosed end tag at byte offset 4"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
    ("<tg-emoji>y</tg-emoji>", "Invalid custom emoji identifier specified"),
    ('<tg-emoji emoji-id="-5">y</tg-emoji>', "Invalid custom emoji identifier specified"),
    (
        "&#57311;",
        "Text contains invalid Unicode characters after decoding HTML entities, "
        "check for unmatched surrogate code units",
    ),
    (
        "&#xDFDF",
        "Text contains invalid Unicode characters after decoding HTML entities, "
        "check for unmatched surrogate code units",
    ),
]


@pytest.mark.parametrize(("html", "description"), ERROR_CASES)
def test_errors_use_telegram_descriptions(html: str, description: str) -> None:
    with pytest.raises(TelegramHtmlError) as caught:
        parse_telegram_html(html)
    assert caught.value.description == description
    assert str(caught.value) == description


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="byte offset 0"):
        parse_telegram_html("<p>x</p>")


def test_entities_are_sorted_by_offset_outer_first() -> None:
    html = "<i>a</i> <b>b <u>c</u></b> <s><code>d</code></s>"
    text, entities = parse_telegram_html(html)
    assert text == "a b c d"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("italic", 0, 1),
        ("bold", 2, 3),
        ("underline", 4, 1),
        ("code", 6, 1),
    ]
