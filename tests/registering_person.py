"""A person pre-registering through the sandbox's client API while the bot may be down.

They act once on the bot's latest message (press its step's answer, or type it); when nothing
changes for a while they send /register, which asks the open step again (or says a saved
registration is saved). Confirmed means they pressed Confirm and then saw the "Thank you".
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.registration.steps import TOPICS, Step
from tests.sandbox_client import SandboxClient, button_data

THANKS = "Thank you:"
SAVED = "already pre-registered"
TYPED = {
    Step.CITY: "Gent",
    Step.COUNTRY: "Belgium",
    Step.POPULATION: "260,000",
    Step.CONTACT_NAME: "Ana Silva",
    Step.CONTACT_ROLE: "Climate officer",
    Step.EMAIL: "ana@gent.example.be",
}
PRESSED = {
    Step.CONSENT: "agree",
    Step.COUNTRY: "BE",
    Step.STATUS: "none",
    Step.COMMITMENT: "yes",
    Step.VERDICT: "interest",
    Step.REVIEW: "confirm",
}
POLL_SECONDS = 1.0


def _step_of(message: dict[str, Any]) -> Step | None:
    """The registration step a bot message asks, from its buttons' data (reg:<step>:…)."""
    for data in button_data(message):
        parts = data.split(":")
        if len(parts) >= 3 and parts[0] == "reg" and parts[1] in Step.__members__.values():
            return Step(parts[1])
    return None


def _looks(message: dict[str, Any]) -> tuple[Any, ...]:
    """What the person sees of a message: an edit changes it."""
    return (message["message_id"], message["text"], str(message.get("buttons")))


async def _act(client: SandboxClient, message: dict[str, Any], step: Step) -> bool:
    """Answer the step this prompt asks; True when that was pressing Confirm."""
    data = f"reg:{step}:"
    offered = button_data(message)
    if step is Step.TOPICS:
        labels = [b.get("text", "") for row in message.get("buttons", []) for b in row]
        chosen = any(f"✔️ {TOPICS['mobility']}" in label for label in labels)
        await client.press(message["message_id"], data + ("done" if chosen else "t:mobility"))
        return False
    if step in PRESSED and data + PRESSED[step] in offered:
        await client.press(message["message_id"], data + PRESSED[step])
        return step is Step.REVIEW
    await client.send(TYPED.get(step, "/register"))
    return False


async def walk_registration(
    client: SandboxClient, give_up: asyncio.Event, *, retry_after: float = 4.0
) -> bool:
    """One pre-registration from /register; True when confirmed (Confirm pressed, then the
    "Thank you" seen), False once `give_up` is set before that."""
    await client.send("/register")
    pressed_confirm = False
    acted_on: tuple[Any, ...] = ()
    last_change = time.monotonic()
    while not give_up.is_set():
        chat = await client.messages()
        said = [m for m in chat if m["from"] == "bot"]
        if pressed_confirm and any(THANKS in m["text"] for m in said):
            return True
        if not pressed_confirm and any(SAVED in m["text"] for m in said):
            return False  # saved without this person pressing Confirm: not expected here
        latest = said[-1] if said else None
        step = _step_of(latest) if latest is not None else None
        if latest is not None and step is not None and _looks(latest) != acted_on:
            acted_on, last_change = _looks(latest), time.monotonic()
            pressed_confirm = await _act(client, latest, step) or pressed_confirm
        elif time.monotonic() - last_change > retry_after:
            await client.send("/register")
            last_change = time.monotonic()
        # Back as soon as the bot says something new; an edit (a topic ticked) is seen within
        # the wait.
        newest = max((m["message_id"] for m in chat), default=0)
        await client.messages(after=newest, wait=POLL_SECONDS)
    return False
