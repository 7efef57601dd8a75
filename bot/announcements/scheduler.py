"""Jobs on PTB's JobQueue that queue the call's notices, reminders and scheduled messages.

PTB keeps no jobs across a restart, so start-up re-arms them from the stored state; the
outbox key of each notice makes sending twice impossible, whatever ran before a crash.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from html import escape
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application, Job

from bot.announcements.plan import DueNotice, Step, due_notices, next_step
from bot.announcements.reminders import Lateness, lateness
from bot.announcements.texts import call_opened_html, reminder_html
from bot.context import AppContext, BotData, Services
from bot.settings import Settings
from bot.storage.announcements import ScheduledAnnouncement
from faq.call import CallState
from faq.placeholders import format_call_moment

log = logging.getLogger(__name__)

# Handlers hold the application typed by their context; jobs need only its queue and services.
AnyApplication = Application[Any, Any, Any, Any, BotData, Any]
CALL_JOB_PREFIX = "call:"
SCHEDULED_JOB_PREFIX = "scheduled:"


def real_now() -> datetime:
    """Now, by the clock the JobQueue runs on (tests' shifted clocks do not move jobs)."""
    return datetime.now(UTC)


def _run_once(
    application: AnyApplication, callback: Any, when: datetime, data: str, prefix: str
) -> None:
    # APScheduler's default misfire grace is 1 s: a job held up a little longer (a busy loop,
    # a suspended laptop) would be dropped without a word. Fixed ids make re-arming replace.
    assert application.job_queue is not None
    name = f"{prefix}{data}"
    grace = max(int(application.bot_data.services.settings.reminder_grace.total_seconds()), 1)
    application.job_queue.run_once(
        callback,
        when=when,
        data=data,
        name=name,
        job_kwargs={"misfire_grace_time": grace, "id": name, "replace_existing": True},
    )


def _remove_jobs(application: AnyApplication, prefix: str) -> None:
    assert application.job_queue is not None
    for job in application.job_queue.jobs():
        if job.name and job.name.startswith(prefix):
            job.schedule_removal()


async def queue_to_subscribers(
    services: Services, *, kind: str, html: str, created_by: int | None, key: str
) -> int:
    """Queue one announcement for every active subscriber; how many there are."""
    recipients = await services.store.active_subscribers()
    await services.outbox.queue(
        kind=kind, html=html, recipients=recipients, created_by=created_by, key=key
    )
    return len(recipients)


async def _queue_notice(services: Services, notice: DueNotice, call: CallState) -> None:
    html = (
        call_opened_html(call)
        if notice.kind == "call_opened"
        else reminder_html(call, call.deadline or notice.at, real_now())
    )
    count = await queue_to_subscribers(
        services, kind=notice.kind, html=html, created_by=None, key=notice.key
    )
    log.info("Queued %s for %d subscribers", notice.key, count)


async def arm_call_jobs(application: AnyApplication, *, at_startup: bool) -> None:
    """(Re-)arm the opening notice and the reminders for the call's current dates.

    At start-up a notice missed while the bot was down is sent if within the grace period and
    otherwise skipped for staff to hear of; after a change of dates a passed one is dropped.
    """
    services = application.bot_data.services
    assert application.job_queue is not None
    _remove_jobs(application, CALL_JOB_PREFIX)
    call = await services.call_state()
    now = real_now()
    for notice in due_notices(call, services.settings.reminder_offsets):
        if await services.outbox.has_key(notice.key) or await services.store.is_skipped(notice.key):
            continue
        step, reason = next_step(
            notice, call, now, services.settings.reminder_grace, at_startup=at_startup
        )
        if step is Step.ARM:
            _run_once(application, send_due_notice, notice.at, notice.key, CALL_JOB_PREFIX)
        elif step is Step.SEND_NOW:
            await _queue_notice(services, notice, call)
        else:
            # Missed while the bot was down: staff hear of it; passed when staff changed the
            # dates, or an opening of a closed call: nobody needs telling.
            await services.store.record_skipped(
                notice.key, notice.at, reported=reason != "missed", reason=reason
            )


async def send_due_notice(context: AppContext) -> None:
    """Job: queue the opening notice or a reminder, if the call's dates still give it."""
    job: Job[Any] | None = context.job
    if job is None:
        return
    services = context.services
    call = await services.call_state()
    for notice in due_notices(call, services.settings.reminder_offsets):
        if notice.key == job.data:
            await _queue_notice(services, notice, call)
            return
    log.info("Dropped %s: the call's dates changed", job.data)


def arm_scheduled_job(application: AnyApplication, scheduled: ScheduledAnnouncement) -> None:
    """Arm the job that sends one scheduled message at its time."""
    _run_once(application, send_scheduled, scheduled.send_at, scheduled.id, SCHEDULED_JOB_PREFIX)


def cancel_scheduled_job(application: AnyApplication, scheduled_id: str) -> None:
    """Take a scheduled message's job off the queue (its record says it is cancelled)."""
    _remove_jobs(application, f"{SCHEDULED_JOB_PREFIX}{scheduled_id}")


async def _queue_scheduled(services: Services, scheduled: ScheduledAnnouncement) -> None:
    # Queued before the status moves on: a crash in between re-queues with the same key,
    # which the outbox answers with the announcement it already has.
    await queue_to_subscribers(
        services,
        kind="broadcast",
        html=scheduled.html,
        created_by=scheduled.created_by,
        key=scheduled.key,
    )
    await services.store.set_scheduled_status(scheduled.id, "queued")


async def send_scheduled(context: AppContext) -> None:
    """Job: queue a scheduled message unless it was cancelled meanwhile."""
    job: Job[Any] | None = context.job
    if job is None:
        return
    scheduled = await context.services.store.get_scheduled(str(job.data))
    if scheduled is not None and scheduled.status == "scheduled":
        await _queue_scheduled(context.services, scheduled)


async def arm_scheduled(application: AnyApplication) -> None:
    """At start-up: arm every scheduled message; send late ones within grace, skip the rest."""
    services = application.bot_data.services
    now = real_now()
    for scheduled in await services.store.scheduled_announcements():
        if scheduled.status != "scheduled":
            continue
        when = lateness(scheduled.send_at, now, services.settings.reminder_grace)
        if when is Lateness.AHEAD:
            arm_scheduled_job(application, scheduled)
        elif when is Lateness.LATE:
            await _queue_scheduled(services, scheduled)
        else:
            await services.store.set_scheduled_status(scheduled.id, "missed")
            await services.store.record_skipped(scheduled.key, scheduled.send_at)


async def report_to_staff(bot: Bot, settings: Settings, html: str) -> bool:
    """Tell staff: in STAFF_CHAT_ID, or else each staff member and admin in private."""
    targets = (
        [settings.staff_chat_id]
        if settings.staff_chat_id is not None
        else sorted(settings.staff_ids | settings.admin_ids)
    )
    told = False
    for chat_id in targets:
        try:
            await bot.send_message(chat_id, html, parse_mode="HTML")
            told = True
        except TelegramError as error:
            log.warning("Could not tell staff chat %s: %s", chat_id, error)
    return told


async def report_skipped(application: AnyApplication) -> None:
    """Tell staff once of the notices skipped because their time was long past."""
    services = application.bot_data.services
    skipped = await services.store.unreported_skips()
    if not skipped:
        return
    zone = services.settings.zone
    lines = [
        f"• {escape(skip.key)} (due {format_call_moment(skip.due_at, zone)})" for skip in skipped
    ]
    grace = services.settings.reminder_grace_hours
    html = (
        f"<b>Not sent</b>: these were due while the bot was down, more than {grace:g} hours "
        "ago (REMINDER_GRACE_HOURS), so I skipped them:\n" + "\n".join(lines)
    )
    if await report_to_staff(application.bot, services.settings, html):
        await services.store.mark_skips_reported([skip.key for skip in skipped])


async def start_announcements(application: AnyApplication) -> None:
    """Start-up step: re-arm call notices and scheduled messages, then report skipped ones."""
    await arm_call_jobs(application, at_startup=True)
    await arm_scheduled(application)
    await report_skipped(application)
