"""End to end, the group path: threads go to STAFF_CHAT_ID and staff answer by Telegram reply."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from bot.sandbox.server import RunningSandbox
from bot.settings import Settings
from handlers.access import NOT_ALLOWED_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient, button_data

STAFF_CHAT = -4242
COLLEAGUE = 1500  # in the staff chat, but not staff
PERSON = 1001


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings with a staff group chat."""
    return settings.model_copy(update={"staff_chat_id": STAFF_CHAT})


class GroupMember:
    """One member writing and pressing buttons in the staff group."""

    def __init__(self, session: aiohttp.ClientSession, base: str, user_id: int) -> None:
        self.session, self.base, self.user_id = session, base.rstrip("/"), user_id
        self.url = f"{self.base}/api/groups/{STAFF_CHAT}"

    async def send(self, text: str, reply_to: int | None = None) -> int:
        """Write in the group, perhaps as a Telegram reply; the message id."""
        body: dict[str, Any] = {"user_id": self.user_id, "text": text}
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        async with self.session.post(f"{self.url}/messages", json=body) as response:
            assert response.status == 200, await response.text()
            return int((await response.json())["message_id"])

    async def press(self, message_id: int, data: str) -> dict[str, Any]:
        """Press a button of a bot message in the group; how the bot answered the press."""
        body = {"user_id": self.user_id, "message_id": message_id, "data": data}
        async with self.session.post(f"{self.url}/callbacks", json=body) as response:
            assert response.status == 200, await response.text()
            query_id = (await response.json())["callback_query_id"]
        return await SandboxClient(self.session, self.base, self.user_id).button_answer(query_id)


async def group_messages(session: aiohttp.ClientSession, base: str) -> list[dict[str, Any]]:
    """Every message in the staff group."""
    async with session.get(f"{base.rstrip('/')}/api/groups/{STAFF_CHAT}/messages") as response:
        assert response.status == 200, await response.text()
        return list((await response.json())["messages"])


async def next_in_group(
    session: aiohttp.ClientSession, base: str, after: int, part: str, timeout: float = 10
) -> dict[str, Any]:
    """The first bot message in the group after `after` whose text holds `part`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in await group_messages(session, base):
            if (
                message["message_id"] > after
                and message["from"] == "bot"
                and part in message["text"]
            ):
                return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"no bot message with {part!r} in the staff group")


@pytest.fixture
async def staff_group(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> int:
    """The staff group, with the bot, two staff and a colleague who is not staff."""
    body = {"title": "Programme team", "member_ids": [ADMIN_ID, STAFF_ID, COLLEAGUE]}
    async with http.post(f"{sandbox.url}api/groups", json={**body, "chat_id": STAFF_CHAT}) as r:
        assert r.status == 200, await r.text()
        return int((await r.json())["chat_id"])


def thread_button(message: dict[str, Any], action: str) -> str:
    """The first of the message's thread buttons for `action` (there may be several FAQ ones)."""
    found = [d for d in button_data(message) if d.startswith(f"ho:{action}:")]
    assert found, f"no ho:{action}: button in {button_data(message)}"
    return found[0]


async def test_staff_answer_by_telegram_reply_and_a_colleagues_reply_is_ignored(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession, staff_group: int
) -> None:
    base = sandbox.url
    staff, colleague = GroupMember(http, base, STAFF_ID), GroupMember(http, base, COLLEAGUE)
    await user.ask("/human")
    await user.ask("Can a <city> of 40 000 apply?")
    notice = await next_in_group(http, base, 0, "asks the programme team")
    assert "Can a <city> of 40 000 apply?" in notice["text"]

    ignored = await colleague.send("I think so!", reply_to=notice["message_id"])
    answered = await staff.send("Yes, it can.", reply_to=notice["message_id"])
    answer = await user.next_bot_message()
    assert "Yes, it can." in answer["text"] and "I think so" not in answer["text"]
    assert answered > ignored
    await next_in_group(http, base, answered, "Sent to Ana")
    store = sandbox.application.bot_data.services.store
    [thread] = await store.open_handoffs()
    assert [m.text for m in thread.messages] == ["Can a <city> of 40 000 apply?", "Yes, it can."]
    # Nothing the colleague wrote reached the person or got an answer in the group.
    replies = [m for m in await group_messages(http, base) if m["from"] == "bot"]
    assert not any("I think so" in m["text"] for m in replies)

    assert (await user.ask("Great, and when?"))["text"] == "Passed on to the programme team."
    relayed = await next_in_group(http, base, answered, "Great, and when?")
    await staff.send("In spring.", reply_to=relayed["message_id"])
    assert "In spring." in (await user.next_bot_message())["text"]


async def test_staff_answer_with_the_reply_button_in_the_group(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession, staff_group: int
) -> None:
    base = sandbox.url
    admin = GroupMember(http, base, ADMIN_ID)
    await user.ask("/human")
    await user.ask("A question")
    notice = await next_in_group(http, base, 0, "asks the programme team")
    await admin.press(notice["message_id"], thread_button(notice, "r"))
    prompt = await next_in_group(http, base, notice["message_id"], "your reply to this message")
    await admin.send("Answered via the prompt.", reply_to=prompt["message_id"])
    assert "Answered via the prompt." in (await user.next_bot_message())["text"]
    # With privacy mode off the next message is the answer too.
    await admin.press(notice["message_id"], thread_button(notice, "r"))
    await next_in_group(http, base, prompt["message_id"], "your reply to this message")
    await admin.send("A second answer, no reply.")
    assert "A second answer, no reply." in (await user.next_bot_message())["text"]


async def test_others_in_the_staff_chat_are_refused_and_chatter_is_ignored(
    sandbox: RunningSandbox, user: SandboxClient, http: aiohttp.ClientSession, staff_group: int
) -> None:
    base = sandbox.url
    colleague = GroupMember(http, base, COLLEAGUE)
    await user.ask("/human")
    await user.ask("A question")
    notice = await next_in_group(http, base, 0, "asks the programme team")
    for action in ("r", "c", "f", "m"):
        answer = await colleague.press(notice["message_id"], thread_button(notice, action))
        assert answer["text"] == NOT_ALLOWED_TEXT and answer["show_alert"], action
    said = await colleague.send("/handoffs")
    await next_in_group(http, base, said, NOT_ALLOWED_TEXT)
    chatter = await GroupMember(http, base, STAFF_ID).send("Lunch at noon?")
    await colleague.send("Sure")
    listed = await SandboxClient(http, base, STAFF_ID).ask("/handoffs")
    assert "1 open conversation" in listed["text"]  # the thread is still open, unanswered
    assert not [
        m
        for m in await group_messages(http, base)
        if m["message_id"] > chatter and m["from"] == "bot"
    ]
    store = sandbox.application.bot_data.services.store
    [thread] = await store.open_handoffs()
    assert [m.sender for m in thread.messages] == ["person"]
