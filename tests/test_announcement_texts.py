"""What /status says in each phase, the announcements' words, the .ics with its alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.announcements.dates import DateChange, DateField
from bot.announcements.ics import call_calendar
from bot.announcements.texts import (
    PAST_WARNING,
    STOP_LINE,
    broadcast_preview,
    call_opened_html,
    date_change_preview,
    days_and_hours,
    deadline_changed_html,
    deadline_set_html,
    reminder_html,
    status_text,
)
from faq.call import CallState

BRUSSELS = ZoneInfo("Europe/Brussels")
OPENS = datetime(2024, 4, 8, 0, 0, tzinfo=BRUSSELS)
DEADLINE = datetime(2024, 5, 31, 17, 0, tzinfo=BRUSSELS)
CALL = CallState("Twin <Cities>", OPENS, DEADLINE, "https://example.org/?a=1&b=2", BRUSSELS)


@pytest.mark.parametrize(
    ("call", "now", "expected"),
    [
        (CallState("C", None, None, zone=BRUSSELS), OPENS, "to be announced"),
        (CALL, OPENS - timedelta(days=3), "opens on 8 April 2024 (in 3 days)"),
        (
            CALL,
            DEADLINE - timedelta(days=2, hours=5, minutes=10),
            "open: deadline 31 May 2024, 17:00 (Brussels time); 2 days, 5 hours left.",
        ),
        (CALL, DEADLINE - timedelta(minutes=45, seconds=30), "; 45 minutes left."),
        (CALL, DEADLINE - timedelta(hours=1, seconds=5), "; 1 hour left."),
        (CALL, DEADLINE - timedelta(hours=3, minutes=1), "; 3 hours, 1 minute left."),
        (CALL, DEADLINE - timedelta(seconds=20), "; less than a minute left."),
        (
            CALL,
            OPENS - timedelta(hours=2, minutes=5),
            "opens on 8 April 2024 (in 2 hours, 5 minutes)",
        ),
        (CALL, OPENS - timedelta(minutes=3), "opens on 8 April 2024 (in 3 minutes)"),
        (CALL, OPENS - timedelta(days=1), "opens on 8 April 2024 (in 1 day)"),
        (
            CallState("C", OPENS, None, zone=BRUSSELS),
            OPENS,
            "open; the deadline is to be announced",
        ),
        (CALL, DEADLINE + timedelta(minutes=1), "closed on 31 May 2024, 17:00 (Brussels time)"),
    ],
)
def test_status_in_each_phase(call: CallState, now: datetime, expected: str) -> None:
    assert expected in status_text(call, now)


def test_status_escapes_the_name_and_links_the_call_page() -> None:
    html = status_text(CALL, OPENS)
    assert "<b>Twin &lt;Cities&gt;</b>" in html
    assert '<a href="https://example.org/?a=1&amp;b=2">' in html


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(days=1, hours=1), "1 day, 1 hour"),
        (timedelta(days=12, hours=5, minutes=59), "12 days, 5 hours"),
        (timedelta(hours=3), "3 hours"),
        (timedelta(hours=2, minutes=5, seconds=59), "2 hours, 5 minutes"),
        (timedelta(minutes=5), "5 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=59), "less than a minute"),
        (-timedelta(hours=1), "less than a minute"),
    ],
)
def test_days_and_hours(left: timedelta, expected: str) -> None:
    assert days_and_hours(left) == expected


@pytest.mark.parametrize(
    ("html", "needle"),
    [
        (call_opened_html(CALL), "is now open"),
        (deadline_set_html(CALL, DEADLINE), "is set: 31 May 2024, 17:00 (Brussels time)"),
        (
            deadline_changed_html(CALL, DEADLINE, DEADLINE + timedelta(days=7)),
            "now 7 June 2024, 17:00 (Brussels time); it was 31 May 2024, 17:00 (Brussels time).",
        ),
        (reminder_html(CALL, DEADLINE, DEADLINE - timedelta(days=1)), "; 1 day, 0 hours left."),
    ],
)
def test_every_announcement_says_how_to_stop_them(html: str, needle: str) -> None:
    assert needle in html
    assert html.endswith(f"<i>{STOP_LINE}</i>")
    assert "Twin &lt;Cities&gt;" in html


def test_a_past_date_preview_says_so() -> None:
    change = DateChange(DateField.DEADLINE, DEADLINE, OPENS + timedelta(days=1), in_past=True)
    preview = date_change_preview(CALL, change, "ANNOUNCEMENT", 3)
    assert PAST_WARNING in preview
    assert "3 subscribers will receive this now" in preview
    assert "<blockquote>ANNOUNCEMENT</blockquote>" in preview
    assert "(currently 31 May 2024, 17:00 (Brussels time))" in preview


def test_the_broadcast_preview_counts_subscribers_plainly() -> None:
    assert broadcast_preview("Hi", 9).startswith("9 subscribers will receive this now:")


def test_the_calendar_has_both_dates_with_alarms() -> None:
    ics = call_calendar(CALL)
    assert ics is not None
    events = Calendar.from_ical(ics).walk("VEVENT")
    starts = {str(e["summary"]): e.decoded("dtstart") for e in events}
    assert starts == {"Twin <Cities> opens": OPENS, "Twin <Cities>: deadline": DEADLINE}
    for event in events:
        assert event.walk("VALARM"), f"{event['summary']} has no alarm"
        for alarm in event.walk("VALARM"):
            assert alarm.decoded("trigger") < timedelta(0)


def test_calendar_times_are_in_utc_stamped_when_made_and_linked() -> None:
    # A stored moment carries a bare offset, no zone name: the file must still be usable.
    offset = timezone(timedelta(hours=1))
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=offset)
    call = CallState("C", None, deadline, "https://example.org/call", BRUSSELS)
    before = datetime.now(UTC).replace(microsecond=0)
    ics = call_calendar(call)
    assert ics is not None
    assert b"TZID" not in ics
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert start == deadline
    assert before <= event.decoded("dtstamp") <= datetime.now(UTC)
    assert str(event["url"]) == "https://example.org/call"


def test_no_calendar_while_no_date_is_set() -> None:
    assert call_calendar(CallState("C", None, None)) is None


def test_where_the_deadline_is_first_told_or_planned_on_the_sources_conflict_is_said() -> None:
    from bot.announcements.texts import CHECK_PAGE, DEADLINE_CAVEAT

    assert DEADLINE_CAVEAT in deadline_set_html(CALL, DEADLINE)
    assert DEADLINE_CAVEAT in status_text(CALL, DEADLINE - timedelta(days=3))
    reminder = reminder_html(CALL, DEADLINE, DEADLINE - timedelta(days=1))
    assert CHECK_PAGE in reminder and DEADLINE_CAVEAT not in reminder
    assert DEADLINE_CAVEAT not in status_text(CALL, DEADLINE + timedelta(days=1))
