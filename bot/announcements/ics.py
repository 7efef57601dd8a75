"""The call's opening and deadline as an iCalendar (.ics) file with alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from faq.call import CallState

PRODUCT_ID = "-//applicant-bot//Twin Cities call//EN"
# Ahead of each event, so a calendar app warns in time to act.
OPENS_ALARMS = (timedelta(days=1),)
DEADLINE_ALARMS = (timedelta(days=7), timedelta(days=1))
EVENT_LENGTH = timedelta(minutes=30)


def _event(
    uid: str,
    summary: str,
    start: datetime,
    alarms: tuple[timedelta, ...],
    *,
    url: str | None,
    made_at: datetime,
) -> Event:
    # In UTC ("...Z"): stored moments may carry a bare offset, which is no usable TZID.
    start = start.astimezone(UTC)
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    event.add("dtstamp", made_at.astimezone(UTC).replace(microsecond=0))
    if url:
        event.add("url", url)
    for before in alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def call_calendar(call: CallState, now: datetime | None = None) -> bytes | None:
    """The .ics bytes of the known dates, made at `now`; None while neither is set."""
    if call.opens is None and call.deadline is None:
        return None
    made_at = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if call.opens is not None:
        calendar.add_component(
            _event(
                "call-opens@applicant-bot",
                f"{call.name} opens",
                call.opens,
                OPENS_ALARMS,
                url=call.url,
                made_at=made_at,
            )
        )
    if call.deadline is not None:
        calendar.add_component(
            _event(
                "call-deadline@applicant-bot",
                f"{call.name}: deadline",
                call.deadline,
                DEADLINE_ALARMS,
                url=call.url,
                made_at=made_at,
            )
        )
    return bytes(calendar.to_ical())
