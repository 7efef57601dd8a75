"""Staff see the automatic messages (opening notice, reminders) before and after setting dates."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiohttp

from bot.sandbox.server import RunningSandbox
from bot.settings import Settings
from tests.conftest import ADMIN_ID
from tests.registration_steps import durable_sandbox
from tests.sandbox_client import SandboxClient
from tests.test_announcements_e2e import (
    ZONE_FORMAT,
    confirm,
    local,
    subscribed,
    subscribed_before_a_stop,
    wait_for_text,
    with_offsets,
)

REMINDERS = {"14-day": timedelta(days=14), "7-day": timedelta(days=7), "1-day": timedelta(days=1)}
REMINDERS["3-hour"] = timedelta(hours=3)


def shown(typed: str, settings: Settings, before: timedelta) -> str:
    """The moment `before` the typed one, as staff read it: "12 December 2026, 05:51"."""
    moment = datetime.strptime(typed, ZONE_FORMAT).replace(tzinfo=settings.zone) - before
    return f"{moment.day} {moment:%B %Y, %H:%M}"


async def two_subscribers(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    await subscribed(user)
    await subscribed(SandboxClient(http, sandbox.url, 1002))


async def test_the_list_shows_each_reminder_with_its_time_and_recipients(
    sandbox: RunningSandbox,
    user: SandboxClient,
    admin: SandboxClient,
    settings: Settings,
    http: aiohttp.ClientSession,
) -> None:
    await two_subscribers(sandbox, user, http)
    deadline = local(settings, timedelta(days=20))
    preview = (await admin.ask(f"/setdeadline {deadline}"))["text"]
    await confirm(admin, f"/setdeadline {deadline}")
    listing = (await admin.ask("/announcements"))["text"]
    assert "Automatic messages (times in Brussels time)" in listing
    for name, before in REMINDERS.items():
        when = shown(deadline, settings, before)
        line = f"⏰ {name} reminder: {when}, to all subscribers (2 now)"
        assert line in listing and line in preview
    assert "skipped" not in listing


async def test_a_deadline_too_close_skips_the_early_reminders_and_says_so(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    deadline = local(settings, timedelta(days=3))
    preview = (await admin.ask(f"/setdeadline {deadline}"))["text"]
    for name in ("14-day", "7-day"):
        when = shown(deadline, settings, REMINDERS[name])
        ahead = name.replace("-day", " days")
        assert f"{name} reminder ({when}): skipped, the deadline is less than {ahead}" in preview
    await confirm(admin, f"/setdeadline {deadline}")
    listing = (await admin.ask("/announcements"))["text"]
    for name in ("14-day", "7-day"):
        when = shown(deadline, settings, REMINDERS[name])
        ahead = name.replace("-day", " days")
        said = f"{name} reminder ({when}): skipped, the deadline was set less than {ahead}"
        assert said in listing
    assert "⏰ 1-day reminder: " in listing and "⏰ 3-hour reminder: " in listing


async def test_the_opening_notice_is_listed_and_a_move_cancels_what_was_planned(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    opening = local(settings, timedelta(days=2))
    preview = (await admin.ask(f"/setopening {opening}"))["text"]
    planned = f"⏰ Opening notice: {shown(opening, settings, timedelta(0))}, to all subscribers"
    assert planned in preview
    await confirm(admin, f"/setopening {opening}")
    assert f"{planned} (0 now)" in (await admin.ask("/announcements"))["text"]
    moved = (await admin.ask(f"/setopening {local(settings, timedelta(days=4))}"))["text"]
    old = shown(opening, settings, timedelta(0))
    assert f"✖️ Opening notice ({old}): cancelled, the opening moves" in moved


async def test_a_passed_opening_moved_earlier_is_listed_as_not_told_again(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    await confirm(admin, f"/setopening {local(settings, -timedelta(hours=1))}")
    earlier = local(settings, -timedelta(hours=3))
    await confirm(admin, f"/setopening {earlier}")
    listing = (await admin.ask("/announcements"))["text"]
    when = shown(earlier, settings, timedelta(0))
    said = f"⏭ Opening notice ({when}): skipped, the call was already open, subscribers had been"
    assert said in listing


async def test_a_reminder_missed_while_the_bot_was_down_is_listed_as_such(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    settings = with_offsets(settings, "1d")
    _, admin = await subscribed_before_a_stop(settings, http, timedelta(days=1, hours=-10))
    async with durable_sandbox(settings) as second:
        staff = SandboxClient(http, second.url, ADMIN_ID)
        staff.seen = admin.seen
        await wait_for_text(staff, "Not sent")
        listing = (await staff.ask("/announcements"))["text"]
        assert "1-day reminder (" in listing
        assert "skipped, missed while the bot was down, more than REMINDER_GRACE_HOURS" in listing
