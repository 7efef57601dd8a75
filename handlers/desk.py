"""Reach a person: /human and the person's messages; staff answer, close and list threads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from html import escape

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import filters

from bot.context import AppContext, BotApplication, Services
from bot.desk import handoff as texts
from bot.storage.handoffs import (
    KEEP_UNANSWERED,
    HandoffMessage,
    HandoffThread,
    PendingReply,
    StaffCopy,
)
from bot.storage.store import Store
from faq.loader import MAX_CALLBACK_BYTES
from faq.model import KnowledgeBase
from faq.placeholders import render_answer
from handlers import callback_data as data
from handlers import faq
from handlers.access import staff_only
from handlers.faq import find_entry, thresholds_of

log = logging.getLogger(__name__)

# Long enough to ask for a person after the fallback, short enough to keep little about anyone.
# How long "write your question" waits for it before the person's text is the FAQ's again.
KEEP_ASKING = timedelta(days=1)
BUTTON_CHARS = 60
MAX_ANSWER_CHARS = 3800

# The "write your question" prompts still showing Cancel: {"thread": id, "messages": [ids]}.
# In chat_data (persisted, dropped by /deletedata), so Cancel goes once the question is sent.
PROMPTS_KEY = "handoff_prompts"
# Prompts sent by earlier versions carry Cancel as HANDOFF_CANCEL, as "Close the conversation"
# does; the label tells them apart.
OLD_PROMPT_CANCEL_LABEL = "Cancel"
CLOSE_BUTTON = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Close the conversation", callback_data=data.HANDOFF_CANCEL)]]
)
REPLY_CANCEL_BUTTON = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Cancel", callback_data=data.HANDOFF_REPLY_CANCEL)]]
)
GONE_TEXT = "That conversation is closed or was erased; nothing was sent."


def _label(text: str) -> str:
    return texts.cut(text, BUTTON_CHARS)


def _cancel_button(thread_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton("Cancel", callback_data=data.handoff_ask_cancel(thread_id))
    return InlineKeyboardMarkup([[button]])


# Filters: which messages are the desk's, read from the store's memory (no wait per message).


class _PersonInThread(filters.MessageFilter):
    def __init__(self, store: Callable[[], Store]) -> None:
        super().__init__(name="person_in_handoff")
        self._store = store

    def filter(self, message: Message) -> bool:
        chat = message.chat
        return chat.type == "private" and self._store().active_handoff_id(chat.id) is not None


class _StaffAnswer(filters.MessageFilter):
    def __init__(self, services: Callable[[], Services]) -> None:
        super().__init__(name="staff_answer")
        self._services = services

    def filter(self, message: Message) -> bool:
        services = self._services()
        if message.chat.id == services.settings.staff_chat_id:
            return True  # every message there is the desk's, even to be ignored
        user = message.from_user
        if message.chat.type != "private" or user is None:
            return False
        if not services.settings.is_staff(user.id):
            return False
        return _answered_thread(services.store, message, user) is not None


def person_in_thread(application: BotApplication) -> filters.MessageFilter:
    """Messages of a person whose conversation with the team is active."""
    return _PersonInThread(lambda: application.bot_data.services.store)


def staff_answer(application: BotApplication) -> filters.MessageFilter:
    """Messages in the staff chat, and staff messages in private that answer a thread."""
    return _StaffAnswer(lambda: application.bot_data.services)


def _answered_thread(store: Store, message: Message, user: User) -> int | None:
    replied = message.reply_to_message
    replied_thread = (
        store.handoff_id_of_staff_message(message.chat.id, replied.message_id) if replied else None
    )
    return texts.answered_thread_id(message.chat.id, replied_thread, store.pending_reply(user.id))


# The person's side.


async def ask_for_person(update: Update, context: AppContext) -> None:
    """/human or "Reach a person": ask the person to write their question for the team."""
    chat, user = update.effective_chat, update.effective_user
    if update.callback_query is not None:
        await update.callback_query.answer()
    if chat is None or user is None:
        return
    if chat.type != "private":
        await context.bot.send_message(chat.id, texts.PRIVATE_ONLY_TEXT)
        return
    store = context.services.store
    if await store.get_draft(user.id) is not None:
        # Their typed text goes to /register while it waits for an answer, not to the team.
        await context.bot.send_message(chat.id, texts.FINISH_REGISTRATION_TEXT)
        return
    active = await store.active_handoff(chat.id)
    if active is not None and active.status == "open":
        await context.bot.send_message(chat.id, texts.ALREADY_OPEN_TEXT, reply_markup=CLOSE_BUTTON)
        return
    if active is not None:
        if context.services.clock() - active.opened_at <= KEEP_ASKING:
            # A second press: the first prompt still waits; one prompt is enough.
            again = await context.bot.send_message(
                chat.id, texts.PROMPT_OPEN_TEXT, reply_markup=_cancel_button(active.id)
            )
            _remember_prompt(context, active.id, again.message_id)
            return
        await store.discard_handoff(active.id)
        await _retire_prompts(context, chat.id)
    registration = await store.get_registration(user.id)
    hint = await store.unanswered_hint(chat.id)
    fresh = hint is not None and context.services.clock() - hint.asked_at <= KEEP_UNANSWERED
    thread = await store.start_handoff(
        chat.id,
        first_name=user.first_name or "",
        city=registration.city if registration else None,
        country=registration.country if registration else None,
        unanswered_question=hint.question if hint is not None and fresh else None,
    )
    prompt = await context.bot.send_message(
        chat.id,
        texts.ask_text(context.services.settings),
        parse_mode="HTML",
        reply_markup=_cancel_button(thread.id),
    )
    _remember_prompt(context, thread.id, prompt.message_id)


def _remember_prompt(context: AppContext, thread_id: int, message_id: int) -> None:
    if context.chat_data is None:
        return
    kept = context.chat_data.get(PROMPTS_KEY)
    if not isinstance(kept, dict) or kept.get("thread") != thread_id:
        kept = {"thread": thread_id, "messages": []}
    kept["messages"] = [*kept.get("messages", []), message_id][-5:]
    context.chat_data[PROMPTS_KEY] = kept


async def _retire_prompts(context: AppContext, chat_id: int, *, skip: int | None = None) -> None:
    """The request was sent or dropped: take Cancel off the prompts that still show it."""
    kept = context.chat_data.pop(PROMPTS_KEY, None) if context.chat_data is not None else None
    if not isinstance(kept, dict):
        return
    for message_id in kept.get("messages", []):
        if message_id == skip:
            continue
        with suppress(TelegramError):  # the prompt may be gone, or already without its button
            await context.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            )


async def pass_on(update: Update, context: AppContext) -> None:
    """A person's message in an active conversation: it goes to the team."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    store = context.services.store
    thread = await store.active_handoff(chat.id)
    if thread is None:
        return
    if thread.status == "asking" and context.services.clock() - thread.opened_at > KEEP_ASKING:
        # Asked for a person long ago and never wrote: this is a new question for the FAQ.
        await store.discard_handoff(thread.id)
        await _retire_prompts(context, chat.id)
        await faq.ask(update, context)
        return
    if len(message.text) > texts.MAX_FORWARDED_CHARS:
        await message.reply_text(texts.TOO_LONG_TEXT.format(length=len(message.text)))
        return
    first = thread.status == "asking"
    said = HandoffMessage(sender="person", text=message.text, sent_at=context.services.clock())
    updated = await store.add_handoff_message(thread.id, said)
    if updated is None:
        return
    if first:
        await store.forget_unanswered(chat.id)
        await _retire_prompts(context, chat.id)
    copies = await _tell_staff(
        context,
        texts.staff_notice(updated, message.text, first=first),
        _staff_buttons(context, updated),
    )
    await store.add_handoff_staff_copies(updated.id, copies)
    settings = context.services.settings
    await message.reply_html(
        texts.sent_text(settings) if first else texts.ADDED_TEXT, reply_markup=CLOSE_BUTTON
    )


async def cancel_by_person(update: Update, context: AppContext) -> None:
    """The person's Cancel / Close (or /cancel): drop an unsent question or close the thread."""
    chat = update.effective_chat
    query = update.callback_query
    store = context.services.store
    thread = None if chat is None else await store.active_handoff(chat.id)
    old_prompt = query is not None and _is_prompt_of_old(query)
    if query is not None and old_prompt and thread is not None and thread.status == "open":
        # A prompt sent before its Cancel named the thread: the question went meanwhile.
        await query.answer(texts.QUESTION_ALREADY_SENT_TEXT)
        with suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        return
    if query is not None:
        await query.answer()
    if chat is None:
        return
    if thread is None:
        await context.bot.send_message(chat.id, texts.NOTHING_OPEN_TEXT)
        return
    if thread.status == "asking":
        await store.discard_handoff(thread.id)
        if query is not None:
            await query.edit_message_text(texts.CANCELLED_TEXT)
        else:
            await context.bot.send_message(chat.id, texts.CANCELLED_TEXT)
        await _retire_prompts(context, chat.id, skip=_pressed_id(query))
        return
    closed = await store.close_handoff(thread.id, "person")
    await context.bot.send_message(chat.id, texts.CLOSED_BY_PERSON_TEXT)
    if closed is not None:
        await _tell_staff(context, texts.closed_note(closed, by_person=True))


def _is_prompt_of_old(query: CallbackQuery) -> bool:
    """Whether the press is on a "write your question" prompt of before ho:ask-cancel."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        button.callback_data == data.HANDOFF_CANCEL and button.text == OLD_PROMPT_CANCEL_LABEL
        for row in message.reply_markup.inline_keyboard
        for button in row
    )


def _pressed_id(query: CallbackQuery | None) -> int | None:
    return None if query is None or query.message is None else query.message.message_id


async def cancel_request(update: Update, context: AppContext) -> None:
    """The prompt's Cancel: drop the request while the question is unwritten; after, nothing."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    store = context.services.store
    asked = data.handoff_ask_cancel_thread(query.data)
    thread = await store.active_handoff(chat.id)
    if thread is None or thread.id != asked or thread.status != "asking":
        # A late press (the question went, or the request was dropped): a toast, nothing closed.
        sent = await store.get_handoff(asked)
        await query.answer(
            texts.QUESTION_ALREADY_SENT_TEXT if sent is not None else texts.REQUEST_GONE_TEXT
        )
        with suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        return
    await query.answer()
    await store.discard_handoff(thread.id)
    await query.edit_message_text(texts.CANCELLED_TEXT)
    await _retire_prompts(context, chat.id, skip=_pressed_id(query))


async def drop_unwritten_request(update: Update, context: AppContext) -> None:
    """Another command while "write your question" waits: drop the request, and say so."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    store = context.services.store
    thread = await store.active_handoff(chat.id)
    # Otherwise a question typed after that other flow would reach staff, not the FAQ.
    if thread is not None and thread.status == "asking" and await store.discard_handoff(thread.id):
        await context.bot.send_message(chat.id, texts.DROPPED_TEXT)
        await _retire_prompts(context, chat.id)


# The staff side.


def _staff_buttons(context: AppContext, thread: HandoffThread) -> InlineKeyboardMarkup:
    kb = context.services.knowledge.current
    rows = [
        [
            InlineKeyboardButton("↩️ Reply", callback_data=data.handoff_reply(thread.id)),
            InlineKeyboardButton("🔒 Close", callback_data=data.handoff_close(thread.id)),
        ]
    ]
    for entry_id in texts.faq_choices(thread, kb, thresholds_of(context.services)):
        entry = find_entry(kb, entry_id)
        button = data.handoff_faq(thread.id, entry_id)
        if entry is not None and len(button.encode()) <= MAX_CALLBACK_BYTES:
            label = _label(f"Answered by the FAQ: {entry.question}")
            rows.append([InlineKeyboardButton(label, callback_data=button)])
    more = InlineKeyboardButton(
        "Another FAQ entry…", callback_data=data.handoff_more_entries(thread.id)
    )
    rows.append([more])
    return InlineKeyboardMarkup(rows)


async def _tell_staff(
    context: AppContext,
    html: str,
    buttons: InlineKeyboardMarkup | None = None,
    *,
    skip: int | None = None,
) -> list[StaffCopy]:
    copies = []
    for chat_id in texts.staff_targets(context.services.settings):
        if chat_id == skip:
            continue
        try:
            sent = await context.bot.send_message(
                chat_id, html, parse_mode="HTML", reply_markup=buttons
            )
        except TelegramError as error:
            # The thread is kept; staff still see it in /handoffs.
            log.warning("Could not pass a conversation to staff chat %s (%s)", chat_id, error)
            continue
        copies.append(StaffCopy(chat_id=chat_id, message_id=sent.message_id))
    return copies


def _private_path(context: AppContext) -> bool:
    return context.services.settings.staff_chat_id is None


async def answer_from_staff(update: Update, context: AppContext) -> None:
    """A staff message answering a thread (a Telegram reply, or after Reply); others ignored."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    services = context.services
    store = services.store
    if not services.settings.is_staff(user.id):
        return  # in the staff chat, only staff speak for the programme
    thread_id = _answered_thread(store, message, user)
    if thread_id is None:
        return  # staff talking among themselves
    pending = store.pending_reply(user.id)
    thread = await store.get_handoff(thread_id)
    if thread is None or thread.status != "open":
        await _end_reply(context, user, pending)
        await message.reply_text(GONE_TEXT if thread is None else texts.already_done_text(thread))
        return
    if len(message.text) > MAX_ANSWER_CHARS:
        await message.reply_text(
            f"That answer is too long ({len(message.text)} characters); please keep it under "
            f"{MAX_ANSWER_CHARS} characters, or send it in two replies."
        )
        return
    name = user.first_name or str(user.id)
    said = HandoffMessage(
        sender="staff",
        text=message.text,
        sent_at=services.clock(),
        staff_id=user.id,
        staff_name=texts.cut(name, 200),
    )
    # Recorded first, under the table's lock: of two answers typed at once, one goes.
    added = await store.answer_handoff(
        thread.id, said, since=_answering_since(store, message, thread.id, pending)
    )
    if not isinstance(added, HandoffThread):
        await _end_reply(context, user, pending)
        if isinstance(added, HandoffMessage):
            await message.reply_text(texts.answered_first_text(thread, added.staff_name))
        else:
            closed = await store.get_handoff(thread.id)
            await message.reply_text(
                GONE_TEXT if closed is None else texts.already_done_text(closed)
            )
        return
    try:
        await context.bot.send_message(
            thread.chat_id,
            texts.answer_for_person(message.text),
            parse_mode="HTML",
            reply_markup=CLOSE_BUTTON,
        )
    except TelegramError as error:
        await store.withdraw_handoff_message(thread.id, said)
        reason = "they blocked the bot" if isinstance(error, Forbidden) else str(error)
        await message.reply_text(f"Not delivered ({reason}); the conversation stays open.")
        return
    await _end_reply(context, user, pending)
    await _audit(services, user, f"thread #{thread.id}, a written answer")
    await message.reply_html(texts.sent_note(thread))
    if _private_path(context):
        # The note quotes the answer, which may name the person: kept as a copy to blank.
        copies = await _tell_staff(
            context, texts.answered_note(thread, name, message.text), skip=message.chat.id
        )
        await store.add_handoff_staff_copies(thread.id, copies)


def _answering_since(
    store: Store, message: Message, thread_id: int, pending: PendingReply | None
) -> datetime:
    """Since when a colleague's answer means this one was typed without knowing of it."""
    replied = message.reply_to_message
    if (
        replied is not None
        and store.handoff_id_of_staff_message(message.chat.id, replied.message_id) == thread_id
    ):
        return replied.date
    if pending is not None and pending.thread_id == thread_id:
        return pending.since
    return message.date


async def _end_reply(context: AppContext, user: User, pending: PendingReply | None) -> None:
    """The staff member's pending Reply is done: forget it and take Cancel off its prompt."""
    if pending is None:
        return
    await context.services.store.clear_pending_reply(user.id)
    if pending.prompt_message_id is None:
        return
    with suppress(TelegramError):  # the prompt may be gone, or already without buttons
        await context.bot.edit_message_reply_markup(
            chat_id=pending.chat_id, message_id=pending.prompt_message_id, reply_markup=None
        )


@staff_only
async def press_staff_button(update: Update, context: AppContext) -> None:
    """Reply, Close, Answered by the FAQ, and choosing an FAQ entry, on a thread."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or query.data is None or user is None or chat is None:
        return
    store = context.services.store
    if query.data == data.HANDOFF_REPLY_CANCEL:
        await _cancel_reply(update, context)
        return
    action, thread_id, argument = data.handoff_action(query.data)
    thread = await store.get_handoff(thread_id)
    if thread is None or not thread.is_active:
        gone = "This conversation is closed or was erased."
        await query.answer(
            gone if thread is None else texts.already_done_text(thread), show_alert=True
        )
        return
    if action in ("c", "f"):
        # They answer the press themselves: only the first of two presses at once wins.
        await {"c": _close, "f": _answer_with_faq}[action](update, context, thread, argument)
        return
    await query.answer()
    handle = {"r": _start_reply, "m": _choose_topic, "t": _choose_entry}
    if action in handle:
        await handle[action](update, context, thread, argument)


async def _cancel_reply(update: Update, context: AppContext) -> None:
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    assert query is not None and user is not None and chat is not None
    store = context.services.store
    pending = store.pending_reply(user.id)
    if pending is not None and pending.chat_id == chat.id:
        await store.clear_pending_reply(user.id)
        await query.answer()
        await query.edit_message_text("Reply cancelled; nothing was sent.")
        return
    prompt = query.message
    thread_id = (
        None if prompt is None else store.handoff_id_of_staff_message(chat.id, prompt.message_id)
    )
    thread = None if thread_id is None else await store.get_handoff(thread_id)
    sent = (
        thread is not None
        and prompt is not None
        and any(
            m.sender == "staff" and m.staff_id == user.id and m.sent_at >= prompt.date
            for m in thread.messages
        )
    )
    await query.answer(
        texts.REPLY_ALREADY_SENT_TEXT if sent else texts.REPLY_NOTHING_TEXT, show_alert=True
    )
    with suppress(BadRequest):  # a late press: the prompt keeps its text, loses the button
        await query.edit_message_reply_markup(reply_markup=None)


async def _start_reply(
    update: Update, context: AppContext, thread: HandoffThread, _argument: str
) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    user, chat = update.effective_user, update.effective_chat
    store = context.services.store
    since = context.services.clock()
    name = texts.staff_name(user.first_name or "You")
    # In a group with privacy mode on, Telegram passes the bot only replies to its messages.
    how = "your next message here" if chat.type == "private" else "your reply to this message"
    prompt = await context.bot.send_message(
        chat.id,
        f"{name}: {how} goes to {texts.who(thread)} (#{thread.id}) as the programme team's answer.",
        parse_mode="HTML",
        reply_markup=REPLY_CANCEL_BUTTON,
    )
    await store.set_pending_reply(
        user.id, chat.id, thread.id, prompt_message_id=prompt.message_id, since=since
    )
    copy = StaffCopy(chat_id=chat.id, message_id=prompt.message_id)
    await store.add_handoff_staff_copies(thread.id, [copy])


async def _refuse_second(update: Update, context: AppContext, thread: HandoffThread) -> None:
    assert update.callback_query is not None
    latest = await context.services.store.get_handoff(thread.id)
    text = "This conversation was erased." if latest is None else texts.already_done_text(latest)
    await update.callback_query.answer(text, show_alert=True)


async def _close(
    update: Update, context: AppContext, thread: HandoffThread, _argument: str
) -> None:
    assert update.effective_user is not None and update.callback_query is not None
    name = update.effective_user.first_name
    closed = await context.services.store.close_handoff(thread.id, "staff", closer_name=name)
    if closed is None:
        await _refuse_second(update, context, thread)
        return
    await update.callback_query.answer()
    await _tell_person(context, closed, texts.CLOSED_BY_STAFF_TEXT)
    await _tell_staff(context, texts.closed_note(closed, by_person=False, closer=name or ""))


async def _answer_with_faq(
    update: Update, context: AppContext, thread: HandoffThread, entry_id: str
) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    assert update.callback_query is not None
    query = update.callback_query
    services = context.services
    entry = find_entry(services.knowledge.current, entry_id)
    if entry is None:
        await query.answer("That entry is no longer in the FAQ; choose another.", show_alert=True)
        return
    user = update.effective_user
    said = HandoffMessage(
        sender="staff",
        text=f"[FAQ answer: {texts.cut(entry.question, 200)}]",
        sent_at=services.clock(),
        staff_id=user.id,
        staff_name=texts.cut(user.first_name or str(user.id), 200),
        faq_entry=entry.id,
    )
    # Closed first, under the table's lock: of two presses at once, one sends the answer.
    closed = await services.store.close_handoff(
        thread.id, "staff", closer_name=user.first_name, last_message=said
    )
    if closed is None:
        await _refuse_second(update, context, thread)
        return
    await query.answer()
    answer = render_answer(entry, await services.call_state(), services.clock())
    if not await _tell_person(context, thread, texts.faq_answer_for_person(answer), html=True):
        await services.store.reopen_handoff(thread.id)
        await services.store.withdraw_handoff_message(thread.id, said)
        await context.bot.send_message(
            update.effective_chat.id,
            "Not delivered (they blocked the bot); the conversation stays open.",
        )
        return
    await _audit(services, user, f"thread #{thread.id}, the FAQ entry {entry.id}, closed")
    note = (
        f"📚 {texts.staff_name(user.first_name)} sent {texts.ref(closed)} the FAQ answer "
        f"<i>{escape(entry.question)}</i> and closed it."
    )
    await _tell_staff(context, note)


def _offered(kb: KnowledgeBase, tag: str) -> list[str]:
    """The ids of a topic's entries staff may send: small talk answers nobody's question."""
    return [entry.id for entry in kb.entries_with_tag(tag) if entry.about != "small-talk"]


async def _choose_topic(
    update: Update, context: AppContext, thread: HandoffThread, _argument: str
) -> None:
    assert update.effective_chat is not None
    kb = context.services.knowledge.current
    buttons = [
        InlineKeyboardButton(_label(tag), callback_data=data.handoff_topic(thread.id, number))
        for number, tag in enumerate(kb.tags())
        if _offered(kb, tag)
    ]
    await context.bot.send_message(
        update.effective_chat.id,
        f"Which FAQ entry answers {texts.ref(thread)}? Choose a topic:",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)]),
    )


async def _choose_entry(
    update: Update, context: AppContext, thread: HandoffThread, argument: str
) -> None:
    assert update.callback_query is not None
    edit = update.callback_query.edit_message_text
    kb = context.services.knowledge.current
    tags = kb.tags()
    number = int(argument) if argument.isdigit() else -1
    if not 0 <= number < len(tags):
        await edit("The FAQ's topics changed; press Another FAQ entry… again.")
        return
    rows = [
        [InlineKeyboardButton(_label(entry.question), callback_data=button)]
        for entry in kb.entries_with_tag(tags[number])
        if entry.id in _offered(kb, tags[number])
        and len((button := data.handoff_faq(thread.id, entry.id)).encode()) <= MAX_CALLBACK_BYTES
    ]
    await edit(
        f"Send {texts.ref(thread)} which answer from <b>{escape(tags[number])}</b>?",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def _audit(services: Services, user: User, detail: str) -> None:
    # The detail names the thread, not the person: the audit log outlives /deletedata.
    try:
        await services.store.record_staff_action(
            user.id, "handoff.answered", detail, actor_name=user.full_name
        )
    except OSError as error:
        log.warning("Could not record a handoff answer in the audit log (%s)", error)


async def _tell_person(
    context: AppContext, thread: HandoffThread, text: str, *, html: bool = False
) -> bool:
    try:
        await context.bot.send_message(
            thread.chat_id,
            text,
            parse_mode="HTML" if html else None,
            disable_web_page_preview=True,
        )
    except TelegramError as error:
        log.info("Could not tell the person of thread %s (%s)", thread.id, error)
        return False
    return True


@staff_only
async def list_open(update: Update, context: AppContext) -> None:
    """/handoffs (staff): open conversations, oldest first, with how long each has waited."""
    message = update.effective_message
    if message is None:
        return
    store = context.services.store
    threads = await store.open_handoffs()
    await message.reply_html(texts.open_threads_header(len(threads)))
    now = context.services.clock()
    for thread in threads[: texts.OPEN_THREADS_SHOWN]:
        sent = await message.reply_html(
            texts.waiting_line(thread, now), reply_markup=_staff_buttons(context, thread)
        )
        copy = StaffCopy(chat_id=sent.chat_id, message_id=sent.message_id)
        await store.add_handoff_staff_copies(thread.id, [copy])


async def blank_staff_copies(context: AppContext, threads: Sequence[HandoffThread]) -> None:
    """After /deletedata: replace the staff chat messages that carried the person's threads."""
    for thread in threads:
        for copy in thread.staff_copies:
            try:
                await context.bot.edit_message_text(
                    "(Erased: this person deleted their data with /deletedata.)",
                    chat_id=copy.chat_id,
                    message_id=copy.message_id,
                )
            except TelegramError as error:
                # Telegram refuses edits of old messages; the thread itself is gone already.
                log.info("Could not blank a staff copy of thread %s (%s)", thread.id, error)
