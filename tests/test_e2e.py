"""End to end: the real Application over real HTTP against the sandbox's Telegram emulator."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from telegram import BotCommandScopeChat
from telegram.error import BadRequest

from bot.knowledge import LIVE_AGAIN_TEXT
from bot.sandbox.server import RunningSandbox
from bot.storage.store import Store
from faq.placeholders import render_answer
from faq.telegram_html import parse_telegram_html
from handlers import callback_data as data
from handlers.subscriptions import ALREADY_TEXT, UNSUBSCRIBED_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient, button_data


async def faq_answer(sandbox: RunningSandbox, entry_id: str) -> tuple[str, list[str]]:
    """The text a chat shows for an FAQ entry's answer now, and the buttons to its related ones."""
    services = sandbox.application.bot_data.services
    entry = services.knowledge.current.entry(entry_id)
    html = render_answer(entry, await services.call_state(), services.clock())
    return parse_telegram_html(html)[0], [data.faq_entry(related) for related in entry.related]


async def assert_faq_answer(sandbox: RunningSandbox, reply: dict[str, Any], entry_id: str) -> None:
    """The reply is exactly that entry's answer, with the buttons to its related entries."""
    text, related = await faq_answer(sandbox, entry_id)
    assert reply["text"] == text
    assert related and set(related) <= set(button_data(reply))


async def test_start_welcomes_and_offers_the_main_features(user: SandboxClient) -> None:
    reply = await user.ask("/start")
    assert "Welcome, Ana!" in reply["text"]
    assert {"menu:faq", "menu:subscribe", "faq:privacy", "ho:start"} <= set(button_data(reply))


async def test_user_name_is_escaped_in_the_welcome(user: SandboxClient) -> None:
    await user.send("/start", first_name="<b>Eve</b> & co")
    reply = await user.next_bot_message()
    assert reply["text"].startswith("Welcome, <b>Eve</b> & co!")  # literal, not parsed as markup


async def test_pressing_a_menu_button_answers(user: SandboxClient, sandbox: RunningSandbox) -> None:
    start = await user.ask("/start")
    await user.press(start["message_id"], "faq:privacy")
    await assert_faq_answer(sandbox, await user.next_bot_message(), "privacy")


async def test_help_lists_commands_for_the_users_role(
    user: SandboxClient, sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    applicant_help = (await user.ask("/help"))["text"]
    assert "/faq" in applicant_help and "/reloadfaq" not in applicant_help
    assert "/stats" not in applicant_help
    staff = SandboxClient(http, sandbox.url, STAFF_ID)
    staff_help = (await staff.ask("/help"))["text"]
    assert "/stats" in staff_help and "/reloadfaq" not in staff_help
    admin = SandboxClient(http, sandbox.url, ADMIN_ID)
    admin_help = (await admin.ask("/help"))["text"]
    assert "/stats" in admin_help and "/reloadfaq" in admin_help


async def test_unknown_command_gets_a_helpful_answer(user: SandboxClient) -> None:
    reply = await user.ask("/frobnicate now")
    assert "/frobnicate" in reply["text"] and "/help" in reply["text"]


async def test_a_typed_question_gets_its_faq_answer(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    reply = await user.ask("how long does the programme last")
    await assert_faq_answer(sandbox, reply, "duration")


async def test_an_unrelated_question_gets_an_honest_fallback(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    reply = await user.ask("what is the best pizza topping in naples")
    assert "don't know" in reply["text"]
    assert "ho:start" in button_data(reply)
    store = sandbox.application.bot_data.services.store

    async def logged_yet() -> bool:  # logged just after the reply is sent
        return bool(await store.unanswered_questions())

    assert await _wait_until(logged_yet)
    logged = await store.unanswered_questions()
    assert logged[0].question == "what is the best pizza topping in naples"
    assert "user" not in str(logged[0].to_document()).lower()  # no user id is kept


async def test_a_logged_question_keeps_no_email_or_phone(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    await user.ask("pizza for 120000 people? mail ana@porto.example.pt or call 0471/12.34.56")

    async def logged_yet() -> bool:
        return bool(await store.unanswered_questions())

    assert await _wait_until(logged_yet)
    logged = (await store.unanswered_questions())[0].question
    assert logged == "pizza for 120000 people? mail [email] or call [phone]"


@pytest.mark.parametrize(
    "personal",
    ["mail giovanni.bianchi@example.org thanks", "ring +32 2 123 45 67 thanks", "ring 0475123456"],
)
@pytest.mark.parametrize("at", [470, 490, 497])
async def test_personal_data_across_the_matchers_cut_is_still_masked(
    user: SandboxClient, sandbox: RunningSandbox, personal: str, at: int
) -> None:
    store = sandbox.application.bot_data.services.store
    question = ("pizza and pasta " * 40)[:at] + " " + personal
    await user.ask(question)

    async def logged_yet() -> bool:
        return bool(await store.unanswered_questions())

    assert await _wait_until(logged_yet)
    logged = (await store.unanswered_questions())[0].question
    assert logged.endswith(("[email] thanks", "[phone] thanks", "[phone]", "[number]"))
    assert "giovanni" not in logged and "0475" not in logged and "+32" not in logged


async def test_browse_topics_then_a_question(user: SandboxClient, sandbox: RunningSandbox) -> None:
    topics = await user.ask("/faq")
    assert topics["text"].startswith("Browse the questions by topic")
    tags = [d for d in button_data(topics) if d.startswith("faqtag:")]
    kb = sandbox.application.bot_data.services.knowledge.current
    assert tags == [data.faq_topic(tag) for tag in kb.tags() if tag != "Small talk"]
    entry_buttons = await _entries_listed_under(user, tags[0])
    topic = data.topic_of(tags[0])
    listed = [e.id for e in kb.entries_with_tag(topic) if e.about != "small-talk"]
    assert entry_buttons == [data.faq_entry(entry_id) for entry_id in listed]
    listing = (await user.messages())[-1]
    await user.press(listing["message_id"], entry_buttons[0])
    await assert_faq_answer(sandbox, await user.next_bot_message(), listed[0])


CHIT_CHAT = {"faq:greeting", "faq:thanks", "faq:goodbye"}


async def _entries_listed_under(client: SandboxClient, tag: str) -> list[str]:
    """The entry buttons a fresh /faq shows once the topic button `tag` is pressed."""
    listing = await client.ask("/faq")
    await client.press(listing["message_id"], tag)
    heading = f"{tag.removeprefix('faqtag:')}: choose"
    assert await _wait_until(lambda: _current_text_has(client, listing["message_id"], heading))
    edited = [m for m in await client.messages() if m["message_id"] == listing["message_id"]]
    return [d for d in button_data(edited[0]) if d.startswith("faq:")]


async def test_browsing_hides_chit_chat_which_stays_answerable(user: SandboxClient) -> None:
    topics = await user.ask("/faq")
    tags = [d for d in button_data(topics) if d.startswith("faqtag:")]
    assert "faqtag:Small talk" not in tags and "faqtag:This Bot" in tags
    browsed = {entry for tag in tags for entry in await _entries_listed_under(user, tag)}
    assert "faq:who-are-you" in browsed and not browsed & CHIT_CHAT
    assert "Hello! I answer questions" in (await user.ask("hello"))["text"]


async def test_subscribe_and_unsubscribe(user: SandboxClient, sandbox: RunningSandbox) -> None:
    store = sandbox.application.bot_data.services.store
    assert (await user.ask("/subscribe"))["text"].startswith("🔔 You are subscribed.")
    assert await store.is_subscriber(user.user_id)
    assert (await user.ask("/subscribe"))["text"] == ALREADY_TEXT
    assert (await user.ask("/unsubscribe"))["text"] == UNSUBSCRIBED_TEXT
    assert not await store.is_subscriber(user.user_id)


async def test_blocking_the_bot_marks_the_chat_and_keeps_data(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    await user.ask("/subscribe")
    await user.set_blocked(True)
    assert await _wait_until(lambda: store.is_chat_blocked(user.user_id))
    assert await store.is_subscriber(user.user_id)  # consent kept, just not sent to
    assert user.user_id not in await store.active_subscribers()
    await user.set_blocked(False)

    async def unblocked() -> bool:
        return not await store.is_chat_blocked(user.user_id)

    assert await _wait_until(unblocked)
    assert user.user_id in await store.active_subscribers()


async def test_staff_commands_refuse_other_users(user: SandboxClient) -> None:
    for command, only in [
        ("/reloadfaq", "the bot's admins only"),
        ("/unanswered", "the bot's admins only"),
        ("/stats", "programme team only"),
    ]:
        reply = await user.ask(command)
        assert only in reply["text"], command


NEW_ENTRY = """\
entries:
  - id: sandbox-unicorn
    question: What colour is the sandbox unicorn?
    alternatives:
      - sandbox unicorn colour
      - colour of the unicorn in the sandbox
      - which colour has the sandbox unicorn
      - unicorn colour sandbox
      - tell me the sandbox unicorn colour
    answer: The sandbox unicorn is <b>{colour}</b>.
    sources: []
    about: bot
    tags: [Testing]
"""


async def _answer_when_live(client: SandboxClient, question: str, needle: str) -> float:
    """Ask until the answer contains needle; returns the seconds it took (fails after 8 s)."""
    started = time.monotonic()
    while time.monotonic() - started < 8:
        if needle in (await client.ask(question))["text"]:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise AssertionError(f"{needle!r} never appeared in the answer")


async def test_an_edited_faq_goes_live_and_a_broken_one_is_refused(
    admin: SandboxClient, user: SandboxClient, faq_copy: Path
) -> None:
    await admin.ask("/start")  # Telegram lets the bot notify only people who started it
    question = "what colour is the sandbox unicorn"
    added = faq_copy / "testing.yaml"
    added.write_text(NEW_ENTRY.replace("{colour}", "violet"), encoding="utf-8")
    assert await _answer_when_live(user, question, "violet") < 5

    added.write_text(NEW_ENTRY.replace("{colour}", "green"), encoding="utf-8")
    assert await _answer_when_live(user, question, "green") < 5

    # A typo in a key: the last good FAQ stays live and the admin hears of file and line.
    added.write_text(
        NEW_ENTRY.replace("{colour}", "red").replace("alternatives:", "alternativs:"),
        encoding="utf-8",
    )
    report = await admin.next_bot_message(timeout=8)
    assert "testing.yaml:" in report["text"] and "alternativs" in report["text"]
    assert "green" in (await user.ask(question))["text"]


async def test_reloadfaq_reports_to_admins(admin: SandboxClient, sandbox: RunningSandbox) -> None:
    reply = await admin.ask("/reloadfaq")
    count = len(sandbox.application.bot_data.services.knowledge.current.entries)
    assert reply["text"] == f"✅ FAQ reloaded: {count} entries are live."


async def test_admins_hear_once_that_a_fixed_faq_is_live_again(
    admin: SandboxClient, user: SandboxClient, sandbox: RunningSandbox, faq_copy: Path
) -> None:
    await admin.ask("/start")  # Telegram lets the bot notify only people who started it
    knowledge = sandbox.application.bot_data.services.knowledge
    question = "what colour is the sandbox unicorn"
    added = faq_copy / "testing.yaml"
    added.write_text(
        NEW_ENTRY.replace("{colour}", "red").replace("alternatives:", "alternativs:"),
        encoding="utf-8",
    )
    report = await admin.next_bot_message(timeout=8)
    assert "The FAQ change was not applied" in report["text"]

    added.write_text(NEW_ENTRY.replace("{colour}", "blue"), encoding="utf-8")
    live = await admin.next_bot_message(timeout=8)
    assert live["text"] == LIVE_AGAIN_TEXT.format(count=len(knowledge.current.entries))
    assert "blue" in (await user.ask(question))["text"]

    added.write_text(NEW_ENTRY.replace("{colour}", "pink"), encoding="utf-8")
    await _answer_when_live(user, question, "pink")
    news = [m for m in await admin.messages(after=live["message_id"], wait=1) if m["from"] == "bot"]
    assert news == []  # a good edit after a good one is no news


async def test_subscription_survives_a_restart(settings, http) -> None:
    from bot.sandbox.emulator import EmulatorConfig
    from bot.sandbox.server import running_sandbox

    config = EmulatorConfig(rate_limit=False)
    async with running_sandbox(settings, emulator_config=config) as first:
        client = SandboxClient(http, first.url, 1002)
        assert (await client.ask("/subscribe"))["text"].startswith("🔔 You are subscribed.")
    store = Store(settings.data_dir)
    try:
        assert await store.is_subscriber(1002)
    finally:
        await store.close()


async def _wait_until(condition: Callable[[], Awaitable[bool]], timeout: float = 5) -> bool:
    """Poll an async condition until it holds or the time is up; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return bool(await condition())


async def test_mydata_with_nothing_kept_says_so(user: SandboxClient) -> None:
    reply = await user.ask("/mydata")
    assert "no personal data" in reply["text"]
    assert "document" not in reply


async def test_mydata_sends_a_summary_then_a_json_file_of_everything_kept(
    user: SandboxClient, http: aiohttp.ClientSession
) -> None:
    await user.ask("/subscribe")
    summary = await user.ask("/mydata")
    assert "You subscribed to news on " in summary["text"]
    assert "(Brussels time)" in summary["text"] and "not pre-registered" in summary["text"]
    reply = await user.next_bot_message()
    document = reply["document"]
    assert document["file_name"] == "my-data.json"
    async with http.get(urljoin(user.base + "/", document["url"])) as response:
        assert response.status == 200
        exported = json.loads(await response.read())
    assert exported["user_id"] == user.user_id
    assert exported["subscription"]
    assert exported["registration"] is None


async def test_deletedata_erases_only_after_confirmation(
    user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    await user.ask("/subscribe")

    question = await user.ask("/deletedata")
    assert button_data(question) == ["privacy:erase", "privacy:keep"]
    await user.press(question["message_id"], "privacy:keep")
    assert await _wait_until(lambda: _current_text_has(user, question["message_id"], "Nothing"))
    assert await store.is_subscriber(user.user_id)

    question = await user.ask("/deletedata")
    await user.press(question["message_id"], "privacy:erase")
    assert await _wait_until(lambda: _current_text_has(user, question["message_id"], "erased"))
    assert not await store.is_subscriber(user.user_id)
    assert "no personal data" in (await user.ask("/mydata"))["text"]


async def _current_text_has(client: SandboxClient, message_id: int, needle: str) -> bool:
    """Whether a (possibly edited) message currently shows the needle."""
    for message in await client.messages(after=message_id - 1):
        if message["message_id"] == message_id:
            return needle in message["text"]
    return False


async def test_staff_get_their_command_menu_once_they_start_the_bot(
    admin: SandboxClient, sandbox: RunningSandbox
) -> None:
    bot = sandbox.application.bot
    with pytest.raises(BadRequest):  # Telegram knows no chat with someone who never wrote
        await bot.get_my_commands(scope=BotCommandScopeChat(ADMIN_ID))
    await admin.ask("/start")
    menu: tuple[Any, ...] = ()

    async def menu_set() -> bool:
        nonlocal menu
        try:
            menu = await bot.get_my_commands(scope=BotCommandScopeChat(ADMIN_ID))
        except BadRequest:
            menu = ()
        return bool(menu)

    assert await _wait_until(menu_set)
    names = [command.command for command in menu]
    assert "reloadfaq" in names and "stats" in names and "start" in names
    default_menu = [command.command for command in await bot.get_my_commands()]
    assert "reloadfaq" not in default_menu and "start" in default_menu


async def _further_bot_messages(client: SandboxClient, after: int) -> list[dict[str, Any]]:
    """Bot messages after `after`, waiting briefly for more until none come."""
    found: list[dict[str, Any]] = []
    while True:
        fresh = [m for m in await client.messages(after=after, wait=1) if m["from"] == "bot"]
        if not fresh:
            return found
        found.extend(fresh)
        after = fresh[-1]["message_id"]


async def test_unanswered_groups_similar_questions_and_shows_them_escaped(
    admin: SandboxClient, user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    filler = " pizza & <pasta> in naples" * 20
    for number in range(8):
        await user.ask(f"question {number}:{filler}"[:500])

    async def all_logged() -> bool:
        return len(await store.unanswered_questions()) == 8

    assert await _wait_until(all_logged)
    first = await admin.ask("/unanswered")
    replies = [first, *await _further_bot_messages(admin, first["message_id"])]
    shown = "\n".join(reply["text"] for reply in replies)
    assert "something went wrong" not in shown
    assert "1 group." in first["text"] and "Asked 8 times" in shown  # one cluster of eight
    assert "& <pasta>" in shown  # escaped for HTML, shown literally


async def test_an_unknown_command_of_thousands_of_characters_is_quoted_short(
    user: SandboxClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        # Telegram's longest command (64 characters) and thousands more after it; a command
        # runs into no letter, "<" or ">", so "/x&<b>" is the command /x with "&<b>" after.
        reply = await user.ask("/" + "a" * 64 + " " + "é" * 4000)
    assert f"I don't know the command /{'a' * 31}…" in reply["text"] and "/help" in reply["text"]
    assert len(reply["text"]) < 200
    assert not [r for r in caplog.records if r.exc_info]
    assert "/x&<b>" in (await user.ask("/x&<b> more"))["text"]  # escaped, shown literally


async def test_a_question_log_that_cannot_be_written_leaves_the_user_with_the_answer(
    user: SandboxClient,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = sandbox.application.bot_data.services.store

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "log_unanswered_question", disk_full)
    with caplog.at_level(logging.WARNING):
        reply = await user.ask("what is the best pizza topping in naples")
        assert "don't know" in reply["text"]
        assert await _further_bot_messages(user, reply["message_id"]) == []

        async def warned() -> bool:
            return any(
                r.levelno >= logging.WARNING and "No space left on device" in r.getMessage()
                for r in caplog.records
            )

        assert await _wait_until(warned)


async def test_the_dates_answer_offers_news_only_to_people_not_yet_subscribed(
    user: SandboxClient,
) -> None:
    before = await user.ask("When is the deadline?")
    assert "to be announced" in before["text"]
    assert "menu:subscribe" in button_data(before)
    await user.press(before["message_id"], "menu:subscribe")
    assert "You are subscribed" in (await user.next_bot_message())["text"]
    after = await user.ask("When is the deadline?")
    assert "menu:subscribe" not in button_data(after)


async def test_mydata_after_start_and_subscribe_says_nothing_about_blocking(
    user: SandboxClient,
) -> None:
    await user.ask("/start")
    await user.ask("/subscribe")
    summary = await user.ask("/mydata")
    assert "blocked" not in summary["text"] and "unblocked" not in summary["text"]
