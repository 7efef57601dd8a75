"""What /status says in each phase, the announcements' words, the .ics with its alarms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.announcements.changes import announcement_for
from bot.announcements.dates import DateChange, DateField
from bot.announcements.ics import call_calendar
from bot.announcements.texts import (
    CHECK_PAGE,
    PAST_WARNING,
    STOP_LINE,
    broadcast_preview,
    call_opened_html,
    date_change_preview,
    days_and_hours,
    deadline_changed_html,
    deadline_set_html,
    deadline_words,
    reminder_html,
    status_text,
    subscribe_label,
    subscribed_html,
)
from faq.call import CallPhase, CallState
from faq.placeholders import deadline_note, format_call_moment

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


NOTE = "sources differed, 31 May or 7 June"
NOTED = replace(CALL, deadline_note=NOTE)
ON_THE_DAYS = replace(NOTED, deadline_note_days=frozenset({date(2024, 5, 31), date(2024, 6, 7)}))
SHOWN = "31 May 2024, 17:00 (Brussels time) (sources differed, 31 May or 7 June)"
OTHER = datetime(2027, 3, 1, 17, 0, tzinfo=BRUSSELS)


def _every_deadline_text(call: CallState, deadline: datetime) -> dict[str, str]:
    moved = replace(call, deadline=deadline)
    return {
        "status, opens soon": status_text(moved, OPENS - timedelta(days=3)),
        "status, open": status_text(moved, OPENS + timedelta(days=3)),
        "status, closed": status_text(moved, deadline + timedelta(days=1)),
        "call opened": call_opened_html(moved),
        "deadline set": deadline_set_html(call, deadline),
        # From 6 June, a day the note is not true of: only the new deadline may carry it.
        "deadline changed": deadline_changed_html(call, OPENS + timedelta(days=59), deadline),
        "reminder": reminder_html(moved, deadline, deadline - timedelta(days=1)),
    }


@pytest.mark.parametrize("call", [NOTED, ON_THE_DAYS], ids=["any-day", "on-a-listed-day"])
def test_every_text_that_shows_the_deadline_adds_the_note_right_after_it(call: CallState) -> None:
    texts = _every_deadline_text(call, DEADLINE)
    missing = [where for where, html in texts.items() if SHOWN not in html]
    assert not missing, f"no note after the deadline in: {missing}"
    assert deadline_words(call) == SHOWN
    assert format_call_moment(DEADLINE, BRUSSELS) + deadline_note(call) == SHOWN, "one helper"


def test_a_deadline_on_none_of_the_note_days_is_shown_without_the_note() -> None:
    texts = _every_deadline_text(ON_THE_DAYS, OTHER)
    noted = [where for where, html in texts.items() if NOTE in html]
    assert not noted, f"the note beside 1 March 2027 in: {noted}"
    assert all("1 March 2027, 17:00 (Brussels time)" in html for html in texts.values())
    assert NOTE in _every_deadline_text(NOTED, OTHER)["status, open"], "no days: any deadline"


def test_a_changed_deadline_quotes_the_old_one_with_its_note_on_a_note_day() -> None:
    old = datetime(2024, 6, 7, 17, 0, tzinfo=BRUSSELS)
    html = deadline_changed_html(ON_THE_DAYS, old, OTHER)
    assert f"it was 7 June 2024, 17:00 (Brussels time) ({NOTE})." in html
    assert "1 March 2027, 17:00 (Brussels time); it was" in html, "new: not a note day"
    off_days = deadline_changed_html(ON_THE_DAYS, OTHER, old)
    assert "it was 1 March 2027, 17:00 (Brussels time). " in off_days
    assert off_days.count(NOTE) == 1, "only the new deadline, on a note day, has the note"


def test_the_note_days_are_read_in_the_calls_zone() -> None:
    # 7 June 22:30 UTC is already 8 June in Brussels: not one of the days.
    late = datetime(2024, 6, 7, 22, 30, tzinfo=UTC)
    assert deadline_note(replace(ON_THE_DAYS, deadline=late)) == ""
    assert deadline_note(replace(ON_THE_DAYS, deadline=late - timedelta(hours=1))) == f" ({NOTE})"


def test_the_note_is_html_escaped_in_announcements() -> None:
    call = replace(CALL, deadline_note="31 May <or> 7 June & later")
    assert "31 May &lt;or&gt; 7 June &amp; later" in deadline_set_html(call, DEADLINE)


@pytest.mark.parametrize("old", [None, OPENS + timedelta(days=60)], ids=["set", "changed"])
def test_a_deadline_announced_after_it_passed_says_the_call_has_closed(
    old: datetime | None,
) -> None:
    call = replace(CALL, deadline=old)
    change = DateChange(DateField.DEADLINE, old, DEADLINE, in_past=True)
    html = announcement_for(call, change)
    assert html is not None and "the call has closed" in html
    assert CHECK_PAGE not in html and "before you submit" not in html
    ahead = announcement_for(call, replace(change, in_past=False))
    assert ahead is not None and CHECK_PAGE in ahead and "closed" not in ahead


TBA = CallState("C", None, None, zone=BRUSSELS)
OPENING_ONLY = CallState("C", OPENS, None, zone=BRUSSELS)
OFFSETS = (timedelta(days=14), timedelta(days=1))


@pytest.mark.parametrize(
    ("call", "now", "label"),
    [
        (TBA, OPENS, "🔔 Tell me when dates are set"),
        (OPENING_ONLY, OPENS - timedelta(days=3), "🔔 Tell me when dates are set"),
        (OPENING_ONLY, OPENS + timedelta(days=3), "🔔 Tell me when dates are set"),
        (CALL, OPENS - timedelta(days=3), "🔔 Tell me when the call opens"),
        (CALL, OPENS + timedelta(days=3), "🔔 Remind me before the deadline"),
        (CALL, DEADLINE + timedelta(minutes=1), "🔔 Tell me about news"),
    ],
    ids=["tba", "opens-soon-no-deadline", "open-no-deadline", "opens-soon", "open", "closed"],
)
def test_the_subscribe_button_says_what_subscribing_brings_in_the_phase(
    call: CallState, now: datetime, label: str
) -> None:
    assert subscribe_label(call, now) == label


@pytest.mark.parametrize(
    ("call", "now", "said"),
    [
        (
            TBA,
            OPENS,
            "I will tell you when the call opens and when the deadline is set, remind you "
            "before the deadline, and pass on news from the team.",
        ),
        (
            CALL,
            OPENS - timedelta(days=3),
            "The deadline is 31 May 2024, 17:00 (Brussels time). I will tell you when the call "
            "opens on 8 April 2024 and if the deadline moves, remind you before the deadline, "
            "and pass on news from the team.",
        ),
        (
            OPENING_ONLY,
            OPENS + timedelta(days=3),
            "I will tell you when the deadline is set, remind you before the deadline, and pass "
            "on news from the team.",
        ),
        (
            CALL,
            OPENS + timedelta(days=3),
            "The deadline is 31 May 2024, 17:00 (Brussels time). I will tell you if the deadline "
            "moves, remind you before the deadline, and pass on news from the team.",
        ),
        (
            CALL,
            DEADLINE - timedelta(hours=2),
            "I will tell you if the deadline moves, and pass on news from the team.",
        ),
        (
            CALL,
            DEADLINE + timedelta(minutes=1),
            "The call has closed, so there are no deadline reminders to send; I will tell you if "
            "the deadline moves and pass on news from the team.",
        ),
    ],
    ids=["tba", "opens-soon", "open-no-deadline", "open", "open-no-reminder-left", "closed"],
)
def test_the_subscription_confirmation_says_what_will_be_sent(
    call: CallState, now: datetime, said: str
) -> None:
    html = subscribed_html(call, now, OFFSETS)
    assert html.startswith("🔔 <b>You are subscribed.</b> ")
    assert said in html and "I keep only your chat id" in html
    if call.phase(now) is CallPhase.CLOSED:
        assert "when the call opens" not in html and "remind you" not in html
