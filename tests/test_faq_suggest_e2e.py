"""End to end: "Did you mean", presses logged, the not-English and other-programme replies.

The thresholds are set so the suggest band is wide (answer 95, suggest 40): which questions
land in the band then depends on the matcher's ranking, not on today's calibration.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.server import RunningSandbox
from bot.settings import Settings, load_settings
from bot.storage.questions import LoggedQuestion
from handlers import callback_data as data
from handlers.faq import (
    MAX_PENDING,
    NOT_ENGLISH_TEXT,
    NOT_FOUND_TEXT,
    OUT_OF_SCOPE_TEXT,
    WORK_REQUEST_TEXT,
)
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient, button_data

# The deadline entry leads every other entry on this question by more than the close margin.
CLEAR_LEADER = "when is the deadline for twin cities"


@pytest.fixture
def settings(tmp_path: Path, faq_copy: Path) -> Settings:
    """The shared test settings, with a wide suggest band."""
    return load_settings(
        {
            "DATA_DIR": str(tmp_path / "data"),
            "FAQ_DIR": str(faq_copy),
            "ADMIN_IDS": str(ADMIN_ID),
            "STAFF_IDS": str(STAFF_ID),
            "FAQ_RELOAD_SECONDS": "0.5",
            "FAQ_ANSWER_SCORE": "95",
            "FAQ_SUGGEST_SCORE": "40",
        }
    )


async def _wait_for(
    condition: Callable[[], Awaitable[list[LoggedQuestion]]], count: int, timeout: float = 5
) -> list[LoggedQuestion]:
    """Poll the question log until it holds `count` records (logging follows the reply)."""
    deadline = time.monotonic() + timeout
    rows = await condition()
    while len(rows) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        rows = await condition()
    return rows


async def test_one_clear_leader_gets_one_button_and_its_press_is_logged(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    offer = await user.ask(CLEAR_LEADER)
    assert offer["text"] == "Did you mean this?"
    assert button_data(offer) == [data.faq_entry("deadline"), data.MENU_NOT_FOUND]
    await _wait_for(store.unanswered_questions, 1)
    await user.press(offer["message_id"], data.faq_entry("deadline"))
    answer = await user.next_bot_message()
    assert "deadline" in answer["text"].lower()
    rows = await _wait_for(store.unanswered_questions, 2)
    chosen = rows[0]
    assert (chosen.decision, chosen.chosen_entry) == ("chosen", "deadline")
    assert chosen.question == CLEAR_LEADER
    assert chosen.candidates[0][0] == "deadline"
    assert rows[1].decision == "suggest"


async def test_none_of_these_is_logged_and_offers_the_ways_on(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    offer = await user.ask(CLEAR_LEADER)
    await _wait_for(store.unanswered_questions, 1)
    await user.button_answer(await user.press(offer["message_id"], data.MENU_NOT_FOUND))
    rows = await _wait_for(store.unanswered_questions, 2)
    assert (rows[0].decision, rows[0].chosen_entry, rows[0].question) == (
        "none",
        None,
        CLEAR_LEADER,
    )
    edited = next(m for m in await user.messages() if m["message_id"] == offer["message_id"])
    assert edited["text"] == NOT_FOUND_TEXT
    assert data.HANDOFF_START in button_data(edited)


async def test_a_press_on_a_stale_offer_still_answers_and_logs_nothing(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    first = await user.ask(CLEAR_LEADER)
    # Later offers push the first one out of the chat's pending offers.
    for _ in range(MAX_PENDING):
        await user.ask(CLEAR_LEADER)
    await _wait_for(store.unanswered_questions, MAX_PENDING + 1)
    await user.press(first["message_id"], data.faq_entry("deadline"))
    answer = await user.next_bot_message()
    assert "deadline" in answer["text"].lower()
    await asyncio.sleep(0.3)  # a wrongly logged press would have landed by now
    rows = await store.unanswered_questions()
    assert [row.decision for row in rows] == ["suggest"] * (MAX_PENDING + 1)


async def test_a_question_in_another_language_gets_one_sentence_and_is_logged(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    reply = await user.ask("Wie kann ich mich bewerben?")
    assert reply["text"] == NOT_ENGLISH_TEXT
    assert {data.MENU_FAQ, data.HANDOFF_START} <= set(button_data(reply))
    rows = await _wait_for(store.unanswered_questions, 1)
    assert (rows[0].decision, rows[0].question) == ("not_english", "Wie kann ich mich bewerben?")


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # Another programme: the reply names it.
        (
            "Is the Interreg Europe call for projects open now?",
            OUT_OF_SCOPE_TEXT.format(programme="Interreg"),
        ),
        # A request for work: the reply says what the bot cannot do.
        (
            "Could you write a draft climate plan for our council with targets and measures?",
            WORK_REQUEST_TEXT,
        ),
    ],
)
async def test_an_out_of_scope_message_says_why_and_is_logged(
    user: SandboxClient, sandbox: RunningSandbox, question: str, text: str
) -> None:
    store = sandbox.application.bot_data.services.store
    reply = await user.ask(question)
    assert reply["text"] == text
    assert {data.MENU_FAQ, data.HANDOFF_START} <= set(button_data(reply))
    rows = await _wait_for(store.unanswered_questions, 1)
    assert (rows[0].decision, rows[0].question) == ("fallback", question)
