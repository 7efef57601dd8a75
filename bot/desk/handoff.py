"""Reach a person: what the person and staff are told, and which thread a staff message answers.

Pure functions of records and settings; the handlers send what these return.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.announcements.texts import days_and_hours
from bot.registration.texts import country_label
from bot.settings import Settings
from bot.storage.handoffs import HandoffThread, PendingReply
from faq.matcher import MatchThresholds, match_question
from faq.model import ABOUT_PROGRAMME, KnowledgeBase

QUOTED_CHARS = 600
LISTED_CHARS = 200
FAQ_CHOICES = 2
# Telegram's message limit is 4096 characters; a notice quotes two texts of at most this.
MAX_FORWARDED_CHARS = 3000
OPEN_THREADS_SHOWN = 10

ASK_TEXT = (
    "<b>Write your question for the programme team</b> in one message below; a person reads "
    "it. {reply_time}\n"
    "<i>Your messages are kept with this conversation: see them with /mydata, erase them with "
    "/deletedata.</i>"
)
SENT_TEXT = (
    "Sent to the programme team. {reply_time}\n"
    "Until they close this conversation, what you write here goes to them too."
)
ADDED_TEXT = "Passed on to the programme team."
ALREADY_OPEN_TEXT = (
    "You already have a conversation open with the programme team: just type your message here."
)
CANCELLED_TEXT = "Cancelled: nothing was sent to the programme team."
CLOSED_BY_PERSON_TEXT = (
    "You closed your conversation with the programme team. Ask me anything, or send /human to "
    "write to them again."
)
CLOSED_BY_STAFF_TEXT = (
    "The programme team closed this conversation. Ask me anything, or send /human to write to "
    "them again."
)
NOTHING_OPEN_TEXT = (
    "You have no conversation open with the programme team; send /human to start one."
)
FINISH_REGISTRATION_TEXT = (
    "Your pre-registration is waiting for an answer: finish it (or send /cancel), then ask "
    "for a person again with /human."
)
PROMPT_OPEN_TEXT = (
    "I am already waiting for your question for the programme team: write it in one message "
    "below, or press Cancel."
)
# Toasts for a press of a prompt's Cancel that came too late (Telegram keeps them under 200).
QUESTION_ALREADY_SENT_TEXT = (
    "Your question was already sent to the programme team; nothing was cancelled."
)
REQUEST_GONE_TEXT = "That request was already dropped; there is nothing to cancel."
DROPPED_TEXT = (
    "You did not write your question for the programme team, so I dropped that request; "
    "send /human when you want to write to them."
)
REPLY_ALREADY_SENT_TEXT = "That answer was already sent; there is nothing to cancel."
REPLY_NOTHING_TEXT = "That reply was already cancelled or its conversation closed; nothing to do."
PRIVATE_ONLY_TEXT = "Write to me in a private chat to reach a person."
TOO_LONG_TEXT = (
    "That message is too long for me to pass on ({length} characters); please split it into "
    f"messages of at most {MAX_FORWARDED_CHARS} characters."
)


# Bidi controls a name could use to reverse the text around it (U+202E and kin).
BIDI_CONTROLS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """User-provided text without bidi controls, in Unicode isolates: it cannot reorder ours."""
    cleaned = text.translate(BIDI_CONTROLS)
    return f"{FIRST_STRONG_ISOLATE}{cleaned}{POP_DIRECTIONAL_ISOLATE}"


def cut(text: str, limit: int) -> str:
    """The text cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ask_text(settings: Settings) -> str:
    """What a person who asked to reach a person is asked to do (HTML)."""
    return ASK_TEXT.format(reply_time=escape(settings.handoff_reply_time_text))


def sent_text(settings: Settings) -> str:
    """What a person is told once their first message went to the team (HTML)."""
    return SENT_TEXT.format(reply_time=escape(settings.handoff_reply_time_text))


def who(thread: HandoffThread) -> str:
    """The person's first name and registered city, escaped: "<b>Ana</b> (Porto, Portugal)".

    Only in staff messages kept as the thread's staff copies, which /deletedata blanks.
    """
    name = f"<b>{escape(isolate(thread.first_name or 'Someone'))}</b>"
    if thread.city:
        place = escape(isolate(thread.city))
        if thread.country:
            place += f", {escape(country_label(thread.country))}"
        return f"{name} ({place})"
    return f"{name} (no pre-registered city)"


def ref(thread: HandoffThread) -> str:
    """The thread by its number only, for staff messages not blanked by /deletedata."""
    return f"conversation #{thread.id}"


def staff_name(name: str | None) -> str:
    """A staff member's first name for other staff (HTML, escaped and isolated)."""
    return escape(isolate(name or "Staff"))


def staff_notice(thread: HandoffThread, text: str, *, first: bool) -> str:
    """The staff chat message carrying a person's message (HTML, everything they typed escaped)."""
    if not first:
        return f"💬 {who(thread)} writes (#{thread.id}):\n{escape(cut(text, MAX_FORWARDED_CHARS))}"
    lines = [f"🙋 {who(thread)} asks the programme team (#{thread.id})"]
    if thread.unanswered_question:
        quoted = escape(cut(thread.unanswered_question, QUOTED_CHARS))
        lines.append(f"The bot could not answer: <i>{quoted}</i>")
    lines.append(f"Their message:\n{escape(cut(text, MAX_FORWARDED_CHARS))}")
    lines.append("Answer with Reply, or reply to this message.")
    return "\n".join(lines)


def answer_for_person(text: str) -> str:
    """A staff answer as the person gets it (HTML, escaped)."""
    return (
        f"<b>Reply from the programme team:</b>\n{escape(text)}\n\n"
        "<i>Write here to answer them; close the conversation when you are done.</i>"
    )


def faq_answer_for_person(answer_html: str) -> str:
    """An FAQ answer staff chose for the person, then the note that the conversation closed."""
    return (
        f"<b>The programme team points you to this answer:</b>\n{answer_html}\n\n"
        "<i>They closed this conversation; send /human to write to them again.</i>"
    )


def answered_note(thread: HandoffThread, name: str, text: str) -> str:
    """What other staff see when one of them answered (HTML, escaped; kept as a staff copy)."""
    return f"✅ {staff_name(name)} answered {ref(thread)}:\n{escape(cut(text, QUOTED_CHARS))}"


def closed_note(thread: HandoffThread, by_person: bool, closer: str = "") -> str:
    """What staff see when a thread was closed (HTML, escaped; the thread's number only)."""
    who_closed = "The person" if by_person else staff_name(closer)
    return f"🔒 {who_closed} closed {ref(thread)}."


def sent_note(thread: HandoffThread) -> str:
    """The confirmation a staff member gets once their answer reached the person."""
    return f"Sent: your answer is in {ref(thread)}."


def already_done_text(thread: HandoffThread) -> str:
    """Why a second staff answer or close was refused: a colleague was first (plain text)."""
    by = isolate(thread.closer_name or "a colleague")
    if thread.closed_by == "person":
        return f"The person already closed {ref(thread)}; nothing was sent."
    if thread.closed_by == "staff":
        return f"{by} already answered or closed {ref(thread)}; nothing was sent."
    return f"{ref(thread).capitalize()} is closed or was erased; nothing was sent."


def answered_first_text(thread: HandoffThread, name: str | None) -> str:
    """Why a written answer was refused: a colleague answered while it was being typed."""
    by = isolate(name or "a colleague")
    return (
        f"{by} already answered {ref(thread)} while you wrote; nothing was sent (press Reply "
        "again to add to their answer)."
    )


def waiting_line(thread: HandoffThread, now: datetime) -> str:
    """One open thread in /handoffs: who, how long they have waited, their last message."""
    since = thread.waiting_since
    if since is not None:
        state = f"waiting {days_and_hours(now - since)}"
    else:
        state = "answered, no new message"
    last = next((m.text for m in reversed(thread.messages) if m.sender == "person"), "")
    return f"<b>#{thread.id}</b> {who(thread)}, {state}\n<i>{escape(cut(last, LISTED_CHARS))}</i>"


def open_threads_header(count: int) -> str:
    """The first line of /handoffs."""
    if count == 0:
        return "No conversation is waiting: every one is closed."
    shown = f" (the {OPEN_THREADS_SHOWN} oldest below)" if count > OPEN_THREADS_SHOWN else ""
    noun = "1 open conversation" if count == 1 else f"{count} open conversations"
    return f"<b>{noun}</b>, oldest first{shown}:"


def faq_choices(thread: HandoffThread, kb: KnowledgeBase, thresholds: MatchThresholds) -> list[str]:
    """The entry ids most likely to answer the thread, best first (at most FAQ_CHOICES)."""
    asked = [m.text for m in thread.messages if m.sender == "person"]
    if thread.unanswered_question:
        asked.append(thread.unanswered_question)
    # Only entries stating programme facts: small talk ("Goodbye") answers nobody's question.
    offered = {entry.id for entry in kb.entries if entry.about == ABOUT_PROGRAMME}
    found: list[str] = []
    for text in asked:
        for entry_id, _score in match_question(text[:500], kb, thresholds).candidates:
            if entry_id not in found and entry_id in offered:
                found.append(entry_id)
    ranked = match_question(" ".join(asked)[:500], kb, thresholds).candidates
    best = [entry_id for entry_id, _score in ranked if entry_id in offered]
    return (best + [e for e in found if e not in best])[:FAQ_CHOICES]


def staff_targets(settings: Settings) -> list[int]:
    """Where threads go: STAFF_CHAT_ID, or each staff member and admin in private."""
    if settings.staff_chat_id is not None:
        return [settings.staff_chat_id]
    return sorted(settings.staff_ids | settings.admin_ids)


def answered_thread_id(
    chat_id: int, replied_thread: int | None, pending: PendingReply | None
) -> int | None:
    """Which thread a staff member's message answers: the one replied to, else a pending Reply."""
    if replied_thread is not None:
        return replied_thread
    if pending is not None and pending.chat_id == chat_id:
        return pending.thread_id
    return None
