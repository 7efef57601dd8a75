"""What a confirmed staff change does: store the call's new values, announce, re-arm jobs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.announcements.dates import DateChange, DateField, check_change
from bot.announcements.outbox import Announcement, resend_key
from bot.announcements.plan import opening_notice_key
from bot.announcements.scheduler import (
    AnyApplication,
    arm_call_jobs,
    arm_scheduled_job,
    queue_to_subscribers,
    real_now,
)
from bot.announcements.texts import (
    call_opened_html,
    deadline_changed_html,
    deadline_set_html,
    with_stop_line,
)
from bot.context import Services
from faq.call import CallState


def announcement_for(call: CallState, change: DateChange) -> str | None:
    """The announcement a date change sends (or, for a future opening, will send then)."""
    if change.already_open:
        return None
    if change.field is DateField.OPENS:
        return call_opened_html(replace(call, opens=change.new))
    if change.old is None:
        return deadline_set_html(call, change.new, passed=change.in_past)
    return deadline_changed_html(call, change.old, change.new, passed=change.in_past)


async def apply_date_change(
    application: AnyApplication, field: DateField, new: datetime, token: str
) -> int:
    """Store a confirmed date, announce a deadline; how many subscribers it was sent to."""
    services = application.bot_data.services
    call = await services.call_state()
    # Checked again: the opening or deadline may have moved since the preview was shown.
    change = check_change(call, field, new, real_now())
    overrides = await services.store.get_call_overrides()
    changed = (
        replace(overrides, opens=new)
        if field is DateField.OPENS
        else replace(overrides, deadline=new)
    )
    await services.store.save_call_overrides(changed)
    if change.already_open:
        # The call was open and still is: its opening notice went out (or was due) already.
        await services.store.record_skipped(
            opening_notice_key(new), new, reported=True, reason="already_open"
        )
    sent_to = 0
    if field is DateField.DEADLINE and change.old != change.new:
        sent_to = await queue_to_subscribers(
            services,
            kind="deadline_set" if change.old is None else "deadline_changed",
            html=announcement_for(call, change) or "",
            created_by=None,
            key=f"{field.name.lower()}:{token}",
        )
    await arm_call_jobs(application, at_startup=False)
    return sent_to


async def broadcast_now(services: Services, html: str, staff_id: int, token: str) -> int:
    """Queue a staff message for every subscriber now; how many there are."""
    return await queue_to_subscribers(
        services,
        kind="broadcast",
        html=with_stop_line(html),
        created_by=staff_id,
        key=f"broadcast:{token}",
    )


async def schedule_broadcast(
    application: AnyApplication, html: str, send_at: datetime, staff_id: int
) -> str:
    """Keep a staff message to send at `send_at` and arm its job; its id."""
    store = application.bot_data.services.store
    scheduled = await store.add_scheduled(
        html=with_stop_line(html), send_at=send_at, created_by=staff_id
    )
    arm_scheduled_job(application, scheduled)
    return scheduled.id


@dataclass(frozen=True)
class Resend:
    """What a press of "Resend to those who failed" did."""

    announcement: Announcement | None  # the resend (new or the earlier one); None: nothing sent
    queued_now: bool
    recipients: int


async def resend_to_failed(services: Services, announcement_id: str, staff_id: int) -> Resend:
    """Queue a finished announcement again to its failed recipients still subscribed, once."""
    outbox = services.outbox
    original = await outbox.get(announcement_id)
    if original is None or not original.is_finished:
        return Resend(None, False, 0)
    subscribed = set(await services.store.active_subscribers())
    recipients = [c for c in outbox.failed_recipients(announcement_id) if c in subscribed]
    if not recipients and not await outbox.has_key(resend_key(announcement_id)):
        return Resend(None, False, 0)
    resent = await outbox.resend_failed(announcement_id, recipients, staff_id)
    if resent is None:
        return Resend(None, False, 0)
    announcement, queued_now = resent
    return Resend(announcement, queued_now, announcement.total)
