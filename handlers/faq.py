"""FAQ in chat: answer a typed question, offer a choice, or say honestly we don't know."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from html import escape
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.error import TelegramError

from bot.announcements.texts import subscribe_label
from bot.context import AppContext, Services
from bot.storage.durable import StorageError
from bot.storage.handoffs import KEEP_UNANSWERED
from bot.storage.questions import KEPT_CANDIDATES, mask_personal_data
from faq.country_question import COUNTRY_ENTRY, country_answer
from faq.matcher import MatchResult, MatchThresholds, match_question
from faq.model import OFFER_HUMAN, Entry, KnowledgeBase
from faq.placeholders import needs_subscribe_offer, render_answer
from handlers import callback_data as data

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
BUTTON_LABEL_CHARS = 60

NOT_FOUND_TEXT = (
    "I don't know that one yet, sorry. Try asking in other words, browse the topics, "
    "or reach a person."
)
OUT_OF_SCOPE_TEXT = (
    "That sounds like a question about {programme}, which I don't cover: I know only the "
    "Twin Cities call of the NetZeroCities Twinning Learning Programme. Ask me about it, browse "
    "the topics, or reach a person."
)
WORK_REQUEST_TEXT = (
    "I can't write, translate or review documents: I answer questions about the Twin Cities "
    "call of the NetZeroCities Twinning Learning Programme. Ask me about it, browse the topics, "
    "or reach a person."
)
NOT_ENGLISH_TEXT = (
    "Sorry, I understand only English for now: please ask in English, browse the topics, "
    "or reach a person."
)
# Open "Did you mean" offers kept per chat (newest last), so a press knows what was asked.
PENDING_KEY = "faq_suggestions"
MAX_PENDING = 5
# Answers typed questions got under CERTAIN_SCORE, open to "Not what I asked" (same rules, but
# more of them: people scroll back further to an answer than to an offer). A record is the
# masked question, the entry and the logged candidates: about 700 characters at most.
NOT_ASKED_KEY = "faq_uncertain_answers"
MAX_NOT_ASKED = 20
# The newest answer whose record was dropped for age: a press under it or older is told so.
NOT_ASKED_DROPPED_KEY = "faq_uncertain_dropped"
NOT_ASKED_TOO_OLD_TEXT = "That answer is too old for me to note your question for the team."
# Below this score an answer may be wrong: on tests/data/faq_practice.yaml, 7 of 104 answers
# under 75 were wrong (or answered an off-topic question), 1 of 275 from 75 up.
CERTAIN_SCORE = 75.0
NOT_ASKED_LABEL = "🤔 Not what I asked"
# Answers whose "Not what I asked" was pressed (same rules), so a stale copy of the button
# sends nothing a second time.
NOT_ASKED_PRESSED_KEY = "faq_not_asked_pressed"
NOT_ASKED_AGAIN_TEXT = "Already noted: the ways on are in the message below."
# After "Not what I asked": the next best entries first, those scoring at least the "Did you
# mean" score (on faq_practice.yaml the right entry was the runner-up for 5 of 6 wrong uncertain
# answers, scoring 57-70), then the topics and a person.
MAX_NEXT_BEST = 3
NEXT_BEST_TEXT = (
    "Sorry about that. Did you mean one of these? If not, browse the topics or reach a person."
)
CHECK_MY_CITY_LABEL = "✅ Check my city"
REACH_PERSON_BUTTON = InlineKeyboardButton("🙋 Reach a person", callback_data=data.HANDOFF_START)
FALLBACK_BUTTONS = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("📚 Browse topics", callback_data=data.MENU_FAQ)],
        [REACH_PERSON_BUTTON],
    ]
)


def _label(text: str) -> str:
    return text if len(text) <= BUTTON_LABEL_CHARS else text[: BUTTON_LABEL_CHARS - 1] + "…"


def find_entry(kb: KnowledgeBase, entry_id: str) -> Entry | None:
    """The entry with this id, or None when the FAQ no longer has it."""
    try:
        return kb.entry(entry_id)
    except KeyError:
        return None


def thresholds_of(services: Services) -> MatchThresholds:
    """The score thresholds from settings."""
    settings = services.settings
    return MatchThresholds(answer=settings.faq_answer_score, suggest=settings.faq_suggest_score)


async def answer_entry(
    update: Update, context: AppContext, entry: Entry, *, uncertain: bool = False
) -> Message | None:
    """Send an entry's answer with follow-up buttons (and "Not what I asked" when uncertain)."""
    chat = update.effective_chat
    if chat is None:
        return None
    services = context.services
    call = await services.call_state()
    kb = services.knowledge.current
    # The entry's offer first: it is the way on its answer points to (e.g. "press Reach a person").
    rows = [[REACH_PERSON_BUTTON]] if entry.offer == OFFER_HUMAN else []
    rows += [
        [InlineKeyboardButton(_label(related.question), callback_data=data.faq_entry(related.id))]
        for related in (find_entry(kb, rid) for rid in entry.related)
        if related is not None
    ]
    if needs_subscribe_offer(
        entry, call, services.clock()
    ) and not await services.store.is_subscriber(chat.id):
        subscribe = InlineKeyboardButton(
            subscribe_label(call, services.clock()), callback_data=data.MENU_SUBSCRIBE
        )
        rows.append([subscribe])
    if uncertain:
        rows.append([InlineKeyboardButton(NOT_ASKED_LABEL, callback_data=data.not_asked(entry.id))])
    return await context.bot.send_message(
        chat.id,
        render_answer(entry, call, services.clock()),
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
        disable_web_page_preview=True,
    )


async def answer_country(
    message: Message, kb: KnowledgeBase, code: str, uncertain_entry: str | None = None
) -> Message | None:
    """Say what holds for cities of one country, from the rules as they are now (with "Not what
    I asked" when the guess was uncertain); None when the FAQ has no rules."""
    rules = kb.eligibility
    if rules is None:
        return None
    rows = [[InlineKeyboardButton(CHECK_MY_CITY_LABEL, callback_data=data.eligibility_check(code))]]
    listing = find_entry(kb, COUNTRY_ENTRY)
    if listing is not None:
        listed = InlineKeyboardButton(
            _label(listing.question), callback_data=data.faq_entry(listing.id)
        )
        rows.append([listed])
    if uncertain_entry is not None:
        not_asked = data.not_asked(uncertain_entry)
        rows.append([InlineKeyboardButton(NOT_ASKED_LABEL, callback_data=not_asked)])
    return await message.reply_html(
        country_answer(code, rules),
        reply_markup=InlineKeyboardMarkup(rows),
        disable_web_page_preview=True,
    )


async def _record_outcome(
    services: Services, chat_id: int, asked: str, result: MatchResult
) -> None:
    """Count the question for /stats; log what was not answered, and keep it for a handoff."""
    # The person already has their reply: a failed write is the operator's to fix.
    store = services.store
    try:
        await store.count_question(result.decision, result.entry_id, zone=services.settings.zone)
        if result.decision == "answer":
            return
        # The whole text, not the matcher's cut: the store masks personal data before it cuts.
        await store.log_unanswered_question(asked, result.decision, list(result.candidates))
        if result.decision in ("fallback", "not_english") and chat_id > 0:
            await store.remember_unanswered(chat_id, asked, keep=KEEP_UNANSWERED)
    except (OSError, StorageError) as error:
        log.warning("Could not log a question (%s); check the data folder", error)


def _pending(context: AppContext, key: str = PENDING_KEY) -> MutableMapping[str, Any] | None:
    chat_data = context.chat_data
    if chat_data is None:
        return None
    pending: MutableMapping[str, Any] = chat_data.setdefault(key, {})
    return pending


def _keep_newest(
    pending: MutableMapping[str, Any], message_id: int, record: Any, keep: int = MAX_PENDING
) -> list[str]:
    pending[str(message_id)] = record
    dropped = []
    while len(pending) > keep:
        oldest = next(iter(pending))
        del pending[oldest]
        dropped.append(oldest)
    return dropped


def _remember_suggestion(
    context: AppContext, message_id: int, asked: str, result: MatchResult
) -> None:
    # Kept in chat_data (persisted, dropped by /deletedata) keyed by the offer's message id:
    # callback data has no room for the question, and the masked text is all the log needs.
    pending = _pending(context)
    if pending is None:
        return
    record = {
        "question": mask_personal_data(asked[:MAX_QUESTION_CHARS]),
        "candidates": [list(candidate) for candidate in result.candidates],
    }
    _keep_newest(pending, message_id, record)


def next_best(result: MatchResult, thresholds: MatchThresholds) -> list[str]:
    """The entries to offer after "Not what I asked": the other candidates scoring at least the
    suggest score, best first, at most MAX_NEXT_BEST."""
    return [
        entry_id
        for entry_id, score in result.candidates
        if entry_id != result.entry_id and score >= thresholds.suggest
    ][:MAX_NEXT_BEST]


def _remember_uncertain(
    context: AppContext, message_id: int, asked: str, result: MatchResult, offer: list[str]
) -> None:
    # Its own key: a related-entry press under the answer must not log it as a suggestion.
    pending = _pending(context, NOT_ASKED_KEY)
    if pending is None:
        return
    record = {
        "question": mask_personal_data(asked[:MAX_QUESTION_CHARS]),
        "entry": result.entry_id,
        "candidates": [
            [entry, round(score, 2)] for entry, score in result.candidates[:KEPT_CANDIDATES]
        ],
        "offer": offer,
    }
    dropped = [int(key) for key in _keep_newest(pending, message_id, record, MAX_NOT_ASKED)]
    if dropped and context.chat_data is not None:
        newest = max([*dropped, context.chat_data.get(NOT_ASKED_DROPPED_KEY, 0)])
        context.chat_data[NOT_ASKED_DROPPED_KEY] = newest


async def _record_press(update: Update, context: AppContext, chosen: str | None) -> None:
    """Log a press under an open suggestion; a press on an old or unknown one logs nothing."""
    query = update.callback_query
    pending = _pending(context)
    if query is None or query.message is None or pending is None:
        return
    offer = pending.pop(str(query.message.message_id), None)
    if not isinstance(offer, dict):
        return
    candidates = [(str(entry), float(score)) for entry, score in offer.get("candidates", [])]
    try:
        await context.services.store.log_suggestion_choice(
            str(offer.get("question", "")), chosen, candidates
        )
    except (OSError, StorageError) as error:
        log.warning("Could not log a suggestion press (%s); check the data folder", error)


async def ask(update: Update, context: AppContext) -> None:
    """Match a typed question against the FAQ and reply with the outcome."""
    message = update.effective_message
    if message is None or not message.text:
        return
    services = context.services
    kb = services.knowledge.current
    result = match_question(message.text[:MAX_QUESTION_CHARS], kb, thresholds_of(services))
    if result.decision == "answer" and result.country is not None:
        uncertain = result.score < CERTAIN_SCORE
        sent = await answer_country(
            message, kb, result.country, result.entry_id if uncertain else None
        )
        if sent is not None:
            if uncertain:
                offer = next_best(result, thresholds_of(services))
                _remember_uncertain(context, sent.message_id, message.text, result, offer)
            await _record_outcome(services, message.chat_id, message.text, result)
            return
    if result.decision == "answer" and result.entry_id:
        entry = find_entry(kb, result.entry_id)
        if entry is not None:
            uncertain = result.score < CERTAIN_SCORE
            sent = await answer_entry(update, context, entry, uncertain=uncertain)
            if uncertain and sent is not None:
                offer = next_best(result, thresholds_of(services))
                _remember_uncertain(context, sent.message_id, message.text, result, offer)
            await _record_outcome(services, message.chat_id, message.text, result)
            return
    suggested = [e for e in (find_entry(kb, sid) for sid in result.suggestions) if e is not None]
    if result.decision == "suggest" and suggested:
        rows = [
            [InlineKeyboardButton(_label(e.question), callback_data=data.faq_entry(e.id))]
            for e in suggested
        ]
        rows.append([InlineKeyboardButton("None of these", callback_data=data.MENU_NOT_FOUND)])
        text = "Did you mean…?" if len(rows) > 2 else "Did you mean this?"
        sent = await message.reply_html(text, reply_markup=InlineKeyboardMarkup(rows))
        _remember_suggestion(context, sent.message_id, message.text, result)
    elif result.decision == "not_english":
        await message.reply_html(NOT_ENGLISH_TEXT, reply_markup=FALLBACK_BUTTONS)
    elif result.out_of_scope:
        text = OUT_OF_SCOPE_TEXT.format(programme=escape(result.out_of_scope))
        await message.reply_html(text, reply_markup=FALLBACK_BUTTONS)
    elif result.asks_for_work:
        await message.reply_html(WORK_REQUEST_TEXT, reply_markup=FALLBACK_BUTTONS)
    else:
        await message.reply_html(NOT_FOUND_TEXT, reply_markup=FALLBACK_BUTTONS)
    # Logged after replying: the person should not wait for the log's durable write.
    await _record_outcome(services, message.chat_id, message.text, result)


async def show_entry(update: Update, context: AppContext) -> None:
    """A button asked for one entry (`faq:<id>`): send its answer."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    entry = find_entry(context.services.knowledge.current, data.entry_id_of(query.data))
    if entry is None:
        await query.answer(
            "That topic is no longer in the FAQ; send /faq to browse the current ones.",
            show_alert=True,
        )
        return
    await query.answer()
    await answer_entry(update, context, entry)
    await _record_press(update, context, entry.id)


def topics_keyboard(kb: KnowledgeBase) -> InlineKeyboardMarkup:
    """One button per FAQ tag, two per row."""
    buttons = [InlineKeyboardButton(tag, callback_data=data.faq_topic(tag)) for tag in kb.tags()]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def browse(update: Update, context: AppContext) -> None:
    """/faq (or the menu button): show the topics to browse."""
    kb = context.services.knowledge.current
    text = "<b>Browse the questions by topic</b>, or just type your own question."
    query = update.callback_query
    if query is not None:
        await query.answer()
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id, text, parse_mode="HTML", reply_markup=topics_keyboard(kb)
        )


async def show_topic(update: Update, context: AppContext) -> None:
    """A topic button (`faqtag:<tag>`): list that topic's questions as buttons."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    tag = data.topic_of(query.data)
    kb = context.services.knowledge.current
    entries = kb.entries_with_tag(tag)
    if not entries:
        await query.answer(
            "That topic is no longer in the FAQ; send /faq to see the current topics.",
            show_alert=True,
        )
        return
    await query.answer()
    rows = [
        [InlineKeyboardButton(_label(e.question), callback_data=data.faq_entry(e.id))]
        for e in entries
    ]
    rows.append([InlineKeyboardButton("« All topics", callback_data=data.MENU_FAQ)])
    await query.edit_message_text(
        f"<b>{escape(tag)}</b>: choose a question.",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def not_found(update: Update, context: AppContext) -> None:
    """'None of these' under a suggestion: say so honestly and offer the ways on."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await query.edit_message_text(NOT_FOUND_TEXT, reply_markup=FALLBACK_BUTTONS)
    await _record_press(update, context, None)


async def _remove_not_asked_row(message: MaybeInaccessibleMessage | None) -> None:
    """Take "Not what I asked" off the answer's keyboard, keeping its other buttons."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    rows = [
        row
        for row in message.reply_markup.inline_keyboard
        if not any(str(b.callback_data).startswith(data.NOT_ASKED_PREFIX) for b in row)
    ]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except TelegramError as error:  # the answer may be gone; a stale press is refused anyway
        log.debug("Could not remove 'Not what I asked' from message %s (%s)", message.id, error)


def _offered_entries(kb: KnowledgeBase, answered: object, entry_id: str) -> list[Entry]:
    """The next best entries kept with this answer that the FAQ still has."""
    if not isinstance(answered, dict) or answered.get("entry") != entry_id:
        return []
    offer = answered.get("offer", [])
    ids = [str(other) for other in offer] if isinstance(offer, list) else []
    return [entry for entry in (find_entry(kb, other) for other in ids) if entry is not None]


async def not_asked(update: Update, context: AppContext) -> None:
    """The "Not what I asked" press: drop the button, offer the next best entries and the ways on
    once, log it for admins."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    pressed = _pending(context, NOT_ASKED_PRESSED_KEY)
    if query.message is not None and pressed is not None:
        # Marked before any await: a second quick press (updates of a chat run in order) or a
        # copy whose button could not be removed then finds it.
        if str(query.message.message_id) in pressed:
            await query.answer(NOT_ASKED_AGAIN_TEXT)
            return
        _keep_newest(pressed, query.message.message_id, True, MAX_NOT_ASKED)
    pending = _pending(context, NOT_ASKED_KEY)
    answered, text = None, NOT_FOUND_TEXT
    if query.message is not None and pending is not None:
        answered = pending.pop(str(query.message.message_id), None)
        # Telegram numbers a chat's messages upwards. A record missing but newer than the
        # dropped ones was erased (/deletedata): the person asked for that, nothing to say.
        dropped = context.chat_data.get(NOT_ASKED_DROPPED_KEY, 0) if context.chat_data else 0
        if answered is None and query.message.message_id <= dropped:
            text = f"{NOT_ASKED_TOO_OLD_TEXT} {NOT_FOUND_TEXT}"
    await query.answer()
    await _remove_not_asked_row(query.message)
    entry_id = data.not_asked_entry(query.data)
    offered = _offered_entries(context.services.knowledge.current, answered, entry_id)
    if offered:
        rows = [
            [InlineKeyboardButton(_label(e.question), callback_data=data.faq_entry(e.id))]
            for e in offered
        ]
        markup = InlineKeyboardMarkup([*rows, *FALLBACK_BUTTONS.inline_keyboard])
        sent = await context.bot.send_message(chat.id, NEXT_BEST_TEXT, reply_markup=markup)
        _remember_offer(context, sent.message_id, answered)
    else:
        await context.bot.send_message(chat.id, text, reply_markup=FALLBACK_BUTTONS)
    if not isinstance(answered, dict) or answered.get("entry") != entry_id:
        return
    question = str(answered.get("question", ""))
    candidates = [(str(entry), float(score)) for entry, score in answered.get("candidates", [])]
    store = context.services.store
    try:
        await store.log_wrong_answer(question, entry_id, candidates)
        if chat.id > 0 and question:
            await store.remember_unanswered(chat.id, question, keep=KEEP_UNANSWERED)
    except (OSError, StorageError) as error:
        log.warning("Could not log a 'Not what I asked' press (%s); check the data folder", error)


def _remember_offer(context: AppContext, message_id: int, answered: object) -> None:
    """Keep the next-best offer like a "Did you mean" one, so a press logs the entry chosen."""
    pending = _pending(context)
    if pending is None or not isinstance(answered, dict):
        return
    record = {
        "question": answered.get("question", ""),
        "candidates": answered.get("candidates", []),
    }
    _keep_newest(pending, message_id, record)
