"""The plan of the call's automatic messages, with a fixed clock: what is planned, sent, skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.announcements.dates import DateChange, DateField, check_change
from bot.announcements.plan import (
    DueNotice,
    Fate,
    Outcomes,
    PlannedMessage,
    Step,
    current_plan,
    due_notices,
    next_step,
    notice_name,
    opening_notice_key,
    plan_of_change,
)
from bot.announcements.plan_texts import exact_moment, plan_line, plan_section
from bot.storage.announcements import SkipReason
from bot.storage.outbox import Announcement
from bot.storage.store import Store
from faq.call import CallState

NOW = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
OFFSETS = (14 * DAY, 7 * DAY, DAY, 3 * HOUR)
GRACE = 6 * HOUR
BRUSSELS = ZoneInfo("Europe/Brussels")
NOTHING = Outcomes(queued={}, skipped={})


def call(opens: timedelta | None = None, deadline: timedelta | None = None) -> CallState:
    """A call with dates given as offsets from NOW."""
    return CallState(
        "C",
        None if opens is None else NOW + opens,
        None if deadline is None else NOW + deadline,
    )


def summary(plan: list[PlannedMessage]) -> list[tuple[str, str, SkipReason | None]]:
    """Each message as (name, fate, skip reason), for comparing plans in tables."""
    return [(notice_name(m.notice), m.fate.value, m.reason) for m in plan]


def reminder_key(deadline: timedelta, label: str) -> str:
    """The outbox key of the reminder `label` of a deadline NOW + `deadline`."""
    return f"reminder:{(NOW + deadline).isoformat()}:{label}"


def sent(key: str) -> Announcement:
    """An announcement queued with this key, delivered to 3 of 4."""
    return Announcement(
        id="a0000000a", kind="reminder", html="x", created_at=NOW, key=key, total=4, sent=3,
        status="done",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "outcomes", "expected"),
    [
        pytest.param(call(), NOTHING, [], id="no dates, nothing planned"),
        pytest.param(
            call(opens=2 * DAY),
            NOTHING,
            [("Opening notice", "planned", None)],
            id="a future opening",
        ),
        pytest.param(
            call(deadline=20 * DAY),
            NOTHING,
            [
                ("14-day reminder", "planned", None),
                ("7-day reminder", "planned", None),
                ("1-day reminder", "planned", None),
                ("3-hour reminder", "planned", None),
            ],
            id="a deadline far ahead: every reminder",
        ),
        pytest.param(
            call(deadline=3 * DAY),
            Outcomes(
                queued={},
                skipped={
                    reminder_key(3 * DAY, "14d"): "passed",
                    reminder_key(3 * DAY, "7d"): "passed",
                },
            ),
            [
                ("14-day reminder", "skipped", "passed"),
                ("7-day reminder", "skipped", "passed"),
                ("1-day reminder", "planned", None),
                ("3-hour reminder", "planned", None),
            ],
            id="a deadline set 3 days ahead",
        ),
        pytest.param(
            call(opens=-DAY, deadline=DAY + HOUR),
            Outcomes(
                queued={
                    opening_notice_key(NOW - DAY): sent("o"),
                    reminder_key(DAY + HOUR, "7d"): sent("r"),
                },
                skipped={reminder_key(DAY + HOUR, "14d"): "missed"},
            ),
            [
                ("14-day reminder", "skipped", "missed"),
                ("7-day reminder", "sent", None),
                ("Opening notice", "sent", None),
                ("1-day reminder", "planned", None),
                ("3-hour reminder", "planned", None),
            ],
            id="sent, missed and still planned",
        ),
        pytest.param(
            call(deadline=DAY - HOUR),
            NOTHING,
            [
                ("14-day reminder", "due, not sent yet", None),
                ("7-day reminder", "due, not sent yet", None),
                ("1-day reminder", "due, not sent yet", None),
                ("3-hour reminder", "planned", None),
            ],
            id="passed, neither sent nor skipped",
        ),
    ],
)
def test_the_current_plan(
    state: CallState, outcomes: Outcomes, expected: list[tuple[str, str, str | None]]
) -> None:
    assert summary(current_plan(state, OFFSETS, NOW, outcomes)) == expected


def test_a_sent_message_carries_its_announcement() -> None:
    key = reminder_key(DAY + HOUR, "1d")
    plan = current_plan(call(deadline=DAY + HOUR), (DAY,), NOW, Outcomes({key: sent(key)}, {}))
    assert plan[0].announcement is not None and plan[0].announcement.key == key


def change(state: CallState, field: DateField, new: timedelta) -> DateChange:
    """The checked change of one date to NOW + `new`."""
    return check_change(state, field, NOW + new, NOW)


@pytest.mark.parametrize(
    ("state", "field", "new", "outcomes", "expected"),
    [
        pytest.param(
            call(),
            DateField.DEADLINE,
            3 * DAY,
            NOTHING,
            [
                ("14-day reminder", "skipped", "passed"),
                ("7-day reminder", "skipped", "passed"),
                ("1-day reminder", "planned", None),
                ("3-hour reminder", "planned", None),
            ],
            id="a deadline too close skips the early reminders",
        ),
        pytest.param(
            call(),
            DateField.DEADLINE,
            -DAY,
            NOTHING,
            [
                ("14-day reminder", "skipped", "passed"),
                ("7-day reminder", "skipped", "passed"),
                ("1-day reminder", "skipped", "passed"),
                ("3-hour reminder", "skipped", "passed"),
            ],
            id="a passed deadline skips every reminder",
        ),
        pytest.param(
            call(deadline=3 * DAY),
            DateField.DEADLINE,
            8 * DAY,
            NOTHING,
            [
                ("14-day reminder", "skipped", "passed"),
                ("7-day reminder", "planned", None),
                ("1-day reminder", "cancelled", None),
                ("3-hour reminder", "cancelled", None),
                ("1-day reminder", "planned", None),
                ("3-hour reminder", "planned", None),
            ],
            id="moving the deadline cancels the old reminders",
        ),
        pytest.param(
            call(deadline=2 * DAY),
            DateField.DEADLINE,
            DAY + HOUR,
            Outcomes(queued={reminder_key(DAY + HOUR, "1d"): sent("r")}, skipped={}),
            [
                ("14-day reminder", "skipped", "passed"),
                ("7-day reminder", "skipped", "passed"),
                ("1-day reminder", "sent", None),
                ("3-hour reminder", "planned", None),
                ("1-day reminder", "cancelled", None),
                ("3-hour reminder", "cancelled", None),
            ],
            id="back to a deadline whose reminder went out: not sent twice",
        ),
        pytest.param(
            call(deadline=20 * DAY),
            DateField.OPENS,
            2 * DAY,
            NOTHING,
            [("Opening notice", "planned", None)],
            id="an opening leaves the reminders as they are",
        ),
        pytest.param(
            call(opens=5 * DAY),
            DateField.OPENS,
            2 * DAY,
            NOTHING,
            [("Opening notice", "planned", None), ("Opening notice", "cancelled", None)],
            id="moving a future opening",
        ),
        pytest.param(
            call(),
            DateField.OPENS,
            -DAY,
            NOTHING,
            [("Opening notice", "sent now", None)],
            id="an opening set in the past is announced now",
        ),
        pytest.param(
            call(opens=-HOUR),
            DateField.OPENS,
            -DAY,
            NOTHING,
            [("Opening notice", "skipped", "already_open")],
            id="a passed opening moved earlier: not told again",
        ),
        pytest.param(
            call(deadline=-HOUR),
            DateField.OPENS,
            -DAY,
            NOTHING,
            [("Opening notice", "skipped", "closed")],
            id="an opening of a closed call",
        ),
    ],
)
def test_the_plan_of_a_change(
    state: CallState,
    field: DateField,
    new: timedelta,
    outcomes: Outcomes,
    expected: list[tuple[str, str, str | None]],
) -> None:
    plan = plan_of_change(state, change(state, field, new), OFFSETS, NOW, GRACE, outcomes)
    assert summary(plan) == expected


REMINDER_DUE = DueNotice("r", "reminder", NOW, DAY)
OPENING_DUE = DueNotice("o", "call_opened", NOW)


@pytest.mark.parametrize(
    ("notice", "late_by", "state", "at_startup", "expected"),
    [
        (REMINDER_DUE, -HOUR, call(deadline=DAY), True, (Step.ARM, None)),
        (REMINDER_DUE, -HOUR, call(deadline=DAY), False, (Step.ARM, None)),
        (REMINDER_DUE, HOUR, call(deadline=DAY), True, (Step.SEND_NOW, None)),
        (REMINDER_DUE, HOUR, call(deadline=DAY), False, (Step.SKIP, "passed")),
        (REMINDER_DUE, GRACE + HOUR, call(deadline=DAY), True, (Step.SKIP, "missed")),
        (OPENING_DUE, HOUR, call(opens=-HOUR), True, (Step.SEND_NOW, None)),
        (OPENING_DUE, GRACE + HOUR, call(opens=-HOUR), True, (Step.SKIP, "missed")),
        (OPENING_DUE, GRACE + HOUR, call(opens=-HOUR), False, (Step.SEND_NOW, None)),
        (OPENING_DUE, HOUR, call(opens=-HOUR, deadline=-1 * timedelta(minutes=1)), False,
         (Step.SKIP, "closed")),
    ],
)  # fmt: skip
def test_next_step(
    notice: DueNotice,
    late_by: timedelta,
    state: CallState,
    at_startup: bool,
    expected: tuple[Step, str | None],
) -> None:
    assert next_step(notice, state, NOW + late_by, GRACE, at_startup=at_startup) == expected


def test_notices_are_named_by_their_offset() -> None:
    notices = due_notices(call(deadline=20 * DAY), (14 * DAY, 3 * HOUR, timedelta(minutes=90)))
    assert [notice_name(n) for n in notices] == [
        "14-day reminder",
        "3-hour reminder",
        "90-minute reminder",
    ]


def test_times_are_in_the_zone_and_always_with_the_time() -> None:
    # 21:59 UTC is the end of 31 May in Brussels (summer time): shown with its time all the same.
    assert exact_moment(datetime(2030, 5, 31, 21, 59, tzinfo=UTC), BRUSSELS) == "31 May 2030, 23:59"


def line(message: PlannedMessage, *, ahead: bool = False) -> str:
    """The message's line in Brussels time with 3 subscribers."""
    return plan_line(message, BRUSSELS, 3, ahead=ahead)


@pytest.mark.parametrize(
    ("message", "ahead", "expected"),
    [
        (PlannedMessage(REMINDER_DUE, Fate.PLANNED), False,
         "⏰ 1-day reminder: 1 May 2030, 12:00, to all subscribers (3 now)"),
        (PlannedMessage(REMINDER_DUE, Fate.SKIPPED, "passed"), False,
         "⏭ 1-day reminder (1 May 2030, 12:00): skipped, the deadline was set less than 1 day "
         "ahead"),
        (PlannedMessage(REMINDER_DUE, Fate.SKIPPED, "passed"), True,
         "⏭ 1-day reminder (1 May 2030, 12:00): skipped, the deadline is less than 1 day ahead"),
        (PlannedMessage(REMINDER_DUE, Fate.SKIPPED, "missed"), False,
         "⏭ 1-day reminder (1 May 2030, 12:00): skipped, missed while the bot was down, more "
         "than REMINDER_GRACE_HOURS ago"),
        (PlannedMessage(OPENING_DUE, Fate.SKIPPED, "already_open"), True,
         "⏭ Opening notice (1 May 2030, 12:00): skipped, the call is already open, subscribers "
         "were told"),
        (PlannedMessage(OPENING_DUE, Fate.SKIPPED, None), False,
         "⏭ Opening notice (1 May 2030, 12:00): skipped, its time had passed"),
        (PlannedMessage(REMINDER_DUE, Fate.SENT, announcement=sent("r")), False,
         "✅ 1-day reminder (1 May 2030, 12:00): sent to 3 of 4 subscribers (done)"),
        (PlannedMessage(REMINDER_DUE, Fate.CANCELLED), True,
         "✖️ 1-day reminder (1 May 2030, 12:00): cancelled, the deadline moves"),
        (PlannedMessage(OPENING_DUE, Fate.SEND_NOW), True,
         "📣 Opening notice (1 May 2030, 12:00): sent now, to all subscribers (3 now)"),
        (PlannedMessage(REMINDER_DUE, Fate.DUE), False,
         "⏳ 1-day reminder: was due 1 May 2030, 12:00, not sent yet"),
    ],
)  # fmt: skip
def test_each_fate_in_words(message: PlannedMessage, ahead: bool, expected: str) -> None:
    assert line(message, ahead=ahead) == expected


def test_a_section_names_the_zone_and_an_empty_plan_says_nothing() -> None:
    section = plan_section([PlannedMessage(REMINDER_DUE, Fate.PLANNED)], BRUSSELS, 0, ahead=True)
    assert section[0].endswith("(times in Brussels time)") and len(section) == 2
    assert "(0 now)" in section[1]
    assert plan_section([], BRUSSELS, 3, ahead=False) == []


async def test_skips_keep_their_reason_across_a_restart(tmp_path: Path) -> None:
    store = Store(tmp_path)
    await store.record_skipped("reminder:x:7d", NOW, reported=True, reason="passed")
    await store.record_skipped("scheduled:1", NOW)
    await store.close()
    again = Store(tmp_path)
    assert [(s.key, s.reason) for s in await again.skipped_notices()] == [
        ("reminder:x:7d", "passed"),
        ("scheduled:1", None),
    ]
    await again.close()
