"""Placeholders: dates, status, html-escaping of values, links block, subscribe offer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from faq.call import DEADLINE_AT, OPENS_AT, CallOverrides, as_moment, current_call
from faq.model import CallSettings, Entry, Link
from faq.placeholders import (
    CallState,
    call_status,
    format_call_date,
    format_call_moment,
    needs_subscribe_offer,
    render_answer,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = date(2024, 5, 1)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=BRUSSELS)


def _call(name: str, opens: date | None, deadline: date | None) -> CallState:
    """A call in Brussels whose dates mean the whole day, as call.yaml's bare dates do."""
    return CallState(
        name,
        as_moment(opens, BRUSSELS, at=OPENS_AT),
        as_moment(deadline, BRUSSELS, at=DEADLINE_AT),
        zone=BRUSSELS,
    )


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
    now = datetime.combine(today, datetime.min.time().replace(hour=12), tzinfo=BRUSSELS)
    assert call_status(_call("C", opens, deadline), now) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 5, 31, 23, 59, tzinfo=BRUSSELS), "31 May 2024"),
        (datetime(2024, 4, 8, 0, 0, tzinfo=BRUSSELS), "8 April 2024"),
        (datetime(2024, 5, 31, 17, 0, tzinfo=BRUSSELS), "31 May 2024, 17:00 (Brussels time)"),
        # Shown in the programme's zone, whatever zone it was stored in.
        (datetime(2024, 5, 31, 15, 0, tzinfo=UTC), "31 May 2024, 17:00 (Brussels time)"),
        (datetime(2024, 5, 31, 21, 59, tzinfo=UTC), "31 May 2024"),
        (None, "to be announced"),
    ],
)
def test_format_call_moment(moment: datetime | None, expected: str) -> None:
    assert format_call_moment(moment, BRUSSELS) == expected


@pytest.mark.parametrize(
    ("file_value", "stored", "expected"),
    [
        (date(2024, 5, 31), None, datetime(2024, 5, 31, 23, 59, tzinfo=BRUSSELS)),
        (datetime(2024, 5, 31, 17, 0), None, datetime(2024, 5, 31, 17, 0, tzinfo=BRUSSELS)),
        (None, date(2024, 6, 7), datetime(2024, 6, 7, 23, 59, tzinfo=BRUSSELS)),
        (
            date(2024, 5, 31),
            datetime(2024, 6, 7, 12, tzinfo=UTC),
            datetime(2024, 6, 7, 12, tzinfo=UTC),
        ),
        (None, None, None),
    ],
)
def test_a_deadline_date_means_the_end_of_that_day_and_staff_values_win(
    file_value: date | None, stored: date | None, expected: datetime | None
) -> None:
    call = current_call(
        CallSettings("C", deadline=file_value), CallOverrides(deadline=stored), BRUSSELS
    )
    assert call.deadline == expected


def test_render_fills_values_and_escapes_them() -> None:
    call = _call("Cities <&> call", date(2024, 4, 8), None)
    html = render_answer(
        _entry("{call_name} opens <b>{call_opens}</b>, deadline {call_deadline}; {call_status}."),
        call,
        NOW,
    )
    assert html == (
        "Cities &lt;&amp;&gt; call opens <b>8 April 2024</b>, deadline to be announced; open."
    )


def test_double_braces_become_literal_braces() -> None:
    html = render_answer(_entry("Use {{curly}} braces"), _call("C", None, None), NOW)
    assert html == "Use {curly} braces"


def test_links_block_is_added_and_escaped() -> None:
    entry = _entry("Answer.", (Link("A & B", 'https://example.org/?a=1&b="2"'),))
    html = render_answer(entry, _call("C", None, None), NOW)
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
    assert needs_subscribe_offer(_entry(answer), _call("C", opens, deadline)) is expected


def _phased(**by_phase: str) -> Entry:
    return Entry(
        "x",
        "Q?",
        ("a", "b", "c", "d", "e"),
        "Default. Send /subscribe for news.",
        ("Dates",),
        (Link("Default source", "https://example.org/a"),),
        by_phase=tuple(by_phase.items()),
        phase_links=(("closed", (Link("Closed source", "https://example.org/c"),)),),
    )


def test_phase_keys_are_the_call_phases() -> None:
    from faq.call import CallPhase
    from faq.model import PHASE_KEYS
    from faq.placeholders import phase_key

    assert tuple(phase_key(phase) for phase in CallPhase) == PHASE_KEYS


@pytest.mark.parametrize(
    ("opens", "deadline", "shown", "source", "offer"),
    [
        (None, None, "Default.", "Default source", True),
        (date(2024, 5, 10), None, "Opens on 10 May 2024.", "Default source", False),
        (date(2024, 4, 8), None, "Default.", "Default source", True),  # its date is unset
        (date(2024, 4, 8), date(2024, 5, 31), "Open until 31 May 2024.", "Default source", False),
        (date(2024, 4, 8), date(2024, 4, 30), "Closed.", "Closed source", False),
    ],
)
def test_the_answer_follows_the_phase_once_its_dates_are_set(
    opens: date | None, deadline: date | None, shown: str, source: str, offer: bool
) -> None:
    entry = _phased(
        opens_soon="Opens on {call_opens}.",
        open="Open until {call_deadline}.",
        closed="Closed.",
    )
    call = _call("C", opens, deadline)
    html = render_answer(entry, call, NOW)
    assert html.startswith(shown)
    assert source in html and ("Closed source" in html) == (source == "Closed source")
    assert needs_subscribe_offer(entry, call, NOW) is offer


def test_an_entry_without_phases_offers_subscribing_only_for_unset_dates() -> None:
    plain = _entry("Hello! Try /subscribe.")
    assert needs_subscribe_offer(plain, _call("C", None, None), NOW) is False


def test_a_source_without_address_is_plain_text_and_links_show_once() -> None:
    same = Link("A", "https://example.org/a")
    entry = _entry("Answer.", (same, same, Link("EC news", None)))
    html = render_answer(entry, _call("C", None, None), NOW)
    assert html.count("https://example.org/a") == 1
    assert html.endswith("\n• EC news")
