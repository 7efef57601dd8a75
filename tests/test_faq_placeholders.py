"""Placeholders: dates, status, html-escaping of values, links block, subscribe offer."""

from __future__ import annotations

from datetime import date

import pytest

from faq.model import Entry, Link
from faq.placeholders import (
    CallState,
    call_status,
    format_call_date,
    needs_subscribe_offer,
    render_answer,
)

TODAY = date(2024, 5, 1)


def _entry(answer: str, links: tuple[Link, ...] = ()) -> Entry:
    return Entry("x", "Q?", ("a", "b", "c", "d", "e"), answer, ("Dates",), links)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 4, 8), "8 April 2024"),
        (date(2024, 12, 31), "31 December 2024"),
        (None, "to be announced"),
    ],
)
def test_format_call_date(value: date | None, expected: str) -> None:
    assert format_call_date(value) == expected


@pytest.mark.parametrize(
    ("opens", "deadline", "today", "expected"),
    [
        (None, None, TODAY, "not announced yet"),
        (date(2024, 6, 1), None, TODAY, "not open yet"),
        (date(2024, 4, 8), None, TODAY, "open"),
        (date(2024, 4, 8), date(2024, 5, 31), TODAY, "open"),
        (date(2024, 4, 8), date(2024, 5, 1), TODAY, "open"),
        (date(2024, 4, 8), date(2024, 4, 30), TODAY, "closed"),
        (None, date(2024, 4, 30), TODAY, "closed"),
        (date(2024, 5, 1), None, TODAY, "open"),
    ],
)
def test_call_status(opens: date | None, deadline: date | None, today: date, expected: str) -> None:
    assert call_status(CallState("C", opens, deadline), today) == expected


def test_render_fills_values_and_escapes_them() -> None:
    call = CallState("Cities <&> call", date(2024, 4, 8), None)
    html = render_answer(
        _entry("{call_name} opens <b>{call_opens}</b>, deadline {call_deadline}; {call_status}."),
        call,
        TODAY,
    )
    assert html == (
        "Cities &lt;&amp;&gt; call opens <b>8 April 2024</b>, deadline to be announced; open."
    )


def test_double_braces_become_literal_braces() -> None:
    html = render_answer(_entry("Use {{curly}} braces"), CallState("C", None, None), TODAY)
    assert html == "Use {curly} braces"


def test_links_block_is_added_and_escaped() -> None:
    entry = _entry("Answer.", (Link("A & B", 'https://example.org/?a=1&b="2"'),))
    html = render_answer(entry, CallState("C", None, None), TODAY)
    assert html.startswith("Answer.\n\n<b>Sources</b>\n")
    assert '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">A &amp; B</a>' in html


@pytest.mark.parametrize(
    ("answer", "opens", "deadline", "expected"),
    [
        ("Deadline: {call_deadline}", date(2024, 4, 8), None, True),
        ("Deadline: {call_deadline}", None, date(2024, 5, 31), False),
        ("Opens: {call_opens}", None, date(2024, 5, 31), True),
        ("Status: {call_status}", None, None, False),
        ("No placeholder {{call_deadline}}", None, None, False),
    ],
)
def test_needs_subscribe_offer(
    answer: str, opens: date | None, deadline: date | None, expected: bool
) -> None:
    assert needs_subscribe_offer(_entry(answer), CallState("C", opens, deadline)) is expected
