"""/mydata's readable summary: plain words, local time, user values escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.storage.handoffs import HandoffMessage, HandoffThread
from bot.storage.registrations import Registration
from bot.storage.store import UserData
from bot.storage.subscribers import ChatStatus, Subscription
from handlers.privacy import SHOWN_HANDOFF_CHARS, describe_user_data, readable_moment

BRUSSELS = ZoneInfo("Europe/Brussels")
WINTER = datetime(2025, 3, 3, 13, 5, tzinfo=UTC)  # 14:05 in Brussels
SUMMER = datetime(2025, 7, 1, 6, 30, tzinfo=UTC)  # 08:30 in Brussels
USER = 1001


def _data(
    registration: Registration | None = None,
    subscription: Subscription | None = None,
    chat: ChatStatus | None = None,
) -> UserData:
    return UserData(USER, registration=registration, subscription=subscription, chat=chat)


GHENT = Registration(
    user_id=USER,
    city="Gent <&> Co",
    country="BE",
    contact_name="Ana <b>Silva</b>",
    contact_role="climate officer",
    email="ana@gent.example.be",
    registered_at=WINTER,
)

SUMMARIES = [
    pytest.param(
        _data(subscription=Subscription(chat_id=USER, consented_at=WINTER)),
        [
            "You have not pre-registered a city.",
            "You subscribed to news on 3 March 2025 at 14:05 (Brussels time).",
        ],
        id="subscribed-only",
    ),
    pytest.param(
        _data(registration=GHENT),
        [
            "You pre-registered <b>Gent &lt;&amp;&gt; Co</b> (Belgium) on 3 March 2025 at 14:05 "
            "(Brussels time).",
            "Contact: Ana &lt;b&gt;Silva&lt;/b&gt;, climate officer, ana@gent.example.be.",
            "You are not subscribed to news.",
        ],
        id="registered-values-escaped",
    ),
    pytest.param(
        _data(chat=ChatStatus(chat_id=USER, blocked=True, changed_at=SUMMER)),
        ["You have blocked me since 1 July 2025 at 08:30 (Brussels time), so I send you nothing."],
        id="blocked-summer-time",
    ),
    pytest.param(
        _data(chat=ChatStatus(chat_id=USER, blocked=False, changed_at=SUMMER)),
        ["You unblocked me on 1 July 2025 at 08:30 (Brussels time)."],
        id="unblocked",
    ),
]


@pytest.mark.parametrize(("data", "sentences"), SUMMARIES)
def test_describe_user_data(data: UserData, sentences: list[str]) -> None:
    summary = describe_user_data(data, BRUSSELS)
    for sentence in sentences:
        assert sentence in summary
    assert "<script" not in summary and "Silva</b>" not in summary


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Brussels", "3 March 2025 at 14:05 (Brussels time)"),
        ("America/New_York", "3 March 2025 at 08:05 (New York time)"),
        ("UTC", "3 March 2025 at 13:05 (UTC)"),
        ("Asia/Tokyo", "3 March 2025 at 22:05 (Tokyo time)"),
    ],
)
def test_readable_moment_is_in_the_configured_zone(zone: str, expected: str) -> None:
    assert readable_moment(WINTER, ZoneInfo(zone)) == expected


def test_a_thread_shows_the_question_the_bot_could_not_answer_escaped_and_cut() -> None:
    asked = "Can <b>Gent</b> & Porto apply together? " + "x" * 200
    thread = HandoffThread(
        id=1,
        chat_id=USER,
        unanswered_question=asked,
        opened_at=WINTER,
        status="open",
        messages=(HandoffMessage(sender="person", text="Please tell me", sent_at=WINTER),),
    )
    summary = describe_user_data(UserData(USER, None, None, None, handoffs=(thread,)), BRUSSELS)
    shown = "Can &lt;b&gt;Gent&lt;/b&gt; &amp; Porto apply together? " + "x" * (
        SHOWN_HANDOFF_CHARS - 1 - len("Can <b>Gent</b> & Porto apply together? ")
    )
    assert f"• The question I could not answer, passed on with it: <i>{shown}…</i>" in summary, (
        summary
    )
    assert "Please tell me" in summary and "Gent</b>" not in summary
