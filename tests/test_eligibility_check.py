"""/eligibility end to end: buttons or a typed country, then the verdict; nothing is kept."""

from __future__ import annotations

import pytest

from bot.sandbox.server import RunningSandbox
from tests.registration_steps import wait_for_edit
from tests.sandbox_client import SandboxClient, button_data


async def _check(user: SandboxClient, country: str, status: str, commitment: str) -> str:
    """Answer the three questions (a country button, else typed); the verdict text."""
    first = await user.ask("/eligibility")
    if f"elig:c:{country}" in button_data(first):
        await user.press(first["message_id"], f"elig:c:{country}")
        asked = await wait_for_edit(user, first["message_id"], "already")
    else:
        asked = await user.ask(country)
    await user.press(asked["message_id"], f"elig:s:{asked_country(asked)}:{status}")
    asked = await wait_for_edit(user, asked["message_id"], "2050")
    code = asked_country(asked)
    await user.press(asked["message_id"], f"elig:m:{code}:{status}:{commitment}")
    verdict = await wait_for_edit(user, asked["message_id"], "/register")
    assert button_data(verdict) == [f"reg:start:{code}:{status}:{commitment}"]
    return str(verdict["text"])


def asked_country(message: dict[str, object]) -> str:
    """The country code a status or commitment question carries in its buttons."""
    return button_data(message)[0].split(":")[2]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("country", "status", "commitment", "verdict", "reason"),
    [
        ("ES", "none", "yes", "looks eligible", "EU Member State"),
        ("Norge", "none", "yes", "looks eligible", "Associated Country"),
        ("Schweiz", "none", "yes", "does not seem eligible", "Switzerland"),
        ("ES", "mission", "yes", "does not seem eligible", "Mission Cities"),
        ("ES", "none", "no", "does not seem eligible", "2050"),
        ("Canada", "none", "yes", "cannot tell for sure", "Pillar II"),
        ("ES", "applied", "unsure", "cannot tell for sure", "Please check"),
    ],
)
async def test_the_check_gives_the_verdict_with_its_reasons(
    user: SandboxClient,
    sandbox: RunningSandbox,
    country: str,
    status: str,
    commitment: str,
    verdict: str,
    reason: str,
) -> None:
    text = await _check(user, country, status, commitment)
    assert verdict in text and reason in text
    store = sandbox.application.bot_data.services.store
    assert (await store.export_user_data(user.user_id)).is_empty  # nothing kept


async def test_an_unknown_country_is_asked_again_with_the_closest(user: SandboxClient) -> None:
    await user.ask("/eligibility")
    reply = await user.ask("Atlantis")
    assert "I don't know the country “Atlantis”" in reply["text"]
    assert "elig:c:FR" in button_data(reply)
    assert "already" in (await user.ask("Portugal"))["text"]
    assert "Hello" in (await user.ask("hello"))["text"]  # the check no longer waits for text


async def test_other_asks_for_a_typed_country_and_cancel_stops(user: SandboxClient) -> None:
    first = await user.ask("/eligibility")
    await user.press(first["message_id"], "elig:other")
    await wait_for_edit(user, first["message_id"], "Type the name")
    assert "stopped" in (await user.ask("/cancel"))["text"]
