"""Issue 19's form fixes through the sandbox, as people would meet them."""

from __future__ import annotations

import pytest

from bot.sandbox.server import RunningSandbox
from tests.sandbox_client import SandboxClient

TIME_OF_DAY = "25:00 is not a time of day: use HH:MM from 00:00 to 23:59."


@pytest.mark.parametrize(
    "command",
    [
        "/schedule 07.12.2030 25:00 Webinar",
        "/setdeadline 07.12.2030 25:00",
        "/setopening 07.12.2030 25:00",
    ],
)
async def test_staff_typing_25_00_are_told_it_is_not_a_time_of_day(
    sandbox: RunningSandbox, admin: SandboxClient, command: str
) -> None:
    refused = await admin.ask(command)
    assert TIME_OF_DAY in refused["text"] and not refused.get("buttons")
