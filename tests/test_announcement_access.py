"""Every announcement button checks who pressed it: anyone but staff gets "not allowed"."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.settings import load_settings
from handlers import announcements
from handlers import callback_data as data
from handlers.access import NOT_ALLOWED_TEXT

SETTINGS = load_settings({"ADMIN_IDS": "1", "STAFF_IDS": "2"})


class Query:
    """A pressed button that records how the bot answered it."""

    def __init__(self, button: str) -> None:
        self.data = button
        self.answers: list[tuple[str | None, bool]] = []

    async def answer(self, text: str | None = None, show_alert: bool = False) -> None:
        self.answers.append((text, show_alert))


class Nothing:
    """Services that fail the test if a refused press reaches them."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a refused press used {name}")


@pytest.mark.parametrize(
    "button",
    [
        data.announce_confirm("abcd1234"),
        data.announce_cancel("abcd1234"),
        data.cancel_scheduled("1"),
        data.cancel_sending("a1"),
        data.resend_failed("a1"),
    ],
)
async def test_a_non_staff_press_of_any_staff_button_is_refused(button: str) -> None:
    query = Query(button)
    update = SimpleNamespace(
        effective_user=SimpleNamespace(id=1001), callback_query=query, effective_message=None
    )
    services = SimpleNamespace(settings=SETTINGS, store=Nothing(), outbox=Nothing())
    context = SimpleNamespace(services=services, user_data={}, application=Nothing())
    await announcements.press_button(update, context)  # type: ignore[arg-type]
    assert query.answers == [(NOT_ALLOWED_TEXT, True)]
