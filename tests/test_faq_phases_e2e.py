"""The same question through the sandbox before the call opens and after it closes: the answer
follows the call's phase that staff set, and facts dated after a phase appear only once reached."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.settings import Settings
from handlers.callback_data import MENU_SUBSCRIBE
from tests.sandbox_client import SandboxClient, button_data
from tests.test_announcements_e2e import confirm, local

QUESTION = "when are the results announced"
LATER_CALL = "is cohort 3 planned"


async def test_results_are_told_only_once_the_call_has_closed(
    user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    before = await user.ask(QUESTION)
    assert "not announced yet" in before["text"]
    assert "September 2024" not in before["text"]
    assert "/subscribe" in before["text"] and MENU_SUBSCRIBE in button_data(before)

    await confirm(admin, f"/setopening {local(settings, -timedelta(days=60))}")
    soon = await user.ask(QUESTION)
    assert "September 2024" not in soon["text"], "open, not yet closed"

    await confirm(admin, f"/setdeadline {local(settings, -timedelta(days=1))}")
    other = await user.ask(QUESTION)
    assert "closed" in other["text"], "closed, but not the 2024 call: its results are not these"
    assert "September 2024" not in other["text"]

    await confirm(admin, "/setopening 2024-04-08")
    await confirm(admin, "/setdeadline 2024-05-31")
    after = await user.ask(QUESTION)
    assert "September 2024" in after["text"] and "closed" in after["text"]
    assert "not announced yet" not in after["text"]
    assert MENU_SUBSCRIBE not in button_data(after)
    assert "19 more cities will pair up" in after["text"], "the closed answer's own sources"


async def test_the_deadline_answer_notes_the_sources_only_beside_a_day_they_gave(
    user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    unset = await user.ask("when is the deadline")
    assert "to be announced" in unset["text"] and "7 June 2024" not in unset["text"]
    await confirm(admin, f"/setopening {local(settings, -timedelta(days=3))}")
    await confirm(admin, f"/setdeadline {local(settings, timedelta(days=30))}")
    later = await user.ask("when is the deadline")
    assert "Deadline of the" in later["text"] and "7 June 2024" not in later["text"]
    await confirm(admin, "/setopening 2024-04-08")
    await confirm(admin, "/setdeadline 2024-05-31 17:00")
    shown = await user.ask("when is the deadline")
    assert "closed" in shown["text"] and "31 May or 7 June 2024" in shown["text"]
    assert "netzerocities.eu/twinning-learning-programme" in str(shown)


def _subscribe_label(message: dict[str, Any]) -> str | None:
    buttons = [b for row in message.get("buttons", []) for b in row]
    labels = [b["text"] for b in buttons if b.get("data") == MENU_SUBSCRIBE]
    return labels[0] if labels else None


async def test_the_subscribe_offer_and_its_confirmation_follow_the_phase(
    user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    unknown = await user.ask(LATER_CALL)
    assert _subscribe_label(unknown) == "🔔 Tell me when dates are set"

    await confirm(admin, f"/setopening {local(settings, -timedelta(days=60))}")
    await confirm(admin, f"/setdeadline {local(settings, -timedelta(days=1))}")
    closed = await user.ask(LATER_CALL)
    assert _subscribe_label(closed) == "🔔 Tell me about news"
    await user.press(closed["message_id"], MENU_SUBSCRIBE)
    confirmation = (await user.next_bot_message())["text"]
    assert "You are subscribed." in confirmation and "The call has closed" in confirmation
    assert "when the call opens" not in confirmation and "remind you" not in confirmation
