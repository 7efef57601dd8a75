"""The staff audit log through the sandbox: every staff action recorded, /auditlog to read it."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import aiohttp

from bot.sandbox.server import RunningSandbox
from bot.settings import Settings
from bot.storage.audit import AuditEntry
from faq.message_parts import MAX_MESSAGE_CHARS
from handlers.access import NOT_ALLOWED_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient
from tests.test_announcements_e2e import confirm, local, subscribed, wait_for_text
from tests.test_export import registration


async def _actions(sandbox: RunningSandbox, count: int) -> list[AuditEntry]:
    """The audit log, oldest first, once it holds `count` entries (fails after 10 s)."""
    store = sandbox.application.bot_data.services.store
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entries = await store.staff_actions()
        if len(entries) >= count:
            return list(reversed(entries))
        await asyncio.sleep(0.05)
    raise AssertionError(f"the audit log never held {count} entries: {entries}")


async def test_call_changes_are_recorded_with_who_did_them(
    sandbox: RunningSandbox, admin: SandboxClient, settings: Settings
) -> None:
    await confirm(admin, "/setdeadline 31 May 2030 17:00")
    await confirm(admin, f"/setopening {local(settings, timedelta(days=30))}")
    await admin.ask("/seturl https://example.org/call")
    await admin.ask("/setcallname Twin <Cities> call")
    entries = await _actions(sandbox, 4)
    assert [e.action for e in entries] == [
        "call.deadline_set",
        "call.opening_set",
        "call.url_set",
        "call.name_set",
    ]
    assert {(e.actor_id, e.actor_name) for e in entries} == {(ADMIN_ID, "Ana")}
    assert entries[0].detail == "31 May 2030, 17:00 (Brussels time), announced to 0 subscribers"
    assert entries[2].detail == "https://example.org/call"
    assert entries[3].detail == "Twin <Cities> call"


async def test_a_cancelled_preview_records_nothing(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    preview = await admin.ask("/broadcast Never sent")
    cancel = next(
        d for row in preview["buttons"] for b in row if (d := b["data"]).startswith("ann:no:")
    )
    await admin.button_answer(await admin.press(preview["message_id"], cancel))
    await admin.ask("/seturl not-a-url")
    assert await sandbox.application.bot_data.services.store.staff_actions() == []


async def test_broadcasts_sent_scheduled_cancelled_and_stopped_are_recorded(
    sandbox: RunningSandbox, user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await subscribed(user)
    await confirm(admin, "/broadcast Webinar <b>at</b> 10:00")
    # The delivery report comes next; the schedule's preview must not be mistaken for it.
    await wait_for_text(admin, "is delivered")
    await confirm(admin, f"/schedule {local(settings, timedelta(hours=1))} Later news")
    listing = await admin.ask("/announcements")
    assert "cancelled" in await admin.alert(listing["message_id"], "ann:xs:1")
    # Enough recipients that sending is still under way when Stop is pressed.
    outbox = sandbox.application.bot_data.services.outbox
    long_one = await outbox.queue(
        kind="broadcast", html="Long", recipients=range(10_000, 10_300), created_by=ADMIN_ID
    )
    listing = await admin.ask("/announcements")
    assert "stopped" in await admin.alert(listing["message_id"], f"ann:xo:{long_one.id}")
    entries = await _actions(sandbox, 4)
    assert [e.action for e in entries] == [
        "broadcast.sent",
        "broadcast.scheduled",
        "broadcast.cancelled",
        "broadcast.stopped",
    ]
    # What staff typed, as text: the sandbox sends plain text, so "<b>" was typed, not bold.
    assert entries[0].detail == "to 1 subscriber: Webinar <b>at</b> 10:00"
    assert entries[1].detail.startswith("#1 for ") and entries[1].detail.endswith(": Later news")
    assert entries[2].detail == "scheduled #1"
    assert entries[3].detail == f"announcement {long_one.id}"


async def test_exports_and_faq_reloads_are_recorded(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    store = sandbox.application.bot_data.services.store
    await admin.ask("/export")  # nothing to export: nothing left the bot, nothing recorded
    await store.save_registration(registration(1))
    await admin.ask("/export json")
    await admin.ask("/reloadfaq")
    entries = await _actions(sandbox, 2)
    assert (entries[0].action, entries[0].detail) == ("export.registrations", "json, 1 rows")
    assert entries[1].action == "faq.reloaded" and entries[1].detail.endswith("entries live")
    assert len(entries) == 2


async def test_auditlog_shows_the_latest_newest_first_escaped(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    await store.record_staff_action(7, "call.url_set", "https://example.org/<b>", "Bo & <Co>")
    await store.record_staff_action(8, "broadcast.sent", "to 3 subscribers: Hi", "Ed")
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    text = (await staff.ask("/auditlog"))["text"]
    assert text.index("Ed (8)") < text.index("Bo & <Co> (7)")
    assert "Message sent to subscribers: to 3 subscribers: Hi" in text
    assert "Call page set: https://example.org/<b>" in text


async def test_a_long_auditlog_is_split_under_telegrams_limit(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    for number in range(30):
        await store.record_staff_action(7, "broadcast.sent", f"{number:02} " + "x" * 450, "Bo")
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    first = await staff.ask("/auditlog")
    parts = [first]
    deadline = time.monotonic() + 10
    while "00 xxx" not in parts[-1]["text"]:
        assert time.monotonic() < deadline, "the oldest entry never arrived"
        parts.append(await staff.next_bot_message())
    assert len(parts) >= 4
    assert all(len(part["text"]) <= MAX_MESSAGE_CHARS for part in parts)
    assert "29 xxx" in parts[0]["text"]


async def test_auditlog_is_refused_to_anyone_else(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await sandbox.application.bot_data.services.store.record_staff_action(7, "faq.reloaded", "x")
    reply = await user.ask("/auditlog")
    assert reply["text"] == NOT_ALLOWED_TEXT
    assert await user.messages(after=reply["message_id"], wait=0.5) == []


async def test_an_empty_auditlog_says_so(sandbox: RunningSandbox, admin: SandboxClient) -> None:
    assert (await admin.ask("/auditlog"))["text"] == "No staff action is recorded yet."
