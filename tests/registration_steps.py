"""Walking /register through the sandbox as a user: press a step's button, type an answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from bot.registration.steps import TOPICS, Step
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, RunningSandbox, running_sandbox
from bot.settings import Settings
from bot.storage.registrations import RegistrationDraft
from faq.countries import country_name
from tests.sandbox_client import SandboxClient, button_data

Message = dict[str, Any]


@dataclass(frozen=True)
class Answers:
    """What a walk types and presses; the defaults make an eligible Belgian city."""

    city: str = "Gent"
    country: str = "BE"
    status: str = "none"
    commitment: str = "yes"
    population: str = "260,000"
    contact_name: str = "Ana Silva"
    contact_role: str = "Climate officer"
    email: str = "ana@gent.example.be"
    topics: tuple[str, ...] = field(default=("mobility",))


def data(step: Step, action: str) -> str:
    """A step button's callback data."""
    return f"reg:{step}:{action}"


async def press(client: SandboxClient, prompt: Message, step: Step, action: str) -> Message:
    """Press a step's button on a prompt; the bot's next message."""
    await client.press(prompt["message_id"], data(step, action))
    return await client.next_bot_message()


async def current(client: SandboxClient, message_id: int) -> Message:
    """A (possibly edited) message as the chat shows it now."""
    for message in await client.messages(after=message_id - 1):
        if message["message_id"] == message_id:
            return message
    raise AssertionError(f"message {message_id} is gone")


async def wait_for_edit(client: SandboxClient, message_id: int, needle: str) -> Message:
    """Wait until a message, edited by the bot, shows the needle."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = await current(client, message_id)
        labels = [button.get("text", "") for row in message.get("buttons", []) for button in row]
        if needle in message["text"] or any(needle in label for label in labels):
            return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never showed {needle!r}")


async def walk_to(client: SandboxClient, stop: Step, answers: Answers | None = None) -> Message:
    """From /register to the prompt of `stop` (an eligible city unless answers say otherwise)."""
    given = answers or Answers()
    prompt = await client.ask("/register")
    steps: list[tuple[Step, str, bool]] = [
        (Step.CONSENT, "agree", True),
        (Step.CITY, given.city, False),
        (Step.COUNTRY, given.country, True),
        (Step.STATUS, given.status, True),
        (Step.COMMITMENT, given.commitment, True),
        (Step.POPULATION, given.population, False),
        (Step.CONTACT_NAME, given.contact_name, False),
        (Step.CONTACT_ROLE, given.contact_role, False),
        (Step.EMAIL, given.email, False),
    ]
    for step, answer, is_button in steps:
        if step is stop:
            return prompt
        if step is Step.POPULATION and stop is Step.VERDICT:
            return prompt
        if step is Step.POPULATION and "register your city's interest" in prompt["text"]:
            prompt = await press(client, prompt, Step.VERDICT, "interest")
        if is_button and data(step, answer) in button_data(prompt):
            prompt = await press(client, prompt, step, answer)
        elif step is Step.COUNTRY:
            prompt = await client.ask(country_name(answer))
        else:
            prompt = await client.ask(answer)
    if stop is Step.TOPICS:
        return prompt
    for topic in given.topics:
        await client.press(prompt["message_id"], data(Step.TOPICS, f"t:{topic}"))
        await wait_for_edit(client, prompt["message_id"], f"✔️ {TOPICS[topic]}")
    return await press(client, prompt, Step.TOPICS, "done")


async def register(client: SandboxClient, answers: Answers | None = None) -> Message:
    """The whole walk, confirmed; the thank-you message."""
    review = await walk_to(client, Step.REVIEW, answers)
    return await press(client, review, Step.REVIEW, "confirm")


async def stored_draft(running: RunningSandbox, user_id: int) -> RegistrationDraft:
    """The user's draft, which must exist."""
    draft = await running.application.bot_data.services.store.get_draft(user_id)
    assert draft is not None
    return draft


def set_clock(running: RunningSandbox, ahead: timedelta) -> None:
    """Make the bot's clock run `ahead` of real time."""
    running.application.bot_data.services.clock = lambda: datetime.now(UTC) + ahead


@asynccontextmanager
async def durable_sandbox(settings: Settings) -> AsyncIterator[RunningSandbox]:
    """A sandbox whose emulator keeps its world in the data folder, so a restart continues it."""
    config = EmulatorConfig(
        static_dir=STATIC_DIR, data_dir=settings.data_dir / "emulator", rate_limit=False
    )
    async with running_sandbox(settings, emulator_config=config) as running:
        yield running


@asynccontextmanager
async def restarted_at(
    settings: Settings, http: aiohttp.ClientSession, step: Step, user_id: int = 1001
) -> AsyncIterator[tuple[RunningSandbox, SandboxClient]]:
    """Walk to a step, stop the sandbox, start a new one on the same data: it and the user."""
    async with durable_sandbox(settings) as first:
        before = SandboxClient(http, first.url, user_id)
        await walk_to(before, step)
    async with durable_sandbox(settings) as second:
        after = SandboxClient(http, second.url, user_id)
        after.seen = before.seen
        yield second, after
