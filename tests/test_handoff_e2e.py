"""End to end: a person reaches a person through the sandbox, staff answer, across restarts."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.app import BotApplication, build_application
from bot.desk.handoff import FINISH_REGISTRATION_TEXT
from bot.lifecycle import running_with_polling
from bot.registration.steps import Step
from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import SANDBOX_TOKEN, STATIC_DIR, RunningSandbox, serving_emulator
from bot.settings import Settings
from bot.storage.registrations import Registration
from handlers import callback_data as data
from handlers.access import NOT_ALLOWED_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.registration_steps import walk_to
from tests.sandbox_client import SandboxClient, button_data

PERSON = 1001


def thread_buttons(message: dict[str, Any], action: str) -> list[str]:
    """The message's handoff buttons of one action ("r", "c", "f", "m")."""
    return [d for d in button_data(message) if d.startswith(f"ho:{action}:")]


async def until(check: Callable[[], Any], timeout: float = 10) -> None:
    """Wait until `check()` (sync or async) is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def started(*clients: SandboxClient) -> None:
    """Staff start the bot first: Telegram lets a bot write only to people who did."""
    for client in clients:
        await client.ask("/start")


async def reach_a_person(person: SandboxClient, question: str) -> dict[str, Any]:
    """Ask for a person and write the question; the bot's acknowledgement."""
    prompt = await person.ask("/human")
    assert "Write your question for the programme team" in prompt["text"]
    [cancel] = button_data(prompt)
    assert cancel.startswith(data.HANDOFF_ASK_CANCEL_PREFIX)
    return await person.ask(question)


async def test_a_person_reaches_staff_who_answer_with_the_reply_button(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    await store.save_registration(Registration(user_id=PERSON, city="Porto <Norte>", country="PT"))
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    admin = SandboxClient(http, sandbox.url, ADMIN_ID)
    await started(staff, admin)

    fallback = await user.ask("what is the best <pizza> topping in Naples?")
    await until(lambda: store.unanswered_hint(PERSON))
    await user.press(fallback["message_id"], data.HANDOFF_START)
    prompt = await user.next_bot_message()
    assert "working days" in prompt["text"] and "/deletedata" in prompt["text"]
    sent = await user.ask("Can <b>two</b> towns apply together?")
    assert "Sent to the programme team" in sent["text"]

    notice = await staff.next_bot_message()
    asked = "best <pizza> topping in Naples?"
    for expected in ("Ana", "Porto <Norte>", "Portugal", asked, "<b>two</b>"):
        assert expected in notice["text"]
    assert "Ana" in (await admin.next_bot_message())["text"]  # every staff member and admin

    [reply] = thread_buttons(notice, "r")
    await staff.press(notice["message_id"], reply)
    assert "your next message here goes to" in (await staff.next_bot_message())["text"]
    confirmation = await staff.ask("Yes: one of you applies, naming the other.")
    assert confirmation["text"] == "Sent: your answer is in conversation #1."
    answer = await user.next_bot_message()
    assert answer["text"].startswith("Reply from the programme team:")
    assert "Yes: one of you applies, naming the other." in answer["text"]
    assert "answered" in (await admin.next_bot_message())["text"]

    follow_up = await user.ask("Thanks! And the deadline?")  # not the FAQ: the same thread
    assert follow_up["text"] == "Passed on to the programme team."
    relayed = await staff.next_bot_message()
    assert "Thanks! And the deadline?" in relayed["text"] and thread_buttons(relayed, "r")
    [thread] = await store.open_handoffs()
    assert [m.sender for m in thread.messages] == ["person", "staff", "person"]
    assert thread.messages[1].staff_id == STAFF_ID
    [action] = await store.staff_actions()
    assert (action.action, action.actor_id) == ("handoff.answered", STAFF_ID)
    assert "Ana" not in action.detail  # the audit log outlives /deletedata


async def test_staff_close_and_the_persons_next_message_goes_to_the_faq(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "Is there a grant?")
    notice = await staff.next_bot_message()
    [close] = thread_buttons(notice, "c")
    await staff.press(notice["message_id"], close)
    assert "closed this conversation" in (await user.next_bot_message())["text"]
    answer = await user.ask("how long does the programme last")
    assert "month" in answer["text"].lower()
    alert = await staff.alert(notice["message_id"], close)
    assert "closed" in alert


async def test_answered_by_the_faq_sends_the_entry_and_closes(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "How long does the programme last, roughly?")
    notice = await staff.next_bot_message()
    faq_buttons = thread_buttons(notice, "f")
    assert faq_buttons, button_data(notice)
    await staff.press(notice["message_id"], faq_buttons[0])
    answer = await user.next_bot_message()
    assert answer["text"].startswith("The programme team points you to this answer:")
    assert "/human" in answer["text"]
    store = sandbox.application.bot_data.services.store
    await until(lambda: _none_open(store))
    assert await store.handoff_counts() == (1, 0)


async def test_staff_choose_another_faq_entry_by_topic(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "Something unusual")
    notice = await staff.next_bot_message()
    [more] = thread_buttons(notice, "m")
    await staff.press(notice["message_id"], more)
    topics = await staff.next_bot_message()
    await staff.press(topics["message_id"], thread_buttons(topics, "t")[0])
    await until(lambda: _edited(staff, topics["message_id"]))
    entries = next(m for m in await staff.messages() if m["message_id"] == topics["message_id"])
    await staff.press(entries["message_id"], thread_buttons(entries, "f")[0])
    assert "points you to this answer" in (await user.next_bot_message())["text"]


async def _none_open(store: Any) -> bool:
    return await store.open_handoffs() == []


async def _edited(client: SandboxClient, message_id: int) -> bool:
    [message] = [m for m in await client.messages() if m["message_id"] == message_id]
    return bool(thread_buttons(message, "f"))


async def test_the_person_cancels_before_writing_and_closes_after(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    prompt = await user.ask("/human")
    await user.press(prompt["message_id"], button_data(prompt)[0])
    await until(lambda: _text_of(user, prompt["message_id"], "Cancelled"))
    store = sandbox.application.bot_data.services.store
    assert await store.handoffs_of(PERSON) == []
    assert "month" in (await user.ask("how long does the programme last"))["text"].lower()

    sent = await reach_a_person(user, "A question for a person")
    await staff.next_bot_message()
    await user.press(sent["message_id"], data.HANDOFF_CANCEL)
    assert "You closed your conversation" in (await user.next_bot_message())["text"]
    assert "The person closed conversation #" in (await staff.next_bot_message())["text"]
    await reach_a_person(user, "Another one")
    assert "You closed" in (await user.ask("/cancel"))["text"]


async def _text_of(client: SandboxClient, message_id: int, part: str) -> bool:
    [message] = [m for m in await client.messages() if m["message_id"] == message_id]
    return part in message["text"]


async def test_handoffs_lists_open_threads_oldest_first_with_the_wait(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    first = SandboxClient(http, sandbox.url, 1001)
    second = SandboxClient(http, sandbox.url, 1002)
    await started(staff)
    await reach_a_person(first, "First question")
    await second.send("/human", first_name="Bo")
    await second.next_bot_message()
    await second.send("Second question", first_name="Bo")
    await second.next_bot_message()
    await until(lambda: _count_bot(staff, 2))
    staff.seen = max(m["message_id"] for m in await staff.messages())

    header = await staff.ask("/handoffs")
    assert "2 open conversations" in header["text"]
    listed = [await staff.next_bot_message(), await staff.next_bot_message()]
    assert "Ana" in listed[0]["text"] and "First question" in listed[0]["text"]
    assert "Bo" in listed[1]["text"] and re.search(
        r"waiting (less than a minute|\d)", listed[1]["text"]
    )
    # A Telegram reply to a listed thread maps back too (its buttons work as well).
    await staff.press(listed[1]["message_id"], thread_buttons(listed[1], "r")[0])
    await staff.next_bot_message()
    await staff.ask("Answer for Bo")
    assert "Answer for Bo" in (await second.next_bot_message())["text"]


async def _count_bot(client: SandboxClient, count: int) -> bool:
    return sum(m["from"] == "bot" for m in await client.messages()) >= count


async def test_staff_commands_and_buttons_are_refused_to_others(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    assert (await user.ask("/handoffs"))["text"] == NOT_ALLOWED_TEXT
    welcome = await user.ask("/start")
    world = sandbox.emulator.world
    for pressed in ("ho:r:1", "ho:c:1", "ho:f:1:contact", "ho:m:1", "ho:t:1:0", "ho:rx"):
        # A forged press of a staff button on a message in the person's own chat.
        query_id = world.add_callback(PERSON, welcome["message_id"])
        world.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": {"id": PERSON, "is_bot": False, "first_name": "Ana"},
                "message": world.chat(PERSON).message_json(
                    world.chat(PERSON).messages[welcome["message_id"]]
                ),
                "chat_instance": "1",
                "data": pressed,
            },
        )
        answer = await user.button_answer(query_id)
        assert answer["text"] == NOT_ALLOWED_TEXT and answer["show_alert"], pressed


async def test_threads_are_in_mydata_and_gone_after_deletedata(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "My private <question>")
    notice = await staff.next_bot_message()
    shown = await user.ask("/mydata")
    assert "conversation with the programme team" in shown["text"]
    assert "My private <question>" in shown["text"]
    file_message = await user.next_bot_message()
    assert file_message.get("document") or file_message.get("text") is not None

    confirm = await user.ask("/deletedata")
    assert "conversations with the programme team" in confirm["text"]
    await user.press(confirm["message_id"], data.ERASE_DATA)
    await until(lambda: _text_of(user, confirm["message_id"], "conversation with the programme"))
    store = sandbox.application.bot_data.services.store
    assert await store.handoffs_of(PERSON) == []
    await until(lambda: _text_of(staff, notice["message_id"], "Erased"))
    assert "keep no personal data" in (await user.ask("/mydata"))["text"]
    # The person's next message is theirs again: the FAQ answers it.
    assert "month" in (await user.ask("how long does the programme last"))["text"].lower()


async def test_a_question_the_faq_could_not_answer_is_kept_for_the_handoff(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    store = sandbox.application.bot_data.services.store
    fallback = await user.ask("Where can I buy a <pizza> oven in Naples?")
    assert "don't know" in fallback["text"]

    async def kept_question() -> str | None:
        hint = await store.unanswered_hint(PERSON)
        return None if hint is None else hint.question

    # Kept just after the reply is sent: the person does not wait for the write.
    await until(lambda: kept_question())
    assert await kept_question() == "Where can I buy a <pizza> oven in Naples?"
    await user.ask("how long does the programme last")  # answered: the kept question stays
    assert await kept_question() == "Where can I buy a <pizza> oven in Naples?"


async def test_the_contact_answer_offers_a_person_and_its_press_starts_the_handoff(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    kb = sandbox.application.bot_data.services.knowledge.current
    assert kb.entry("contact").offer == "human"  # from "offer: human" in about-bot.yaml
    answer = await user.ask("how can I contact a person")
    assert answer["text"].startswith("Send /human")
    assert button_data(answer)[0] == data.HANDOFF_START
    assert answer["buttons"][0][0]["text"] == "🙋 Reach a person"
    await user.press(answer["message_id"], data.HANDOFF_START)
    prompt = await user.next_bot_message()
    assert "Write your question for the programme team" in prompt["text"]
    store = sandbox.application.bot_data.services.store
    assert await store.active_handoff(PERSON) is not None
    # An entry without the key has no such button.
    assert data.HANDOFF_START not in button_data(await user.ask("how long does the programme last"))


@asynccontextmanager
async def bot_against(settings: Settings, base: str) -> AsyncIterator[BotApplication]:
    """The real bot polling the emulator at `base`, on the settings' data folder."""
    application = build_application(
        settings, token=SANDBOX_TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot"
    )
    async with running_with_polling(application):
        yield application


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[TelegramEmulator, str]]:
    """An emulator that outlives the bots started against it."""
    config = EmulatorConfig(static_dir=STATIC_DIR, rate_limit=False)
    async with serving_emulator(config) as served:
        yield served


async def test_a_thread_carries_on_across_restarts_of_the_bot(
    settings: Settings, emulator: tuple[TelegramEmulator, str], http: aiohttp.ClientSession
) -> None:
    _, base = emulator
    person = SandboxClient(http, base, PERSON)
    staff = SandboxClient(http, base, STAFF_ID)
    async with bot_against(settings, base):
        await started(staff)
        await reach_a_person(person, "Before the restart")
        notice = await staff.next_bot_message()
        await staff.press(notice["message_id"], thread_buttons(notice, "r")[0])
        await staff.next_bot_message()

    async with bot_against(settings, base):  # the pending Reply survived
        await staff.ask("Answer after a restart")
        assert "Answer after a restart" in (await person.next_bot_message())["text"]
        assert (await person.ask("And back to you"))["text"] == "Passed on to the programme team."
        relayed = await staff.next_bot_message()
        assert "And back to you" in relayed["text"]

    async with bot_against(settings, base) as application:
        await staff.press(relayed["message_id"], thread_buttons(relayed, "c")[0])
        assert "closed this conversation" in (await person.next_bot_message())["text"]
        [thread] = await application.bot_data.services.store.handoffs_of(PERSON)
        assert [m.text for m in thread.messages] == [
            "Before the restart",
            "Answer after a restart",
            "And back to you",
        ]
        assert thread.opened_at <= datetime.now(UTC)


async def test_asking_for_a_person_mid_registration_says_to_finish_first(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await walk_to(user, Step.CITY)
    assert (await user.ask("/human"))["text"] == FINISH_REGISTRATION_TEXT
    assert await sandbox.application.bot_data.services.store.handoffs_of(PERSON) == []


async def test_staff_answer_by_telegram_reply_in_private(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    await started(staff)
    await reach_a_person(user, "Who decides?")
    notice = await staff.next_bot_message()
    body = {"text": "The programme team.", "reply_to_message_id": notice["message_id"]}
    async with http.post(f"{sandbox.url}api/users/{STAFF_ID}/messages", json=body) as response:
        assert response.status == 200, await response.text()
        staff.seen = (await response.json())["message_id"]
    assert "The programme team." in (await user.next_bot_message())["text"]
    assert "Sent: your answer is in conversation #" in (await staff.next_bot_message())["text"]
    # A staff member's own question (no reply, no Reply pressed) still goes to the FAQ.
    assert "month" in (await staff.ask("how long does the programme last"))["text"].lower()


async def test_a_question_never_written_for_a_day_lets_the_faq_answer_again(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await user.ask("/human")
    services = sandbox.application.bot_data.services
    services.clock = lambda: datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert "month" in (await user.ask("how long does the programme last"))["text"].lower()
    assert await services.store.handoffs_of(PERSON) == []
