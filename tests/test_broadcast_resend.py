"""Staff resend an announcement to the recipients it failed, from its report or /announcements."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp

from bot.sandbox.config import FaultConfig
from bot.sandbox.faults import FaultInjector
from bot.sandbox.server import RunningSandbox
from handlers import callback_data as data
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient, button_data
from tests.test_announcements_e2e import confirm, subscribed, wait_for_text

UNLUCKY = 1002


def fail_sends_to(sandbox: RunningSandbox, chat_id: int | None) -> None:
    """Answer 500 to every sendMessage to this chat (None: to nobody); getMe keeps working."""
    emulator = sandbox.emulator
    faults = (
        FaultConfig()
        if chat_id is None
        else FaultConfig(
            share_5xx=1.0,
            methods=frozenset({"sendMessage"}),
            spared_chats=frozenset({ADMIN_ID, STAFF_ID, 1001, 1003}),
        )
    )
    emulator.config = dataclasses.replace(emulator.config, faults=faults)
    emulator.faults = FaultInjector(faults)


def resend_buttons(message: dict[str, Any]) -> list[str]:
    """The resend buttons' data under a bot message."""
    return [d for d in button_data(message) if d.startswith("ann:rs:")]


async def test_staff_resend_to_the_failed_recipients_only_and_only_once(
    sandbox: RunningSandbox, admin: SandboxClient, http: aiohttp.ClientSession
) -> None:
    users = {u: SandboxClient(http, sandbox.url, u) for u in (1001, UNLUCKY, 1003)}
    for client in users.values():
        await subscribed(client)
    broadcaster = sandbox.application.bot_data.broadcaster
    assert broadcaster is not None
    broadcaster.backoff_seconds = 0.01
    fail_sends_to(sandbox, UNLUCKY)
    await admin.ask("/start")
    await confirm(admin, "/broadcast Webinar moved to Friday")
    report = await wait_for_text(admin, "is delivered")
    assert "Failed after retries: 1" in report["text"]
    (button,) = resend_buttons(report)
    assert button == data.resend_failed(button.removeprefix("ann:rs:"))
    fail_sends_to(sandbox, None)

    listing = await admin.ask("/announcements")
    assert resend_buttons(listing) == [button]

    alert = await admin.alert(report["message_id"], button)
    assert "Resending to 1 subscriber" in alert
    await wait_for_text(users[UNLUCKY], "Webinar moved to Friday")
    assert await admin.alert(listing["message_id"], button) == (
        "It was already resent to those who failed (as "
        + alert_id(sandbox, button.removeprefix("ann:rs:"))
        + ")."
    )
    for user_id in (1001, 1003):
        texts = [m["text"] for m in await users[user_id].messages() if m["from"] == "bot"]
        assert sum("Webinar moved to Friday" in t for t in texts) == 1


def alert_id(sandbox: RunningSandbox, announcement_id: str) -> str:
    """The id of the resend of this announcement."""
    outbox = sandbox.application.bot_data.services.outbox
    return outbox._announcements[outbox._keys[f"resend:{announcement_id}"]].id
