"""Issue 19's form fixes through the sandbox, as people would meet them."""

from __future__ import annotations

import pytest

from bot.registration.steps import Step
from bot.sandbox.server import RunningSandbox
from tests.registration_steps import press, stored_draft, walk_to
from tests.sandbox_client import SandboxClient, button_data

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


async def test_population_approximations_are_taken_and_an_unlikely_one_is_asked_back(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    prompt = await walk_to(user, Step.POPULATION)
    doubt = await user.ask("3")
    assert "Did you mean 3 people?" in doubt["text"]
    assert set(button_data(doubt)) >= {"reg:population:sure", "reg:population:retype"}
    again = await press(user, doubt, Step.POPULATION, "retype")
    assert "About how many people" in again["text"]
    assert (await stored_draft(sandbox, user.user_id)).population is None
    name = await user.ask("about 37k")
    assert "name of the contact person" in name["text"]
    assert (await stored_draft(sandbox, user.user_id)).population == 37_000
    refused = await user.ask("about 37k")
    assert refused["text"].startswith("That looks like a number; please type the contact")
    assert "one letter is not enough" in (await user.ask("x"))["text"]
    role = await user.ask("Ana Silva")
    refused = await user.ask("37,5 thousand")
    assert refused["text"].startswith("That looks like a number; please type their role")
    assert (
        "role or position" in role["text"]
        and "work email" in (await user.ask("Climate officer"))["text"]
    )
    draft = await stored_draft(sandbox, user.user_id)
    assert (draft.contact_name, draft.contact_role) == ("Ana Silva", "Climate officer")
    assert prompt["message_id"] < doubt["message_id"]


async def test_a_city_of_3_is_kept_when_the_person_says_yes(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await walk_to(user, Step.POPULATION)
    doubt = await user.ask("3")
    name = await press(user, doubt, Step.POPULATION, "sure")
    assert "name of the contact person" in name["text"]
    assert (await stored_draft(sandbox, user.user_id)).population == 3
