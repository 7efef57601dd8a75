"""A staff change asked again (a command handled again after a crash) keeps its preview's token,
so the preview already shown still confirms it; a different change gets a new one."""

from __future__ import annotations

from bot.sandbox.server import RunningSandbox
from tests.sandbox_client import SandboxClient, button_data


def _ok(preview: dict[str, object]) -> str:
    (ok,) = [d for d in button_data(preview) if d.startswith("ann:ok:")]
    return ok


async def test_the_same_broadcast_asked_twice_is_confirmed_by_either_preview(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    await admin.ask("/start")
    first = await admin.ask("/broadcast Webinar on Friday")
    again = await admin.ask("/broadcast Webinar on Friday")
    assert _ok(first) == _ok(again)
    other = await admin.ask("/broadcast Webinar on Monday")
    assert _ok(other) != _ok(first)
