"""End to end: the "write your question" prompt's Cancel never loses a question already sent."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.desk import handoff as texts
from bot.sandbox.server import RunningSandbox
from handlers.callback_data import HANDOFF_CANCEL
from tests.conftest import STAFF_ID
from tests.sandbox_client import SandboxClient, button_data
from tests.test_handoff_e2e import PERSON, started, thread_buttons, until


async def _without_buttons(client: SandboxClient, message_id: int) -> bool:
    [message] = [m for m in await client.messages() if m["message_id"] == message_id]
    return button_data(message) == []


async def _staff_sees_it_waiting_and_answers(staff: SandboxClient, person: SandboxClient) -> None:
    header = await staff.ask("/handoffs")
    assert "1 open conversation" in header["text"]
    listed = await staff.next_bot_message()
    assert "My question for a person" in listed["text"]
    await staff.press(listed["message_id"], thread_buttons(listed, "r")[0])
    assert "goes to" in (await staff.next_bot_message())["text"]
    assert (await staff.ask("Here is our answer."))["text"].startswith("Sent:")
    answer = await person.next_bot_message()
    assert "Here is our answer." in answer["text"]


async def test_the_prompts_cancel_goes_once_the_question_is_sent(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    prompt = await user.ask("/human")
    assert button_data(prompt), "the prompt offers Cancel before the question is written"
    sent = await user.ask("My question for a person")
    assert "Sent to the programme team" in sent["text"]
    await until(lambda: _without_buttons(user, prompt["message_id"]), timeout=5)
    await staff.next_bot_message()  # the notice of the new question
    await _staff_sees_it_waiting_and_answers(staff, user)


async def test_a_late_press_of_the_prompts_cancel_closes_nothing(
    sandbox: RunningSandbox,
    user: SandboxClient,
    http: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    store = sandbox.application.bot_data.services.store
    prompt = await user.ask("/human")
    [cancel] = button_data(prompt)

    # Hold the question in the bot while the person presses Cancel: the press comes in after
    # the question (Telegram hands a chat's updates over in order) but before Cancel is gone.
    release = asyncio.Event()
    add_message = store.add_handoff_message

    async def held(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await add_message(*args, **kwargs)

    monkeypatch.setattr(store, "add_handoff_message", held)
    await user.send("My question for a person")
    query_id = await user.press(prompt["message_id"], cancel)
    release.set()

    answer = await user.button_answer(query_id)
    assert (answer["text"], answer["show_alert"]) == (texts.QUESTION_ALREADY_SENT_TEXT, False)
    assert "Sent to the programme team" in (await user.next_bot_message())["text"]
    await until(lambda: _without_buttons(user, prompt["message_id"]), timeout=5)
    [thread] = await store.open_handoffs()
    assert [m.text for m in thread.messages] == ["My question for a person"]
    await staff.next_bot_message()  # the notice of the new question
    await _staff_sees_it_waiting_and_answers(staff, user)


async def test_a_prompt_of_an_earlier_version_closes_nothing_after_the_question(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await user.ask("/human")
    # What a prompt looked like before the upgrade: Cancel sent the same data as Close.
    old_cancel = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Cancel", callback_data=HANDOFF_CANCEL)]]
    )
    old = await sandbox.application.bot.send_message(PERSON, "Old prompt", reply_markup=old_cancel)
    user.seen = old.message_id
    assert "Sent to the programme team" in (await user.ask("My question for a person"))["text"]
    answer = await user.button_answer(await user.press(old.message_id, HANDOFF_CANCEL))
    assert (answer["text"], answer["show_alert"]) == (texts.QUESTION_ALREADY_SENT_TEXT, False)
    await until(lambda: _without_buttons(user, old.message_id), timeout=5)
    await staff.next_bot_message()  # the notice of the new question
    await _staff_sees_it_waiting_and_answers(staff, user)
