"""Reminder offsets (the setting), reminder times and keys, and what to do with a late one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.announcements.reminders import (
    Lateness,
    Reminder,
    lateness,
    offset_label,
    reminders_for,
)
from bot.settings import SettingsError, load_settings, parse_offsets

DEADLINE = datetime(2024, 5, 31, 21, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "14d,7d,1d,3h",
            (timedelta(days=14), timedelta(days=7), timedelta(days=1), timedelta(hours=3)),
        ),
        ("3h, 1d", (timedelta(days=1), timedelta(hours=3))),
        ("90m", (timedelta(minutes=90),)),
        ("1d,1d,", (timedelta(days=1),)),
    ],
)
def test_parse_offsets(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["14x", "0d", "d", "-1d", "1 week"])
def test_bad_offsets_are_refused_in_one_sentence(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a reminder offset; .* e\.g\. 14d,7d,1d,3h"):
        parse_offsets(text)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("14x", "REMINDER_OFFSETS: '14x' is not a reminder offset"), (",", "lists no offset")],
)
def test_the_setting_reports_a_bad_value(value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"REMINDER_OFFSETS": value})
    assert problem in str(raised.value)


def test_the_settings_defaults() -> None:
    settings = load_settings({})
    assert [offset_label(o) for o in settings.reminder_offsets] == ["14d", "7d", "1d", "3h"]
    assert settings.reminder_grace == timedelta(hours=6)


@pytest.mark.parametrize(
    ("offset", "label"),
    [(timedelta(days=14), "14d"), (timedelta(hours=3), "3h"), (timedelta(minutes=90), "90m")],
)
def test_offset_label(offset: timedelta, label: str) -> None:
    assert offset_label(offset) == label


def test_reminders_are_earliest_first_with_one_key_per_deadline_and_offset() -> None:
    reminders = reminders_for(DEADLINE, (timedelta(days=7), timedelta(hours=3)))
    assert [r.at for r in reminders] == [
        DEADLINE - timedelta(days=7),
        DEADLINE - timedelta(hours=3),
    ]
    assert reminders[0].key == "reminder:2024-05-31T21:59:00+00:00:7d"
    moved = Reminder(DEADLINE + timedelta(days=7), timedelta(days=7))
    assert moved.key != reminders[0].key


GRACE = timedelta(hours=6)


@pytest.mark.parametrize(
    ("due_from_now", "expected"),
    [
        (timedelta(seconds=5), Lateness.AHEAD),
        (timedelta(0), Lateness.LATE),
        (-timedelta(hours=2), Lateness.LATE),
        (-GRACE, Lateness.LATE),
        (-GRACE - timedelta(seconds=1), Lateness.MISSED),
    ],
)
def test_lateness(due_from_now: timedelta, expected: Lateness) -> None:
    now = datetime(2024, 5, 1, tzinfo=UTC)
    assert lateness(now + due_from_now, now, GRACE) is expected
