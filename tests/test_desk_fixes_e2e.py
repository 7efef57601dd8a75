"""End to end: the staff desk's defects of issue 11's review, each driven through the sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.desk import handoff as texts
from bot.registration.steps import Step
from bot.sandbox.server import RunningSandbox
from bot.storage.registrations import Registration
from handlers import callback_data as data
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.registration_steps import press
from tests.sandbox_client import SandboxClient, button_data
from tests.test_handoff_e2e import PERSON, reach_a_person, started, thread_buttons, until

PERSONAL = ("Jean", "Gent", "Zwijnaarde", "Belgium")


async def _two_staff_with_a_notice(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession, question: str
) -> tuple[SandboxClient, dict[str, Any], SandboxClient, dict[str, Any]]:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    admin = SandboxClient(http, sandbox.url, ADMIN_ID)
    await started(staff, admin)
    await reach_a_person(user, question)
    return staff, await staff.next_bot_message(), admin, await admin.next_bot_message()


async def _bot_texts(client: SandboxClient, part: str) -> list[str]:
    return [m["text"] for m in await client.messages() if m["from"] == "bot" and part in m["text"]]


async def _both_answered(client: SandboxClient, query_ids: list[str]) -> list[dict[str, Any]]:
    return [await client.button_answer(query_id) for query_id in query_ids]


async def test_two_staff_pressing_answered_by_the_faq_at_once_send_one_answer(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff, notice, admin, copy = await _two_staff_with_a_notice(
        sandbox, user, http, "How long does the programme last, roughly?"
    )
    first, second = thread_buttons(notice, "f")[0], thread_buttons(copy, "f")[0]
    presses = await asyncio.gather(
        staff.press(notice["message_id"], first), admin.press(copy["message_id"], second)
    )
    answers = [await staff.button_answer(presses[0]), await admin.button_answer(presses[1])]
    refused = [a for a in answers if a["show_alert"]]
    assert len(refused) == 1, answers
    assert "already answered or closed conversation #1" in refused[0]["text"]
    # The winner tells staff after the person: once the note is there, the person has it all.
    await until(lambda: _bot_texts(staff, "the FAQ answer"))
    assert len(await _bot_texts(user, "points you to this answer")) == 1
    [thread] = await sandbox.application.bot_data.services.store.handoffs_of(PERSON)
    assert [m.sender for m in thread.messages] == ["person", "staff"]


async def test_two_staff_pressing_close_at_once_close_once(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff, notice, admin, copy = await _two_staff_with_a_notice(sandbox, user, http, "A question")
    presses = await asyncio.gather(
        staff.press(notice["message_id"], thread_buttons(notice, "c")[0]),
        admin.press(copy["message_id"], thread_buttons(copy, "c")[0]),
    )
    answers = [await staff.button_answer(presses[0]), await admin.button_answer(presses[1])]
    [refused] = [a for a in answers if a["show_alert"]]
    assert "already answered or closed conversation #1" in refused["text"]
    await until(lambda: _bot_texts(staff, "closed conversation #1"))
    assert len(await _bot_texts(user, "The programme team closed")) == 1


async def test_two_written_answers_typed_at_once_reach_the_person_once(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff, notice, admin, copy = await _two_staff_with_a_notice(sandbox, user, http, "Who?")
    await staff.press(notice["message_id"], thread_buttons(notice, "r")[0])
    await staff.next_bot_message()
    await admin.press(copy["message_id"], thread_buttons(copy, "r")[0])
    await admin.next_bot_message()
    await asyncio.gather(staff.send("The team, says Bo."), admin.send("The team, says Ann."))
    # The loser may first get the winner's "answered" note: its own outcome comes after.
    replies = [await _outcome(staff), await _outcome(admin)]
    assert sorted("Sent:" in r for r in replies) == [False, True], replies
    refused = next(r for r in replies if "Sent:" not in r)
    assert "already answered conversation #1 while you wrote; nothing was sent" in refused
    assert len(await _bot_texts(user, "Reply from the programme team")) == 1


async def _outcome(client: SandboxClient) -> str:
    while True:
        text = str((await client.next_bot_message())["text"])
        if text.startswith("Sent:") or "already answered" in text:
            return text


async def test_after_deletedata_no_bot_message_in_a_staff_chat_names_the_person(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    place = Registration(user_id=PERSON, city="Gent & Zwijnaarde", country="BE")
    await store.save_registration(place)
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    admin = SandboxClient(http, sandbox.url, ADMIN_ID)
    await started(staff, admin)
    await user.send("/human", first_name="Jean & Co")
    await user.next_bot_message()
    await user.send("Can we apply?", first_name="Jean & Co")
    await user.next_bot_message()
    notice = await staff.next_bot_message()
    assert "Jean &amp; Co" in notice["text"] or "Jean & Co" in notice["text"]
    await staff.press(notice["message_id"], thread_buttons(notice, "r")[0])
    await staff.next_bot_message()
    # The staff answer names the person: the note quoting it to colleagues is blanked too.
    await staff.ask("Hello Jean, yes you can.")
    await user.next_bot_message()
    await user.send("Thanks!", first_name="Jean & Co")
    await until(lambda: _bot_texts(staff, "Thanks!"))
    await admin.ask("/handoffs")
    await until(lambda: _bot_texts(admin, "#1"))
    listed = (await _listing(admin, "Thanks!"))[-1]
    await admin.press(listed["message_id"], thread_buttons(listed, "m")[0])
    await until(lambda: _bot_texts(admin, "Choose a topic"))
    await user.send("/cancel", first_name="Jean & Co")  # the person closes the conversation
    await until(lambda: _bot_texts(staff, "The person closed conversation #1"))
    assert await _naming_the_person(staff) and await _naming_the_person(admin)

    confirm = await user.ask("/deletedata")
    await user.press(confirm["message_id"], data.ERASE_DATA)
    await until(lambda: _erased(sandbox))
    for client in (staff, admin):
        await until(lambda client=client: _none_naming_the_person(client))


async def _erased(sandbox: RunningSandbox) -> bool:
    return await sandbox.application.bot_data.services.store.handoffs_of(PERSON) == []


async def _listing(client: SandboxClient, part: str) -> list[dict[str, Any]]:
    return [m for m in await client.messages() if m["from"] == "bot" and part in m["text"]]


async def _naming_the_person(client: SandboxClient) -> list[str]:
    return [
        m["text"]
        for m in await client.messages()
        if m["from"] == "bot" and any(word in m["text"] for word in PERSONAL)
    ]


async def _none_naming_the_person(client: SandboxClient) -> bool:
    return await _naming_the_person(client) == []


async def test_cancel_after_the_answer_was_sent_says_it_was_sent(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "When?")
    notice = await staff.next_bot_message()
    await staff.press(notice["message_id"], thread_buttons(notice, "r")[0])
    prompt = await staff.next_bot_message()
    assert data.HANDOFF_REPLY_CANCEL in button_data(prompt)
    assert (await staff.ask("In May."))["text"].startswith("Sent:")
    await until(lambda: _without_buttons(staff, prompt["message_id"]))
    # A press that was on its way before the button went (a forged one, as the emulator allows
    # only buttons still shown).
    world = sandbox.emulator.world
    chat = world.chat(STAFF_ID)
    query_id = world.add_callback(STAFF_ID, prompt["message_id"])
    world.push_update(
        "callback_query",
        {
            "id": query_id,
            "from": {"id": STAFF_ID, "is_bot": False, "first_name": "Bo"},
            "message": chat.message_json(chat.messages[prompt["message_id"]]),
            "chat_instance": "1",
            "data": data.HANDOFF_REPLY_CANCEL,
        },
    )
    answer = await staff.button_answer(query_id)
    assert answer["text"] == texts.REPLY_ALREADY_SENT_TEXT
    [shown] = [m for m in await staff.messages() if m["message_id"] == prompt["message_id"]]
    assert "cancelled" not in shown["text"]


async def _without_buttons(client: SandboxClient, message_id: int) -> bool:
    [message] = [m for m in await client.messages() if m["message_id"] == message_id]
    return not button_data(message)


async def test_another_command_drops_the_unwritten_request_so_the_faq_answers(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await user.ask("/human")
    assert (await user.ask("/register"))["text"] == texts.DROPPED_TEXT
    consent = await user.next_bot_message()
    await press(user, consent, Step.CONSENT, "agree")
    await user.ask("/cancel")
    answer = await user.ask("how long does the programme last")
    assert "month" in answer["text"].lower()
    assert await sandbox.application.bot_data.services.store.handoffs_of(PERSON) == []


async def test_reach_a_person_twice_sends_one_prompt(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    fallback = await user.ask("what is the best pizza topping in Naples?")
    await user.press(fallback["message_id"], data.HANDOFF_START)
    assert "Write your question" in (await user.next_bot_message())["text"]
    await user.press(fallback["message_id"], data.HANDOFF_START)
    again = await user.next_bot_message()
    assert again["text"] == texts.PROMPT_OPEN_TEXT
    assert button_data(again)[0].startswith(data.HANDOFF_ASK_CANCEL_PREFIX)
    assert "Sent to the programme team" in (await user.ask("My question"))["text"]
