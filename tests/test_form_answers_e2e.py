"""Issue 19's form fixes through the sandbox, as people would meet them."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.registration.steps import Step
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, RunningSandbox, running_sandbox
from bot.settings import Settings
from tests.registration_steps import (
    current,
    press,
    register,
    stored_draft,
    wait_for_edit,
    walk_to,
)
from tests.sandbox_client import SandboxClient, button_data

Message = dict[str, Any]
TIME_OF_DAY = "25:00 is not a time of day: use HH:MM from 00:00 to 23:59."


async def test_staff_typing_25_00_are_told_it_is_not_a_time_of_day(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    for command in (
        "/schedule 07.12.2030 25:00 Webinar",
        "/setdeadline 07.12.2030 25:00",
        "/setopening 07.12.2030 25:00",
    ):
        refused = await admin.ask(command)
        assert TIME_OF_DAY in refused["text"] and not refused.get("buttons"), command


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


async def _shown(user: SandboxClient, message: Message) -> Message:
    """A prompt as the chat shows it once the bot has taken its buttons off."""
    return await wait_for_edit(user, message["message_id"], "✓")


async def test_a_pressed_answer_stays_visible_when_its_buttons_go(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    consent = await user.ask("/register")
    city = await press(user, consent, Step.CONSENT, "agree")
    country = await user.ask("Gent")
    status = await press(user, country, Step.COUNTRY, "DE")
    commitment = await press(user, status, Step.STATUS, "none")
    await press(user, commitment, Step.COMMITMENT, "yes")
    doubt = await user.ask("3")
    await press(user, doubt, Step.POPULATION, "sure")
    await user.ask("Ana Silva")
    await user.ask("Climate officer")
    topics = await user.ask("ana@gent.example.de")
    await user.press(topics["message_id"], "reg:topics:t:mobility")
    await wait_for_edit(user, topics["message_id"], "✔️ Mobility")
    review = await press(user, topics, Step.TOPICS, "done")
    await press(user, review, Step.REVIEW, "confirm")
    expected = [
        (consent, "✓ I agree"),
        (country, "✓ Country: Germany"),
        (status, "✓ Status: none of the above (not a Mission, Pilot or Twin City)"),
        (commitment, "✓ Commitment: Yes"),
        (doubt, "✓ Population: 3"),
        (topics, "✓ Topics: Mobility"),
    ]
    for prompt, answer in expected:
        shown = await _shown(user, prompt)
        assert shown["text"].endswith(answer) and not shown.get("buttons"), shown
        assert shown["text"].startswith(prompt["text"])  # the question itself is kept
    assert "✓" not in (await current(user, city["message_id"]))["text"]  # a typed answer


async def test_an_eligibility_verdict_keeps_the_answers_it_judged(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    first = await user.ask("/eligibility")
    await user.press(first["message_id"], "elig:c:ES")
    await wait_for_edit(user, first["message_id"], "already")
    await user.press(first["message_id"], "elig:s:ES:none")
    await wait_for_edit(user, first["message_id"], "2050")
    await user.press(first["message_id"], "elig:m:ES:none:yes")
    verdict = await wait_for_edit(user, first["message_id"], "/register")
    assert verdict["text"].startswith(
        "Country: Spain\nStatus: none of the above (not a Mission, Pilot or Twin City)\n"
        "Commitment: Yes\n\n"
    )


async def test_keep_it_as_it_is_stays_written_under_the_saved_registration(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await register(user)
    saved = await user.ask("/register")
    await user.press(saved["message_id"], "reg:keep")
    shown = await _shown(user, saved)
    assert shown["text"].endswith("✓ Keep it as it is") and not shown.get("buttons")


@pytest.fixture
def named_controller(settings: Settings) -> Settings:
    """The test settings with a controller, a contact and a DPO as an operator sets them."""
    return settings.model_copy(
        update={
            "privacy_controller": "City of Gent <Climate Office>",
            "privacy_contact": "privacy@gent.example",
            "privacy_dpo_contact": "dpo@gent.example",
        }
    )


CONTROLLER_LINE = (
    "Who is responsible. City of Gent <Climate Office> decides how this data is used (the "
    "controller); reach them about your data at privacy@gent.example. Their data protection "
    "officer: dpo@gent.example."
)


async def test_the_notice_names_the_controller_in_privacy_mydata_and_the_consent_step(
    named_controller: Settings, http: aiohttp.ClientSession
) -> None:
    config = EmulatorConfig(static_dir=STATIC_DIR, rate_limit=False)
    async with running_sandbox(named_controller, emulator_config=config) as running:
        user = SandboxClient(http, running.url, 1001)
        assert CONTROLLER_LINE in (await user.ask("/privacy"))["text"]
        assert CONTROLLER_LINE in (await user.ask("/mydata"))["text"]  # nothing kept yet
        consent = await user.ask("/register")
        assert CONTROLLER_LINE in consent["text"]
        await press(user, consent, Step.CONSENT, "agree")
        mydata = await user.ask("/mydata")
        assert "unfinished pre-registration" in mydata["text"] and CONTROLLER_LINE in mydata["text"]


async def test_the_sandbox_names_its_example_controller_as_an_example(user: SandboxClient) -> None:
    notice = await user.ask("/privacy")
    assert "Example Programme Team (sandbox example; set PRIVACY_CONTROLLER)" in notice["text"]
