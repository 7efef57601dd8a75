"""The handoff's words and routing: escaped input, where threads go, which thread staff answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.desk import handoff
from bot.settings import Settings
from bot.storage.handoffs import HandoffMessage, HandoffThread, PendingReply

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def thread(**changes: object) -> HandoffThread:
    values: dict[str, object] = {
        "id": 7,
        "chat_id": 1001,
        "first_name": "<Ana>",
        "city": "Porto & Gaia",
        "country": "PT",
        "opened_at": NOW,
        "status": "open",
    }
    values.update(changes)
    return HandoffThread.model_validate(values)


def said(sender: str, text: str, minutes: int) -> HandoffMessage:
    return HandoffMessage.model_validate(
        {"sender": sender, "text": text, "sent_at": NOW + timedelta(minutes=minutes)}
    )


def test_the_staff_notice_escapes_everything_the_person_typed() -> None:
    notice = handoff.staff_notice(thread(unanswered_question="<i>x</i>"), "a <b> c", first=True)
    assert (
        "\u2068&lt;Ana&gt;\u2069" in notice and "\u2068Porto &amp; Gaia\u2069, Portugal" in notice
    )
    assert "&lt;i&gt;x&lt;/i&gt;" in notice and "a &lt;b&gt; c" in notice
    assert "#7" in notice


def test_a_person_without_registration_is_said_to_have_none() -> None:
    assert "no pre-registered city" in handoff.who(thread(city=None, country=None))


def test_the_answer_the_person_gets_is_escaped() -> None:
    text = handoff.answer_for_person("<script>")
    assert text.startswith("<b>Reply from the programme team:</b>") and "&lt;script&gt;" in text


@pytest.mark.parametrize(("staff_chat", "expected"), [(None, [1, 2, 3]), (-100123, [-100123])])
def test_threads_go_to_the_staff_chat_or_every_staff_member(
    staff_chat: int | None, expected: list[int]
) -> None:
    settings = Settings(admin_ids=frozenset({1}), staff_ids=frozenset({3, 2}))
    settings = settings.model_copy(update={"staff_chat_id": staff_chat})
    assert handoff.staff_targets(settings) == expected


def test_the_reply_time_text_is_configurable_and_escaped() -> None:
    settings = Settings.model_validate({"HANDOFF_REPLY_TIME_TEXT": "Within 2 days <promise>"})
    assert "Within 2 days &lt;promise&gt;" in handoff.ask_text(settings)
    assert "Within 2 days &lt;promise&gt;" in handoff.sent_text(settings)


def test_an_empty_reply_time_text_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 500 characters"):
        Settings.model_validate({"HANDOFF_REPLY_TIME_TEXT": "   "})


PENDING = PendingReply(staff_id=2, chat_id=-5, thread_id=3, since=NOW)


@pytest.mark.parametrize(
    ("chat_id", "replied", "pending", "expected"),
    [
        (-5, 9, PENDING, 9),  # a Telegram reply wins over a pending Reply press
        (-5, None, PENDING, 3),
        (2, None, PENDING, None),  # pressed Reply in the group, wrote in private
        (-5, None, None, None),
    ],
)
def test_which_thread_a_staff_message_answers(
    chat_id: int, replied: int | None, pending: PendingReply | None, expected: int | None
) -> None:
    assert handoff.answered_thread_id(chat_id, replied, pending) == expected


def test_the_waiting_line_counts_from_the_oldest_unanswered_message() -> None:
    waiting = thread(messages=(said("person", "q", 0), said("person", "again", 30)))
    line = handoff.waiting_line(waiting, NOW + timedelta(hours=2, minutes=5))
    assert "waiting 2 hours, 5 minutes" in line and "again" in line
    answered = thread(messages=(said("person", "q", 0), said("staff", "a", 5)))
    assert "answered, no new message" in handoff.waiting_line(answered, NOW)


def test_the_list_header_says_how_many_and_how_many_shown() -> None:
    assert "No conversation" in handoff.open_threads_header(0)
    assert "1 open conversation</b>" in handoff.open_threads_header(1)
    assert "the 10 oldest below" in handoff.open_threads_header(12)


def test_a_name_with_a_right_to_left_override_cannot_reverse_the_staff_notice() -> None:
    hostile = thread(first_name="\u202eAna", city="Gent\u202e\u2066", country="BE")
    notice = handoff.staff_notice(hostile, "hello", first=True)
    assert "\u202e" not in notice and "\u2066" not in notice
    # Each user-provided part sits in its own isolate, closed before our text resumes.
    assert "<b>\u2068Ana\u2069</b> (\u2068Gent\u2069, Belgium)" in notice


def test_answered_by_the_faq_offers_programme_entries_only() -> None:
    from bot.settings import BUNDLED_FAQ_DIR
    from faq.loader import load_knowledge_base
    from faq.matcher import DEFAULT_THRESHOLDS

    kb = load_knowledge_base(BUNDLED_FAQ_DIR)
    small_talk = {entry.id for entry in kb.entries if entry.about == "small-talk"}
    assert {"goodbye", "thanks"} <= small_talk
    goodbye = thread(messages=(said("person", "Goodbye, thank you, bye!", 0),))
    choices = handoff.faq_choices(goodbye, kb, DEFAULT_THRESHOLDS)
    assert not set(choices) & small_talk
    programme = thread(messages=(said("person", "How long does the programme last?", 0),))
    assert handoff.faq_choices(programme, kb, DEFAULT_THRESHOLDS)  # programme entries still come
