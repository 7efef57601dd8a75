"""Through the sandbox, as a person sees it: a deadline staff set before the opening is shown by
/status and the FAQ with its note, other dates than the 2024 call's bring no 2024 call dates,
and the eligibility verdict dates its country list and names no contact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from tests.sandbox_client import SandboxClient
from tests.test_announcements_e2e import confirm, local
from tests.test_eligibility_check import _check

AHEAD = timedelta(days=30)
NOTE = "published sources differed, 31 May or 7 June 2024"


@pytest.fixture
def faq_copy(faq_copy: Path) -> Path:
    """The shipped FAQ, its deadline note made true of the day AHEAD (as an admin would)."""
    day = (datetime.now(UTC) + AHEAD).astimezone(ZoneInfo("Europe/Brussels")).date()
    call = faq_copy / "call.yaml"
    text = call.read_text(encoding="utf-8")
    old = "deadline_note_days: [2024-05-31, 2024-06-07]"
    assert old in text
    call.write_text(text.replace(old, f"deadline_note_days: [{day.isoformat()}]"), "utf-8")
    return faq_copy


async def test_a_deadline_set_before_the_opening_is_shown_everywhere(
    user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await confirm(admin, f"/setdeadline {local(settings, AHEAD)}")
    status = (await user.ask("/status"))["text"]
    assert "The opening date is to be announced. Deadline: " in status and NOTE in status
    assert "dates are to be announced" not in status
    assert "I will tell you when the call opens" in status
    deadline = (await user.ask("when is the deadline"))["text"]
    assert NOTE in deadline and "opening date is not announced yet" in deadline
    opening = (await user.ask("when does the call open"))["text"]
    assert "Opening date of the Twin Cities call (Cohort 2): to be announced; deadline: " in opening
    assert NOTE in opening and "early spring 2024" not in opening


async def test_other_dates_bring_no_2024_call_dates(
    user: SandboxClient, admin: SandboxClient, settings: Settings
) -> None:
    await confirm(admin, f"/setopening {local(settings, timedelta(days=10))}")
    await confirm(admin, f"/setdeadline {local(settings, timedelta(days=70))}")
    results = (await user.ask("when are the results announced"))["text"]
    assert "do not cover the selection" in results and "late September 2024" not in results
    webinar = (await user.ask("is there an information webinar"))["text"]
    assert "18 April 2024" not in webinar and "no information webinar" in webinar


async def test_the_verdict_dates_its_country_list_and_names_no_contact(
    user: SandboxClient,
) -> None:
    associated = await _check(user, "Norge", "none", "yes")
    assert "as listed on 21 November 2024, after the spring 2024 Cohort 2 call" in associated
    refused = await _check(user, "Schweiz", "none", "yes")
    assert "No source gives a contact for the programme" in refused
    assert "contact are on" not in refused
