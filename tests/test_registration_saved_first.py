"""The conversation's step lags the Store (Confirm saved, the step still "review"): whatever the
person does next is told their registration is saved, never that nothing was saved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from telegram.error import NetworkError

from bot.registration.steps import Step, registration_of
from bot.sandbox.server import RunningSandbox
from bot.settings import Settings
from bot.storage.registrations import RegistrationDraft
from bot.storage.store import Store
from handlers.registration import confirm_missed_at_start
from tests.registration_steps import data, press, stored_draft, walk_to
from tests.sandbox_client import SandboxClient

NOTHING_SAVED = "nothing was saved"
THANKS = "Thank you"
UNCHANGED = "saved pre-registration is unchanged"


async def _saved_behind_the_conversation(running: RunningSandbox, user: SandboxClient) -> int:
    """Walk to the review, then save Confirm the way a crash leaves it; the review's id."""
    review = await walk_to(user, Step.REVIEW)
    store = running.application.bot_data.services.store
    draft = await stored_draft(running, user.user_id)
    await store.save_registration(registration_of(draft, None, draft.last_activity))
    await store.delete_draft(user.user_id)
    return int(review["message_id"])


async def _bot_texts(user: SandboxClient, after: int) -> list[str]:
    await asyncio.sleep(0.5)  # for a message that should not come
    return [m["text"] for m in await user.messages(after=after) if m["from"] == "bot"]


@pytest.mark.parametrize("action", ["press Confirm again", "/cancel", "/eligibility", "text"])
async def test_a_step_behind_a_saved_confirm_says_it_is_saved(
    sandbox: RunningSandbox, user: SandboxClient, action: str
) -> None:
    await user.ask("/start")
    review = await _saved_behind_the_conversation(sandbox, user)
    if action == "press Confirm again":
        alert = await user.alert(review, data(Step.REVIEW, "confirm"))
        assert "already saved" in alert
    else:
        await user.send("Hello there" if action == "text" else action)
    texts = await _bot_texts(user, review)
    for _ in range(10):
        # The bot paces a chat to about a message a second: /cancel's second reply comes later.
        if any(NOTHING_SAVED in text for text in texts) or (
            any(THANKS in text for text in texts)
            and (action != "/cancel" or any(UNCHANGED in text for text in texts))
        ):
            break
        texts = await _bot_texts(user, review)
    assert not [text for text in texts if NOTHING_SAVED in text], texts
    assert len([text for text in texts if THANKS in text]) == 1, texts
    if action == "/cancel":
        assert any(UNCHANGED in text for text in texts), texts


async def test_confirm_saved_with_its_draft_left_is_still_thanked_as_new(
    sandbox: RunningSandbox, user: SandboxClient
) -> None:
    await user.ask("/start")
    review = await walk_to(user, Step.REVIEW)
    store = sandbox.application.bot_data.services.store
    draft = await stored_draft(sandbox, user.user_id)
    # Saved, and the crash came before the draft was dropped (and before the subscription).
    await store.save_registration(registration_of(draft, None, draft.last_activity))
    thanks = await press(user, review, Step.REVIEW, "confirm")
    assert THANKS in thanks["text"] and "pre-registered" in thanks["text"]
    assert await store.is_subscriber(user.user_id)
    assert await store.get_draft(user.user_id) is None
    saved = await store.get_registration(user.user_id)
    assert saved is not None and saved.confirmation_pending is None


class FakeBot:
    """Records what it sends; or fails every send, as an unreachable Bot API does."""

    def __init__(self, *, reachable: bool) -> None:
        self.reachable = reachable
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> None:
        if not self.reachable:
            raise NetworkError("the Bot API cannot be reached")
        self.sent.append((chat_id, text))


@pytest.mark.parametrize("reachable", [True, False])
async def test_start_up_sends_the_thank_you_a_crash_kept_back(
    settings: Settings, reachable: bool
) -> None:
    store = Store(settings.data_dir)
    now = datetime.now(UTC)
    draft = RegistrationDraft(
        user_id=1001, step="review", started_at=now, last_activity=now, city="Gent", country="BE"
    )
    await store.save_draft(draft)
    await store.save_registration(registration_of(draft, None, now))
    bot = FakeBot(reachable=reachable)
    services = SimpleNamespace(store=store, settings=settings)
    application = SimpleNamespace(bot=bot, bot_data=SimpleNamespace(services=services))
    await confirm_missed_at_start(application)  # type: ignore[arg-type]
    saved = await store.get_registration(1001)
    assert saved is not None
    if reachable:
        assert [(chat, THANKS in text) for chat, text in bot.sent] == [(1001, True)]
        assert saved.confirmation_pending is None and await store.is_subscriber(1001)
        assert await store.get_draft(1001) is None
    else:  # the start goes on; they are thanked at their next visit
        assert saved.confirmation_pending == "new"
    await store.close()
