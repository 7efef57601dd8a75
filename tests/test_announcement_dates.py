"""Dates staff type for the call: every accepted format, garbage, past dates, a bad order."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.announcements.dates import (
    DateField,
    DateInputError,
    check_change,
    has_time_of_day,
    parse_moment,
    split_moment,
)
from faq.call import CallState

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


def at(*parts: int) -> datetime:
    """A moment in Brussels."""
    return datetime(*parts, tzinfo=BRUSSELS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("2024-05-31", DateField.DEADLINE, at(2024, 5, 31, 23, 59)),
        ("2024-05-31", DateField.OPENS, at(2024, 5, 31, 0, 0)),
        ("31/05/2024 17:00", DateField.DEADLINE, at(2024, 5, 31, 17, 0)),
        ("31.05.2024", DateField.DEADLINE, at(2024, 5, 31, 23, 59)),
        ("31 May 2024 17:00", DateField.DEADLINE, at(2024, 5, 31, 17, 0)),
        ("31 May 2024", DateField.OPENS, at(2024, 5, 31, 0, 0)),
        ("  31.05.2024   17.30 ", DateField.DEADLINE, at(2024, 5, 31, 17, 30)),
        ("31 May 2024 5pm", DateField.DEADLINE, at(2024, 5, 31, 17, 0)),
        # Day before month: 05/06 is the 5th of June.
        ("05/06/2024", DateField.DEADLINE, at(2024, 6, 5, 23, 59)),
        ("31 May 2024 00:00", DateField.DEADLINE, at(2024, 5, 31, 0, 0)),
    ],
)
def test_accepted_formats(text: str, field: DateField, expected: datetime) -> None:
    assert parse_moment(text, BRUSSELS, field) == expected


@pytest.mark.parametrize("text", ["garbage", "", "tomorrow", "31 May", "32/05/2024", "17:00"])
def test_garbage_gets_one_sentence_with_examples(text: str) -> None:
    with pytest.raises(DateInputError) as raised:
        parse_moment(text, BRUSSELS, DateField.DEADLINE)
    message = str(raised.value)
    assert message.replace("e.g. ", "").count(". ") == 0 and message.endswith(".")
    assert "31/05/2024 17:00" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("31.05.2024", False), ("31.05.2024 17.30", True), ("2024-05-31", False), ("5 pm", True)],
)
def test_has_time_of_day(text: str, expected: bool) -> None:
    assert has_time_of_day(text) is expected


CALL = CallState("C", at(2024, 4, 8, 0, 0), at(2024, 5, 31, 23, 59), zone=BRUSSELS)


@pytest.mark.parametrize(
    ("field", "new", "in_past", "refused"),
    [
        (DateField.DEADLINE, at(2024, 6, 7, 23, 59), False, None),
        (DateField.DEADLINE, at(2024, 4, 7, 23, 59), None, "before the opening"),
        (DateField.OPENS, at(2024, 6, 8, 0, 0), None, "after the deadline"),
        (DateField.OPENS, at(2024, 3, 1, 0, 0), True, None),
    ],
)
def test_check_change(
    field: DateField, new: datetime, in_past: bool | None, refused: str | None
) -> None:
    if refused:
        with pytest.raises(DateInputError, match=refused):
            check_change(CALL, field, new, NOW)
        return
    change = check_change(CALL, field, new, NOW)
    assert change.in_past is in_past
    assert change.old == (CALL.deadline if field is DateField.DEADLINE else CALL.opens)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/31/2026", "12/31/2026 is not a valid day/month"),
        ("05.13.2026 17:00", "05.13.2026 is not a valid day/month"),
        ("1-20-2026", "1-20-2026 is not a valid day/month"),
        ("31/12/2026", None),
        ("05/06/2026", None),
        ("31.12.2026 17:00", None),
        ("2026-12-31", None),
    ],
)
def test_numeric_dates_are_read_day_first(text: str, expected: str | None) -> None:
    if expected is None:
        assert parse_moment(text, BRUSSELS, DateField.OPENS).month in (6, 12)
        return
    with pytest.raises(DateInputError) as refused:
        parse_moment(text, BRUSSELS, DateField.OPENS)
    assert str(refused.value) == (
        f"Dates are read day first (31/12/2026 is 31 December); {expected}."
    )


def test_schedule_refuses_a_month_first_date_in_the_same_words() -> None:
    with pytest.raises(DateInputError, match="12/31/2026 is not a valid day/month"):
        split_moment("12/31/2026 10:00 Hello", BRUSSELS)


OPEN_CALL = CallState("C", at(2024, 3, 20, 0, 0), at(2024, 5, 31, 23, 59), zone=BRUSSELS)


@pytest.mark.parametrize(
    ("call", "new", "already_open"),
    [
        # Open, and moved to another passed moment: the opening notice is not sent again.
        (OPEN_CALL, at(2024, 3, 10, 0, 0), True),
        (OPEN_CALL, at(2024, 3, 31, 9, 0), True),
        # Open, moved to the future: it will open (again) then, and say so.
        (OPEN_CALL, at(2024, 4, 10, 0, 0), False),
        # Not open yet, moved to the past: it opens now.
        (CALL, at(2024, 3, 1, 0, 0), False),
        (CallState("C", None, None, zone=BRUSSELS), at(2024, 3, 1, 0, 0), False),
    ],
)
def test_an_opening_moved_while_open_is_already_open(
    call: CallState, new: datetime, already_open: bool
) -> None:
    assert check_change(call, DateField.OPENS, new, NOW).already_open is already_open


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("31/05/2024 10:00 Webinar today", at(2024, 5, 31, 10, 0), "Webinar today"),
        ("31 May 2024 17:00 Last <b>day</b>", at(2024, 5, 31, 17, 0), "Last <b>day</b>"),
        ("2024-05-31 09:30 Hi", at(2024, 5, 31, 9, 30), "Hi"),
    ],
)
def test_split_moment(text: str, expected: datetime, rest: str) -> None:
    assert split_moment(text, BRUSSELS) == (expected, rest)


@pytest.mark.parametrize(
    ("text", "needle"),
    [("31/05/2024 Hello", "time after the date"), ("Hello there", "Start with the date")],
)
def test_split_moment_refuses(text: str, needle: str) -> None:
    with pytest.raises(DateInputError, match=needle):
        split_moment(text, BRUSSELS)


@pytest.mark.parametrize("time_text", ["25:00", "24:00", "23:60", "12:75", "9:5", "25h00"])
@pytest.mark.parametrize("field", list(DateField))
def test_a_time_no_clock_shows_is_named_as_such(time_text: str, field: DateField) -> None:
    sentence = f"{time_text} is not a time of day: use HH:MM from 00:00 to 23:59."
    with pytest.raises(DateInputError) as caught:
        parse_moment(f"07.12.2026 {time_text}", BRUSSELS, field)
    assert str(caught.value) == sentence
    with pytest.raises(DateInputError) as caught:
        split_moment(f"07.12.2026 {time_text} Webinar today", BRUSSELS)
    assert str(caught.value) == sentence


def test_a_message_may_mention_any_time_after_a_valid_moment() -> None:
    assert split_moment("07.12.2026 10:00 Doors close at 25:00", BRUSSELS) == (
        at(2026, 12, 7, 10, 0),
        "Doors close at 25:00",
    )
