"""Call dates, announcements and reminders through the sandbox, as staff and subscribers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from icalendar import Calendar

from bot.announcements.changes import announcement_for
from bot.sandbox.server import RunningSandbox
from bot.settings import Settings, load_settings
from bot.storage.store import Store
from faq.call import CallOverrides
from handlers.access import NOT_ALLOWED_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.registration_steps import durable_sandbox
from tests.sandbox_client import SandboxClient, button_data

Message = dict[str, Any]
ZONE_FORMAT = "%d/%m/%Y %H:%M:%S"
STAFF_COMMANDS = [
    "/setopening 31/05/2030",
    "/setdeadline 31/05/2030",
    "/seturl https://example.org",
    "/setcallname Other",
    "/broadcast Hello",
    "/schedule 31/05/2030 10:00 Hello",
    "/announcements",
]


def local(settings: Settings, ahead: timedelta) -> str:
    """A moment `ahead` of now, as staff would type it in the programme's zone."""
    return (datetime.now(UTC) + ahead).astimezone(settings.zone).strftime(ZONE_FORMAT)


async def wait_for_text(client: SandboxClient, needle: str, timeout: float = 20) -> Message:
    """The first bot message from now on that shows the needle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = await client.next_bot_message(timeout=max(deadline - time.monotonic(), 0.1))
        if needle in message.get("text", ""):
            return message
    raise AssertionError(f"no bot message with {needle!r}")


async def confirm(client: SandboxClient, command: str) -> Message:
    """Send a staff command, press Confirm on its preview; the edited preview's text."""
    preview = await client.ask(command)
    ok = [d for d in button_data(preview) if d.startswith("ann:ok:")]
    assert ok, preview
    await client.press(preview["message_id"], ok[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in await client.messages(after=preview["message_id"] - 1):
            if message["message_id"] == preview["message_id"] and not message.get("buttons"):
                return message
        await asyncio.sleep(0.05)
    raise AssertionError("the preview was never settled")


async def subscribed(client: SandboxClient) -> SandboxClient:
    """The client, subscribed."""
    assert "subscribed" in (await client.ask("/subscribe"))["text"]
    return client


async def test_the_opening_notice_arrives_at_the_opening_time(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    done = await confirm(admin, f"/setopening {local(settings, timedelta(seconds=4))}")
    assert "the opening is now" in done["text"]
    notice = await wait_for_text(user, "is now open")
    assert "Stop these messages with /unsubscribe." in notice["text"]
    assert "not open yet" not in (await user.ask("/status"))["text"]


async def test_moving_a_passed_opening_earlier_announces_nothing_again(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    await confirm(admin, f"/setopening {local(settings, -timedelta(hours=1))}")
    await wait_for_text(user, "is now open")
    earlier = f"/setopening {local(settings, -timedelta(hours=3))}"
    preview = await admin.ask(earlier)
    assert "The call is already open; subscribers are not told again." in preview["text"]
    assert "will receive" not in preview["text"]
    await confirm(admin, earlier)
    outbox = sandbox.application.bot_data.services.outbox
    opened = [a for a in await outbox.announcements(limit=10) if a.kind == "call_opened"]
    assert len(opened) == 1
    store = sandbox.application.bot_data.services.store
    assert not await store.unreported_skips()


async def test_setting_then_changing_the_deadline_announces_both(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient
) -> None:
    await subscribed(user)
    preview = await admin.ask("/setdeadline 31 May 2030 17:00")
    assert "1 subscriber will receive this now" in preview["text"]
    await confirm(admin, "/setdeadline 31 May 2030 17:00")
    assert "is set: 31 May 2030, 17:00" in (await wait_for_text(user, "deadline"))["text"]
    await confirm(admin, "/setdeadline 07/06/2030")
    changed = await wait_for_text(user, "has changed")
    assert "now 7 June 2030; it was 31 May 2030, 17:00 (Brussels time)." in changed["text"]


async def test_bad_dates_get_one_sentence_and_change_nothing(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    assert "write it day first" in (await admin.ask("/setdeadline soon"))["text"]
    await confirm(admin, "/setopening 01/05/2030")
    refused = await admin.ask("/setdeadline 30/04/2030")
    assert "before the opening" in refused["text"] and not refused.get("buttons")
    past = await admin.ask("/setdeadline 01/01/2031")
    assert "in the past" not in past["text"]
    past = await admin.ask("/setopening 01/01/2020")
    assert "This date is in the past" in past["text"] and button_data(past)


async def test_a_stale_confirm_button_says_so(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    first = await admin.ask("/setopening 01/05/2030")
    await admin.ask("/setopening 02/05/2030")
    ok = next(d for d in button_data(first) if d.startswith("ann:ok:"))
    assert "out of date" in await admin.alert(first["message_id"], ok)
    overrides = await sandbox.application.bot_data.services.store.get_call_overrides()
    assert overrides.opens is None


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_anyone_else_is_refused_every_staff_command(
    sandbox: RunningSandbox, user: SandboxClient, command: str
) -> None:
    reply = await user.ask(command)
    assert reply["text"] == NOT_ALLOWED_TEXT and not reply.get("buttons")
    overrides = await sandbox.application.bot_data.services.store.get_call_overrides()
    assert overrides == CallOverrides()


async def test_staff_may_use_the_commands(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    assert "is now" in (await staff.ask("/seturl https://netzerocities.eu/call"))["text"]
    assert "full http(s) address" in (await staff.ask("/seturl ftp://x"))["text"]
    # Shown as typed: escaped in the HTML, or Telegram would have refused the message.
    assert "called Twin & <Cities>" in (await staff.ask("/setcallname Twin & <Cities>"))["text"]
    status = await staff.ask("/status")
    assert "Twin & <Cities>" in status["text"]


async def test_status_before_dates_offers_subscribing_and_calendar_has_none(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    status = await user.ask("/status")
    assert "to be announced" in status["text"] and "/subscribe" in status["text"]
    assert "nothing to add" in (await user.ask("/calendar"))["text"]


async def test_status_while_open_and_the_calendar_file(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    now = datetime.now(UTC)
    await store.save_call_overrides(
        CallOverrides(opens=now - timedelta(days=1), deadline=now + timedelta(days=3, hours=2))
    )
    assert " left." in (await user.ask("/status"))["text"]
    document = (await user.ask("/calendar"))["document"]
    assert document["file_name"].endswith(".ics")
    async with http.get(urljoin(sandbox.url, document["url"])) as response:
        calendar = Calendar.from_ical(await response.read())
    events = calendar.walk("VEVENT")
    assert len(events) == 2 and all(event.walk("VALARM") for event in events)


async def test_broadcast_keeps_staff_formatting_and_escapes_the_rest(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient
) -> None:
    await subscribed(user)
    assert "Write the message" in (await admin.ask("/broadcast"))["text"]
    await confirm(admin, "/broadcast Webinar at 10:00 <today> & later")
    message = await wait_for_text(user, "Webinar")
    assert "Webinar at 10:00 <today> & later" in message["text"]
    assert message["text"].endswith("Stop these messages with /unsubscribe.")


async def test_a_scheduled_message_is_sent_at_its_time(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    done = await confirm(admin, f"/schedule {local(settings, timedelta(seconds=4))} Join us")
    assert "Scheduled as #1" in done["text"]
    assert "Join us" in (await wait_for_text(user, "Join us"))["text"]


async def settled_listing(client: SandboxClient, listing: Message, gone: str) -> Message:
    """The listing message once it no longer carries the button `gone`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in await client.messages(after=listing["message_id"] - 1):
            if message["message_id"] == listing["message_id"] and gone not in button_data(message):
                return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"the listing still offers {gone}")


async def test_announcements_lists_and_cancels_a_scheduled_message(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await confirm(admin, f"/schedule {local(settings, timedelta(hours=1))} Later")
    await confirm(admin, f"/schedule {local(settings, timedelta(hours=2))} Even later")
    listing = await admin.ask("/announcements")
    assert "#1" in listing["text"] and "Later" in listing["text"]
    assert "Stop these messages" not in listing["text"]
    assert "cancelled" in await admin.alert(listing["message_id"], "ann:xs:1")
    scheduled = await sandbox.application.bot_data.services.store.get_scheduled("1")
    assert scheduled is not None and scheduled.status == "cancelled"
    # The same message, listed again: the cancelled one and its button are gone.
    again = await settled_listing(admin, listing, "ann:xs:1")
    assert "#1" not in again["text"] and "#2" in again["text"]
    assert button_data(again) == ["ann:xs:2"]
    assert "cancelled" in await admin.alert(listing["message_id"], "ann:xs:2")
    await settled_listing(admin, listing, "ann:xs:2")
    assert "Nothing is scheduled" in (await admin.ask("/announcements"))["text"]


async def test_announcements_names_kinds_and_hides_staff_reports(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient
) -> None:
    await subscribed(user)
    await confirm(admin, "/setdeadline 31 May 2030 17:00")
    await confirm(admin, "/broadcast Webinar at 10:00")
    await wait_for_text(user, "Webinar")
    outbox = sandbox.application.bot_data.services.outbox
    deadline = time.monotonic() + 10
    while not [a for a in await outbox.announcements(limit=10) if a.kind == "notice"]:
        assert time.monotonic() < deadline, "no delivery report to staff"
        await asyncio.sleep(0.05)
    text = (await admin.ask("/announcements"))["text"]
    assert "📣 Message, " in text and "📣 Deadline set, " in text
    assert "notice" not in text and "broadcast" not in text and "deadline_set" not in text
    assert "Stop these messages" not in text


def with_offsets(settings: Settings, offsets: str) -> Settings:
    """The same settings with other reminder offsets."""
    values = {
        "DATA_DIR": str(settings.data_dir),
        "FAQ_DIR": str(settings.faq_dir),
        "ADMIN_IDS": str(ADMIN_ID),
        "STAFF_IDS": str(STAFF_ID),
        "REMINDER_OFFSETS": offsets,
    }
    return load_settings(values)


async def store_deadline(data_dir: Path, deadline: datetime) -> None:
    """Set the deadline in the data folder while no bot runs, as if set before a stop."""
    store = Store(data_dir)
    await store.save_call_overrides(CallOverrides(deadline=deadline))
    await store.close()


async def subscribed_before_a_stop(
    settings: Settings, http: aiohttp.ClientSession, deadline_ahead: timedelta
) -> tuple[SandboxClient, SandboxClient]:
    """A subscriber and the admin (who started the bot), then a stop; the deadline set after."""
    async with durable_sandbox(settings) as first:
        user = await subscribed(SandboxClient(http, first.url, 1001))
        admin = SandboxClient(http, first.url, ADMIN_ID)
        await admin.ask("/start")
    await store_deadline(settings.data_dir, datetime.now(UTC) + deadline_ahead)
    return user, admin


async def test_a_reminder_fires_once_and_not_again_after_a_restart(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    settings = with_offsets(settings, "1d")
    async with durable_sandbox(settings) as first:
        user = await subscribed(SandboxClient(http, first.url, 1001))
        admin = SandboxClient(http, first.url, ADMIN_ID)
        await confirm(admin, f"/setdeadline {local(settings, timedelta(days=1, seconds=4))}")
        await wait_for_text(user, "is set")
        assert "Reminder" in (await wait_for_text(user, "Reminder"))["text"]
    async with durable_sandbox(settings) as second:
        again = SandboxClient(http, second.url, 1001)
        again.seen = user.seen
        await asyncio.sleep(2)
        later = await again.messages(after=user.seen)
        assert not [m for m in later if "Reminder" in m.get("text", "")]


async def test_a_reminder_missed_within_grace_is_sent_at_start(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    settings = with_offsets(settings, "1d")
    user, _ = await subscribed_before_a_stop(settings, http, timedelta(days=1, hours=-2))
    async with durable_sandbox(settings) as second:
        again = SandboxClient(http, second.url, 1001)
        again.seen = user.seen
        # 22 hours ahead at the stop, a little less when sent: whole minutes round down.
        assert "; 21 hours, 5" in (await wait_for_text(again, "Reminder"))["text"]


async def test_a_reminder_missed_beyond_grace_is_skipped_and_reported_once(
    settings: Settings, http: aiohttp.ClientSession
) -> None:
    settings = with_offsets(settings, "1d")
    user, admin = await subscribed_before_a_stop(settings, http, timedelta(days=1, hours=-10))
    async with durable_sandbox(settings) as second:
        staff = SandboxClient(http, second.url, ADMIN_ID)
        staff.seen = admin.seen
        report = await wait_for_text(staff, "Not sent")
        assert "reminder:" in report["text"]
        quiet = SandboxClient(http, second.url, 1001)
        quiet.seen = user.seen
        assert not await quiet.messages(after=user.seen)
        seen = staff.seen
    async with durable_sandbox(settings) as third:
        staff = SandboxClient(http, third.url, ADMIN_ID)
        await asyncio.sleep(1)
        assert not [m for m in await staff.messages(after=seen) if "Not sent" in m.get("text", "")]


def test_the_preview_of_a_future_opening_is_the_notice_sent_then() -> None:
    from bot.announcements.dates import DateChange, DateField
    from faq.call import CallState

    opens = datetime(2030, 5, 1, tzinfo=UTC)
    html = announcement_for(
        CallState("C", None, None), DateChange(DateField.OPENS, None, opens, False)
    )
    assert html is not None and "is now open" in html


async def test_start_after_a_block_makes_the_subscriber_active_again(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    store = sandbox.application.bot_data.services.store
    await subscribed(user)
    await user.set_blocked(True)
    deadline = time.monotonic() + 10
    while await store.active_subscribers() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert await store.active_subscribers() == []
    await user.set_blocked(False)
    await user.ask("/start")
    assert await store.active_subscribers() == [user.user_id]
