"""/register: pre-register a city step by step, the draft saved through the Store at every step."""

from __future__ import annotations

import asyncio
import functools
import logging
import warnings
from collections.abc import Callable, Coroutine, Sequence
from html import escape
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AppContext, BotApplication, Services
from bot.registration.answers import (
    AnswerError,
    check_email,
    check_text,
    is_plausible_population,
    looks_like_question,
    parse_population,
)
from bot.registration.notice import NOTICE_VERSION, short_notice
from bot.registration.steps import (
    COMMITMENT_LABELS,
    COMMON_COUNTRIES,
    EDIT_LABELS,
    EDITABLE,
    ELIGIBILITY_STEPS,
    IDLE_LIMIT,
    QUESTIONS,
    STATUS_LABELS,
    TOPICS,
    WHY,
    Step,
    changed,
    draft_from_check,
    draft_of,
    is_idle,
    judge_draft,
    missing_fields,
    new_draft,
    registration_of,
    step_after,
    step_before,
    toggled,
    with_verdict,
)
from bot.registration.texts import (
    answer_echo,
    country_label,
    population_doubt,
    pressed_answer,
    staff_notice,
    status_label,
    summary,
    thanks,
    unknown_country,
    verdict_text,
)
from bot.storage.durable import StorageError
from bot.storage.registrations import Registration, RegistrationDraft
from faq.countries import match_country, warm_up
from faq.eligibility import Commitment
from handlers import callback_data as data
from handlers import faq, privacy

log = logging.getLogger(__name__)

END = ConversationHandler.END
STALE_TEXT = "This button belongs to an earlier question; please use the buttons of my latest one."
CLOSED_TEXT = "This pre-registration question is no longer open; send /register to start again."
ALREADY_SAVED_TEXT = "Your pre-registration is already saved; see it with /myregistration."
BUSY_TEXT = "You are in the middle of pre-registering; finish it or send /cancel first."
USE_BUTTONS_TEXT = "Please use the buttons below to answer."
GONE_TEXT = (
    "Your unfinished pre-registration is no longer open (it was left for over 24 hours, or "
    "erased), so nothing was saved. Send /register to start again."
)
TIMED_OUT_TEXT = (
    "I dropped your unfinished pre-registration after 24 hours without an answer; nothing was "
    "saved. Send /register to start again."
)
CANCELLED_TEXT = (
    "Cancelled: nothing was saved, and your answers so far are deleted. "
    "Send /register any time to start again."
)
CANCELLED_UPDATE_TEXT = "Cancelled: your saved pre-registration is unchanged."
TIMED_OUT_UPDATE_TEXT = (
    "I dropped your unfinished changes after 24 hours without an answer; your saved "
    "pre-registration is unchanged (see it with /myregistration)."
)
STOPPED_UPDATE_TEXT = "Stopped here: your saved pre-registration is unchanged."
SAVED_HEADING = "You have already pre-registered:"
STOPPED_TEXT = (
    "Thank you for checking. Nothing was saved. Send /subscribe for news of later calls, or "
    "/register again if your city's situation changes."
)
NOT_ELIGIBLE_OFFER = (
    "You may still <b>register your city's interest</b>, so the people running this bot know "
    "of it and you hear of later calls, or stop here."
)
RESUMED_TEXT = "You are in the middle of pre-registering; let's carry on where you were."
FROM_CHECK_TEXT = (
    "From your eligibility check I kept the country, the status and the commitment; you can "
    "change them when you check your answers at the end:"
)

Choices = list[list[tuple[str, str]]]
StepCallback = Callable[[Update, AppContext, RegistrationDraft], Coroutine[Any, Any, object]]


def _choices(draft: RegistrationDraft, step: Step, countries: Sequence[str]) -> Choices:
    """The answer buttons of a step as rows of (label, action)."""
    if step is Step.POPULATION and _doubted(draft):
        return [[(f"Yes, {draft.population:,}", "sure"), ("No, type it again", "retype")]]
    if step is Step.CONSENT:
        return [[("✅ I agree", "agree")]]
    if step is Step.COUNTRY:
        buttons = [(country_label(code), code) for code in countries]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if step is Step.STATUS:
        return [[(label, status.value)] for status, label in STATUS_LABELS.items()]
    if step is Step.COMMITMENT:
        return [[(label, value.value) for value, label in COMMITMENT_LABELS.items()]]
    if step is Step.VERDICT:
        return [[("Register our interest anyway", "interest")], [("Stop here", "stop")]]
    if step is Step.TOPICS:
        ticks = [
            (("✔️ " if key in draft.topics else "") + label, f"t:{key}")
            for key, label in TOPICS.items()
        ]
        done = "✅ Done" if draft.topics else "Skip (no topics)"
        return [*(ticks[i : i + 2] for i in range(0, len(ticks), 2)), [(done, "done")]]
    if step is Step.REVIEW:
        edits = [(f"✏️ {label}", f"edit:{field}") for field, label in EDIT_LABELS.items()]
        return [*(edits[i : i + 3] for i in range(0, len(edits), 3)), [("✅ Confirm", "confirm")]]
    return []


def _doubted(draft: RegistrationDraft) -> bool:
    """Whether the draft holds a population to ask back (typed, not yet confirmed)."""
    return draft.population is not None and not is_plausible_population(draft.population)


def keyboard(
    draft: RegistrationDraft, step: Step, countries: Sequence[str] = COMMON_COUNTRIES
) -> InlineKeyboardMarkup:
    """A step's answer buttons, then Back (where there is a step before), Why? and Cancel."""
    rows = [
        [
            InlineKeyboardButton(label, callback_data=data.registration(step, action))
            for label, action in row
        ]
        for row in _choices(draft, step, countries)
    ]
    navigation = [("« Back", "back")] if step_before(draft, step) is not None else []
    navigation.append(("Why?", "why"))
    if step is not Step.VERDICT:  # its "Stop here" is the way out
        navigation.append(("Cancel", "cancel"))
    rows.append(
        [
            InlineKeyboardButton(label, callback_data=data.registration(step, action))
            for label, action in navigation
        ]
    )
    return InlineKeyboardMarkup(rows)


def question(draft: RegistrationDraft, step: Step, context: AppContext) -> str:
    """What the bot asks at a step (HTML)."""
    if step is Step.CONSENT:
        return short_notice(privacy.controller(context))
    if step is Step.VERDICT:
        judgement = judge_draft(context.services.knowledge.current.eligibility, draft)
        shown = verdict_text(judgement) if judgement else ""
        return f"{shown}\n\n{NOT_ELIGIBLE_OFFER}"
    if step is Step.POPULATION and draft.population is not None and _doubted(draft):
        return population_doubt(draft.population)
    if step is Step.REVIEW:
        updating = "You are updating your saved pre-registration.\n" if draft.updating else ""
        return (
            f"<b>Please check your answers</b>\n{updating}{summary(draft)}\n\n"
            "Press a field to change it, or Confirm to save."
        )
    return QUESTIONS[step]


async def ask(
    update: Update,
    context: AppContext,
    draft: RegistrationDraft,
    step: Step,
    *,
    intro: str = "",
    countries: Sequence[str] = COMMON_COUNTRIES,
) -> Step:
    """Ask a step (after an optional intro) and save the draft at it; the new state."""
    chat = update.effective_chat
    assert chat is not None
    text = "\n\n".join(part for part in (intro, question(draft, step, context)) if part)
    markup = keyboard(draft, step, countries)
    # Before the new prompt, so its buttons are the only ones shown (and no wait before saving).
    await _close_prompt(update, context, draft)
    sent = await context.bot.send_message(chat.id, text, parse_mode="HTML", reply_markup=markup)
    await context.services.store.save_draft(
        changed(
            draft,
            step=step,
            prompt_message_id=sent.message_id,
            last_activity=context.services.clock(),
            reviewing=draft.reviewing or step is Step.REVIEW,
        )
    )
    return step


async def _close_prompt(update: Update, context: AppContext, draft: RegistrationDraft) -> None:
    """Take the buttons off the draft's latest prompt; the answer pressed on it stays written
    under it ("✓ Status: ..."), so the chat still shows what was chosen."""
    query, chat = update.callback_query, update.effective_chat
    assert chat is not None
    message = query.message if query is not None else None
    chosen = None
    if query is not None and message is not None and message.message_id == draft.prompt_message_id:
        chosen = pressed_answer(draft, *data.registration_step_and_action(query.data or ""))
    if chosen is None or not await _mark_answer(message, chosen):
        await _remove_buttons(context, chat.id, draft.prompt_message_id)


async def _mark_answer(message: MaybeInaccessibleMessage | None, chosen: str) -> bool:
    """Write the chosen answer under a prompt, its buttons gone; False when it cannot be."""
    if not isinstance(message, Message) or not message.text:
        return False
    try:
        await message.edit_text(f"{message.text_html}\n\n{chosen}", parse_mode="HTML")
    except TelegramError as error:  # too long, or gone
        log.debug("Could not keep the answer on message %s (%s)", message.message_id, error)
        return False
    return True


async def _remove_buttons(context: AppContext, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off an earlier prompt, so only the latest question's buttons show."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except TelegramError as error:  # "message is not modified", "message to edit not found"
        log.debug("Could not remove the buttons of message %s (%s)", message_id, error)


async def _live_draft(context: AppContext, user_id: int) -> RegistrationDraft | None:
    """The person's draft if still open; an idle one is deleted."""
    store = context.services.store
    draft = await store.get_draft(user_id)
    if draft is not None and not is_idle(draft.last_activity, context.services.clock()):
        return draft
    if draft is not None:
        await store.delete_draft(user_id)
    return None


async def _open_draft(update: Update, context: AppContext) -> RegistrationDraft | None:
    """The person's draft if still open; otherwise say so (deleting an idle one) and None."""
    user = update.effective_user
    assert user is not None
    draft = await _live_draft(context, user.id)
    if draft is not None:
        return draft
    await _no_open_draft(update, context)
    return None


async def _no_open_draft(update: Update, context: AppContext) -> None:
    """No registration under way: say what is saved, never "nothing was saved" when it was.

    The conversation's step (PTB persistence, written each second) can lag the Store: after a
    crash it may still say "review" when Confirm had been saved, so the Store is asked first.
    """
    user, query, chat = update.effective_user, update.callback_query, update.effective_chat
    saved = await context.services.store.get_registration(user.id) if user else None
    if saved is None:
        if query is not None:
            await query.answer()
        if chat is not None:
            await context.bot.send_message(chat.id, GONE_TEXT)
        return
    if query is not None:
        await query.answer(ALREADY_SAVED_TEXT, show_alert=True)
    if await confirm_missed(context.bot, context.services, saved) or query is not None:
        return
    await show_saved(update, context, saved, SAVED_HEADING, keep=True)


def guarded(
    step: Step | None,
) -> Callable[[StepCallback], Callable[[Update, AppContext], Coroutine[Any, Any, object]]]:
    """Run a step callback on the open draft; stale buttons get an alert and change nothing."""

    def decorate(
        callback: StepCallback,
    ) -> Callable[[Update, AppContext], Coroutine[Any, Any, object]]:
        @functools.wraps(callback)
        async def run(update: Update, context: AppContext) -> object:
            draft = await _open_draft(update, context)
            if draft is None:
                return END
            query = update.callback_query
            if query is not None:
                pressed_step, _ = data.registration_step_and_action(query.data or "")
                message = query.message
                current = message is not None and message.message_id == draft.prompt_message_id
                if pressed_step != draft.step or not current:
                    await query.answer(STALE_TEXT, show_alert=True)
                    return Step(draft.step)
                if _action(update) != "why":  # Why? answers with an alert of its own
                    await query.answer()
            elif step is not None and draft.step != step:
                # The conversation state and the draft disagree (a crash between the two
                # writes): the draft is the record, so ask its step again.
                return await ask(update, context, draft, Step(draft.step))
            return await callback(update, context, draft)

        return run

    return decorate


def _action(update: Update) -> str:
    query = update.callback_query
    return data.registration_step_and_action(query.data or "")[1] if query else ""


def _text(update: Update) -> str:
    message = update.effective_message
    return message.text or "" if message else ""


async def _answered(
    update: Update, context: AppContext, draft: RegistrationDraft, step: Step, *, echo: str = ""
) -> Step:
    """Move on from an answered step (after `echo`, the answer as understood), judging
    eligibility when its answers changed."""
    verdict = ""
    if step in ELIGIBILITY_STEPS:
        judgement = judge_draft(context.services.knowledge.current.eligibility, draft)
        draft = with_verdict(draft, judgement)
        if judgement is not None and (step is Step.COMMITMENT or draft.reviewing):
            verdict = verdict_text(judgement)
    following = step_after(draft, step)
    shown = (echo, "" if following is Step.VERDICT else verdict)
    return await ask(
        update, context, draft, following, intro="\n\n".join(part for part in shown if part)
    )


async def _typed(
    update: Update,
    context: AppContext,
    draft: RegistrationDraft,
    step: Step,
    field: str,
    parse: Callable[[str], Any],
    likely: Callable[[Any], bool] = lambda value: True,
) -> Step:
    """A free-text step: answer a question from the FAQ, refuse a bad value, ask an unlikely
    one back (kept in the draft, the step asked again), or move on."""
    text = _text(update)
    if looks_like_question(text):
        await faq.ask(update, context)
        return await ask(update, context, draft, step)
    try:
        value = parse(text)
    except AnswerError as error:
        return await ask(update, context, draft, step, intro=escape(str(error)))
    if not likely(value):
        return await ask(update, context, changed(draft, **{field: value}), step)
    return await _answered(update, context, changed(draft, **{field: value}), step)


# The steps that take a name or role: the draft field, and what the refusal asks for.
NAMES = {
    Step.CITY: ("city", "the name of your city", True),
    Step.CONTACT_NAME: ("contact_name", "the contact person's name", False),
    Step.CONTACT_ROLE: ("contact_role", "their role or position", True),
}


async def _typed_name(
    update: Update, context: AppContext, draft: RegistrationDraft, step: Step
) -> Step:
    field, what, digits = NAMES[step]
    return await _typed(
        update, context, draft, step, field, lambda text: check_text(text, what, digits=digits)
    )


async def start(update: Update, context: AppContext) -> object:
    """/register (or Pre-register after /eligibility, with its answers): carry on with an open
    draft, show a saved registration, or ask consent."""
    user, query = update.effective_user, update.callback_query
    if user is None or update.effective_chat is None:
        return END
    if query is not None:
        await query.answer()
    store, now = context.services.store, context.services.clock()
    draft = await store.get_draft(user.id)
    if draft is not None and not is_idle(draft.last_activity, now):
        return await ask(update, context, draft, Step(draft.step), intro=RESUMED_TEXT)
    saved = await store.get_registration(user.id)
    if saved is not None:
        await confirm_missed(context.bot, context.services, saved)
        await show_saved(update, context, saved, SAVED_HEADING, keep=True)
        return END
    answers = data.register_start_answers(query.data or "") if query is not None else None
    if answers is None:
        return await ask(update, context, new_draft(user.id, now), Step.CONSENT)
    rules = context.services.knowledge.current.eligibility
    draft = draft_from_check(user.id, now, answers, rules)
    return await ask(update, context, draft, Step.CONSENT, intro=_carried(draft))


def _carried(draft: RegistrationDraft) -> str:
    """What an /eligibility check's Pre-register button brought into the draft (HTML)."""
    if not draft.from_check:
        return ""
    lines = [
        answer_echo("Country", country_label(draft.country)),
        answer_echo("Status", status_label(draft.status)),
        answer_echo("Commitment", COMMITMENT_LABELS[Commitment(draft.commitment)]),
    ]
    return "\n".join([FROM_CHECK_TEXT, *lines])


async def show_saved(
    update: Update, context: AppContext, saved: Registration, heading: str, *, keep: bool
) -> None:
    """A saved registration with a button to edit it (and one to keep it as it is)."""
    rows = [[InlineKeyboardButton("✏️ Edit it", callback_data=data.REGISTER_UPDATE)]]
    if keep:
        rows.append([InlineKeyboardButton("Keep it as it is", callback_data=data.REGISTER_KEEP)])
    buttons = InlineKeyboardMarkup(rows)
    assert update.effective_chat is not None
    when = ""
    if saved.registered_at is not None:
        zone = context.services.settings.zone
        when = f"Registered on {privacy.readable_moment(saved.registered_at, zone)}.\n"
    await context.bot.send_message(
        update.effective_chat.id,
        f"<b>{heading}</b>\n{when}{summary(saved)}",
        parse_mode="HTML",
        reply_markup=buttons,
    )


async def update_saved(update: Update, context: AppContext) -> object:
    """Edit under a saved registration: its review (after consent again if the notice changed)."""
    user, query = update.effective_user, update.callback_query
    if user is None or query is None:
        return END
    await query.answer()
    saved = await context.services.store.get_registration(user.id)
    if saved is None:
        await query.edit_message_text(
            "You have no saved pre-registration; send /register to make one."
        )
        return END
    draft = draft_of(saved, context.services.clock())
    if saved.notice_version != NOTICE_VERSION:
        return await ask(
            update,
            context,
            draft,
            Step.CONSENT,
            intro="The privacy notice has changed since you agreed:",
        )
    return await ask(update, context, draft, Step.REVIEW)


async def my_registration(update: Update, context: AppContext) -> None:
    """/myregistration: the saved registration, with Edit."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    saved = await context.services.store.get_registration(user.id)
    if saved is None:
        await message.reply_text("You have not pre-registered a city; send /register to do it.")
        return
    await confirm_missed(context.bot, context.services, saved)
    await show_saved(update, context, saved, "Your pre-registration", keep=False)


async def keep_saved(update: Update, context: AppContext) -> None:
    """Keep under a saved registration: nothing changes."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        if not await _mark_answer(query.message, "✓ Keep it as it is"):
            await query.edit_message_reply_markup(None)
        await context.bot.send_message(
            query.from_user.id, "Kept as it is. See it any time with /myregistration."
        )


async def resume(update: Update, context: AppContext) -> object:
    """/register (or its buttons) during a registration: ask the current step again."""
    draft = await _open_draft(update, context)
    if draft is None:
        return END
    if update.callback_query is not None:
        await update.callback_query.answer()
    return await ask(update, context, draft, Step(draft.step), intro=RESUMED_TEXT)


@guarded(Step.CONSENT)
async def consent(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Consent: they agreed to the privacy notice; its time and version are kept."""
    agreed = changed(draft, consented_at=context.services.clock(), notice_version=NOTICE_VERSION)
    return await ask(update, context, agreed, step_after(agreed, Step.CONSENT))


@guarded(Step.CITY)
async def city(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """City: the typed name of the city or municipality."""
    return await _typed_name(update, context, draft, Step.CITY)


@guarded(Step.COUNTRY)
async def country(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Country: a button, or a typed name matched despite typos and other languages."""
    if update.callback_query is not None:
        return await _country_answered(update, context, draft, _action(update))
    text = _text(update)
    if looks_like_question(text):
        await faq.ask(update, context)
        return await ask(update, context, draft, Step.COUNTRY)
    match = match_country(text)
    if match.code is None:
        return await ask(
            update,
            context,
            draft,
            Step.COUNTRY,
            intro=unknown_country(text, match.suggestions),
            countries=match.suggestions or COMMON_COUNTRIES,
        )
    return await _country_answered(update, context, draft, match.code)


async def _country_answered(
    update: Update, context: AppContext, draft: RegistrationDraft, code: str
) -> Step:
    """Move on from the country, saying which one was understood."""
    echo = answer_echo("Country", country_label(code))
    return await _answered(update, context, changed(draft, country=code), Step.COUNTRY, echo=echo)


@guarded(Step.STATUS)
async def status(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Status: what the city already is in the Cities Mission."""
    return await _answered(update, context, changed(draft, status=_action(update)), Step.STATUS)


@guarded(Step.COMMITMENT)
async def commitment(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Commitment: to climate neutrality by 2050; the verdict follows."""
    return await _answered(
        update, context, changed(draft, commitment=_action(update)), Step.COMMITMENT
    )


@guarded(Step.VERDICT)
async def verdict(update: Update, context: AppContext, draft: RegistrationDraft) -> object:
    """Verdict (not eligible): register interest anyway, or stop."""
    if _action(update) == "stop":
        await _close_prompt(update, context, draft)
        return await _drop(update, context, STOPPED_UPDATE_TEXT if draft.updating else STOPPED_TEXT)
    interested = changed(draft, interest_only=True)
    return await ask(update, context, interested, step_after(interested, Step.VERDICT))


@guarded(Step.POPULATION)
async def population(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Population: "120000", "about 37k", "1.2 million"; an unlikely number is asked back
    (Yes keeps it, "type it again" clears it)."""
    action = _action(update)
    if action == "sure" and draft.population is not None:
        return await _answered(update, context, draft, Step.POPULATION)
    if action in ("sure", "retype"):
        return await ask(update, context, changed(draft, population=None), Step.POPULATION)
    return await _typed(
        update,
        context,
        draft,
        Step.POPULATION,
        "population",
        parse_population,
        likely=is_plausible_population,
    )


@guarded(Step.CONTACT_NAME)
async def contact_name(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Contact name: the contact person's name."""
    return await _typed_name(update, context, draft, Step.CONTACT_NAME)


@guarded(Step.CONTACT_ROLE)
async def contact_role(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Contact role: their role or position."""
    return await _typed_name(update, context, draft, Step.CONTACT_ROLE)


@guarded(Step.EMAIL)
async def email(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Email: the work email address."""
    return await _typed(update, context, draft, Step.EMAIL, "email", check_email)


@guarded(Step.TOPICS)
async def topics(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Topics: a press toggles one (the same message is edited), Done moves on."""
    action = _action(update)
    if action == "done":
        return await _answered(update, context, draft, Step.TOPICS)
    draft = changed(
        draft,
        topics=toggled(draft.topics, action.removeprefix("t:")),
        last_activity=context.services.clock(),
    )
    await context.services.store.save_draft(draft)
    query = update.callback_query
    assert query is not None
    await query.edit_message_reply_markup(keyboard(draft, Step.TOPICS))
    return Step.TOPICS


@guarded(Step.REVIEW)
async def review(update: Update, context: AppContext, draft: RegistrationDraft) -> object:
    """Review: Edit a field (answering returns here), or Confirm."""
    action = _action(update)
    if action.startswith("edit:"):
        return await ask(update, context, draft, EDITABLE[action.removeprefix("edit:")])
    missing = missing_fields(draft)
    if missing:
        return await ask(update, context, draft, EDITABLE.get(missing[0], Step.CONSENT))
    return await confirm(update, context, draft)


async def confirm(update: Update, context: AppContext, draft: RegistrationDraft) -> object:
    """Save the registration, drop the draft, subscribe them if it is new (an update leaves
    the subscription as it is: they may have unsubscribed), and tell the staff chat."""
    store, now = context.services.store, context.services.clock()
    previous = await store.get_registration(draft.user_id)
    if previous is not None and previous.confirmation_pending == "new":
        previous = None  # confirmed again before its first Thank you went: still a new one
    # Saved marked "not yet confirmed", so a crash before the Thank you is known afterwards.
    registration = registration_of(draft, previous, now)
    await store.save_registration(registration)
    await confirm_missed(context.bot, context.services, registration)  # drops the draft too
    return END


async def confirm_missed(bot: Bot, services: Services, saved: Registration) -> bool:
    """If `saved` was never confirmed to the person, do it now (subscribe a new one, thank them,
    tell staff); True if it was pending."""
    kind = saved.confirmation_pending
    if kind is None:
        return False
    new = kind == "new"
    # A crash before the draft went leaves the confirmed draft: it must not reopen the review.
    await services.store.delete_draft(saved.user_id)
    if new:
        await services.store.add_subscriber(saved.user_id)
    await bot.send_message(saved.user_id, thanks(saved.city, new=new), parse_mode="HTML")
    confirmed = saved.model_copy(update={"confirmation_pending": None})
    await services.store.save_registration(confirmed)
    # After the mark: a crash here loses the staff notice rather than thanking anyone twice.
    await _notify_staff(bot, services, confirmed, updated=not new)
    return True


async def confirm_missed_at_start(application: BotApplication) -> None:
    """A start-up step: thank everyone whose Confirm was saved just before a crash."""
    services = application.bot_data.services
    for saved in await services.store.all_registrations():
        try:
            if await confirm_missed(application.bot, services, saved):
                log.info("Sent the confirmation a crash kept from user %s", saved.user_id)
        except (TelegramError, OSError, StorageError) as error:
            # Not worth stopping the start for: they are thanked at their next visit instead.
            log.warning("Could not send a missed confirmation (%s)", error)


async def _notify_staff(
    bot: Bot, services: Services, registration: Registration, *, updated: bool
) -> None:
    staff_chat = services.settings.staff_chat_id
    if staff_chat is None:
        return
    same_city = await services.store.registrations_of_city(registration.city, registration.country)
    duplicate = any(other.user_id != registration.user_id for other in same_city)
    try:
        await bot.send_message(
            staff_chat,
            staff_notice(registration, updated=updated, possible_duplicate=duplicate),
            parse_mode="HTML",
        )
    except TelegramError as error:
        # The registration is saved; the staff chat's problem is the operators' to fix.
        log.warning("Could not notify the staff chat %s of a registration (%s)", staff_chat, error)


@guarded(None)
async def use_buttons(update: Update, context: AppContext, draft: RegistrationDraft) -> Step:
    """Text where a button was expected: answer a question, or ask for the buttons."""
    if looks_like_question(_text(update)):
        await faq.ask(update, context)
        return await ask(update, context, draft, Step(draft.step))
    return await ask(update, context, draft, Step(draft.step), intro=USE_BUTTONS_TEXT)


@guarded(None)
async def navigate(update: Update, context: AppContext, draft: RegistrationDraft) -> object:
    """Back, Why? and Cancel, at any step."""
    action, step = _action(update), Step(draft.step)
    if action == "why":
        assert update.callback_query is not None
        await update.callback_query.answer(WHY[step], show_alert=True)
        return step
    if action == "cancel":
        return await _drop(update, context, _cancelled(draft))
    previous = step_before(draft, step)
    return await ask(update, context, draft, previous or step)


def _cancelled(draft: RegistrationDraft | None) -> str:
    return CANCELLED_UPDATE_TEXT if draft is not None and draft.updating else CANCELLED_TEXT


async def cancel(update: Update, context: AppContext) -> int:
    """/cancel: end the registration, deleting the draft (a saved registration stays)."""
    user = update.effective_user
    store = context.services.store
    draft = await store.get_draft(user.id) if user is not None else None
    saved = await store.get_registration(user.id) if user is not None else None
    if draft is None and saved is not None:
        # The conversation outlived a saved Confirm (a crash before it ended): it stays saved.
        await confirm_missed(context.bot, context.services, saved)
        return await _drop(update, context, CANCELLED_UPDATE_TEXT)
    return await _drop(update, context, _cancelled(draft))


async def busy(update: Update, context: AppContext) -> object:
    """/eligibility during a registration: finish or cancel that first."""
    user = update.effective_user
    if user is None or await _live_draft(context, user.id) is None:
        # The conversation outlived its draft (erased, expired or confirmed before a crash):
        # end it; /eligibility again.
        await _no_open_draft(update, context)
        return END
    if update.effective_message is not None:
        await update.effective_message.reply_text(BUSY_TEXT)
    return None


async def faq_button(update: Update, context: AppContext) -> object:
    """An FAQ entry's button during a registration: its answer, then the step again."""
    await faq.show_entry(update, context)
    user = update.effective_user
    draft = await _live_draft(context, user.id) if user is not None else None
    if draft is None:
        return END
    return await ask(update, context, draft, Step(draft.step))


async def _drop(update: Update, context: AppContext, text: str) -> int:
    user, chat = update.effective_user, update.effective_chat
    if user is not None:
        await context.services.store.delete_draft(user.id)
    if chat is not None:
        await context.bot.send_message(chat.id, text, parse_mode="HTML")
    return END


async def erase(update: Update, context: AppContext) -> object:
    """/deletedata's confirm button mid-registration: erase as /deletedata does, and end here."""
    await privacy.erase_or_keep(update, context)
    query = update.callback_query
    return END if query is not None and query.data == data.ERASE_DATA else None


async def timed_out(update: object, context: AppContext) -> None:
    """The running process's 24-hour timeout: drop the draft and say so."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    store, user_id = context.services.store, update.effective_user.id
    await store.delete_draft(user_id)
    saved = await store.get_registration(user_id) is not None
    await context.bot.send_message(user_id, TIMED_OUT_UPDATE_TEXT if saved else TIMED_OUT_TEXT)


async def nothing_to_cancel(update: Update, context: AppContext) -> None:
    """/cancel with no registration or check under way."""
    if update.effective_message is not None:
        await update.effective_message.reply_text("There is nothing to cancel just now.")


async def stale(update: Update, context: AppContext) -> None:
    """A /register button that belongs to another question than the open one."""
    if update.callback_query is not None:
        await update.callback_query.answer(STALE_TEXT, show_alert=True)


async def closed(update: Update, context: AppContext) -> None:
    """A /register button with no registration under way (one may be saved already)."""
    query, user = update.callback_query, update.effective_user
    if query is None:
        return
    store = context.services.store
    saved = await store.get_registration(user.id) if user is not None else None
    if saved is not None and user is not None and await _live_draft(context, user.id) is None:
        await query.answer(ALREADY_SAVED_TEXT, show_alert=True)
        await confirm_missed(context.bot, context.services, saved)
        return
    await query.answer(CLOSED_TEXT, show_alert=True)


def _buttons(
    step: Step, callback: Callable[[Update, AppContext], Coroutine[Any, Any, object]], *actions: str
) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=data.registration_choice(step, *actions))


def conversation() -> ConversationHandler[Any]:
    """The persistent /register conversation: one state per step."""
    text = filters.TEXT & ~filters.COMMAND
    typed: MessageHandler[Any, Any] = MessageHandler(text, use_buttons)
    statuses = [s.value for s in STATUS_LABELS]
    commitments = [c.value for c in COMMITMENT_LABELS]
    topic_actions = ["done", *(f"t:{key}" for key in TOPICS)]
    edits = [f"edit:{field}" for field in EDITABLE]
    private = filters.ChatType.PRIVATE
    states: dict[object, list[Any]] = {
        Step.CONSENT: [_buttons(Step.CONSENT, consent, "agree"), typed],
        Step.CITY: [MessageHandler(text, city)],
        Step.COUNTRY: [
            MessageHandler(text, country),
            CallbackQueryHandler(
                country, pattern=data.registration_choice(Step.COUNTRY) + "[A-Z]{2}$"
            ),
        ],
        Step.STATUS: [_buttons(Step.STATUS, status, *statuses), typed],
        Step.COMMITMENT: [_buttons(Step.COMMITMENT, commitment, *commitments), typed],
        Step.VERDICT: [_buttons(Step.VERDICT, verdict, "interest", "stop"), typed],
        Step.POPULATION: [
            MessageHandler(text, population),
            _buttons(Step.POPULATION, population, "sure", "retype"),
        ],
        Step.CONTACT_NAME: [MessageHandler(text, contact_name)],
        Step.CONTACT_ROLE: [MessageHandler(text, contact_role)],
        Step.EMAIL: [MessageHandler(text, email)],
        Step.TOPICS: [_buttons(Step.TOPICS, topics, *topic_actions), typed],
        Step.REVIEW: [_buttons(Step.REVIEW, review, *edits, "confirm"), typed],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
    }
    with warnings.catch_warnings():
        # Buttons are checked against the draft's current question instead of per message.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[
                CommandHandler("register", start, filters=private),
                CallbackQueryHandler(start, pattern=data.REGISTER_START_PATTERN),
                CallbackQueryHandler(update_saved, pattern=data.exactly(data.REGISTER_UPDATE)),
            ],
            states=states,
            fallbacks=[
                CommandHandler("cancel", cancel),
                CommandHandler("register", resume),
                CommandHandler("eligibility", busy),
                CallbackQueryHandler(faq_button, pattern=data.FAQ_ENTRY_PATTERN),
                CallbackQueryHandler(resume, pattern=data.REGISTRATION_RESUME_PATTERN),
                CallbackQueryHandler(erase, pattern=data.ERASE_OR_KEEP_PATTERN),
                CallbackQueryHandler(navigate, pattern=data.REGISTRATION_NAVIGATION_PATTERN),
                CallbackQueryHandler(stale, pattern=data.REGISTRATION_ANY_PATTERN),
            ],
            name="registration",
            persistent=True,
            conversation_timeout=IDLE_LIMIT.total_seconds(),
        )


async def prepare(application: BotApplication) -> None:
    """A start-up step: build the country-name index now, off the event loop; then send the
    confirmations a crash kept back."""
    await asyncio.to_thread(warm_up)
    await confirm_missed_at_start(application)
