"""/eligibility: check a city in three questions, keeping nothing (the answers ride in buttons)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AppContext
from bot.registration.answers import looks_like_question
from bot.registration.steps import (
    COMMITMENT_LABELS,
    COMMON_COUNTRIES,
    QUESTIONS,
    STATUS_LABELS,
    Step,
    judge_answers,
)
from bot.registration.texts import country_label, status_label, unknown_country, verdict_text
from faq.countries import is_country_code, match_country
from faq.eligibility import CityStatus, Commitment, Verdict
from handlers import callback_data as data
from handlers import faq

END = ConversationHandler.END
# Only the typed country is awaited in the conversation; a short wait, so an abandoned check
# does not take a later question for a country name.
COUNTRY_WAIT = timedelta(minutes=15)
INTRO = "Let's check whether your city can apply to the Cohort 2 call: three quick questions."
COUNTRY_QUESTION = "In which <b>country</b> is your city? Choose one, or type its name."
TYPE_COUNTRY = "Type the name of your country (in any language)."
COMMITMENT_QUESTION = (
    "Can your city show a <b>commitment to climate neutrality by 2050</b> at the latest?"
)
OUT_OF_DATE = "This button is out of date; send /eligibility to check again."
OFFERS = {
    Verdict.ELIGIBLE: "Pre-register your city's interest with /register "
    "(it is not an application).",
    Verdict.UNCLEAR: "You can still pre-register your city's interest with /register "
    "(it is not an application) while you check.",
    Verdict.NOT_ELIGIBLE: "You can still register your city's interest with /register, to hear "
    "of later calls.",
}


class Asked(StrEnum):
    """The one state: waiting for a typed country name."""

    COUNTRY = "country"


def country_keyboard(codes: Sequence[str], *, other: bool = True) -> InlineKeyboardMarkup:
    """Country buttons, two per row, then "Other (type it)"."""
    buttons = [
        InlineKeyboardButton(country_label(c), callback_data=data.eligibility_country(c))
        for c in codes
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if other:
        rows.append(
            [InlineKeyboardButton("Other (type it)", callback_data=data.ELIGIBILITY_OTHER_COUNTRY)]
        )
    return InlineKeyboardMarkup(rows)


def status_keyboard(code: str) -> InlineKeyboardMarkup:
    """One button per status, carrying the country."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data.eligibility_status(code, s.value))]
            for s, label in STATUS_LABELS.items()
        ]
    )


def commitment_keyboard(code: str, status: str) -> InlineKeyboardMarkup:
    """Yes / No / Not sure, carrying country and status."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=data.eligibility_commitment(code, status, c.value)
                )
                for c, label in COMMITMENT_LABELS.items()
            ]
        ]
    )


async def start(update: Update, context: AppContext) -> Asked:
    """/eligibility: ask the country."""
    if update.effective_message is not None:
        await update.effective_message.reply_html(
            f"{INTRO}\n\n{COUNTRY_QUESTION}", reply_markup=country_keyboard(COMMON_COUNTRIES)
        )
    return Asked.COUNTRY


async def other_country(update: Update, context: AppContext) -> Asked:
    """Other (type it): ask for the name."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(TYPE_COUNTRY)
    return Asked.COUNTRY


async def typed_country(update: Update, context: AppContext) -> object:
    """A typed country: matched, or asked again with the closest names as buttons."""
    message = update.effective_message
    if message is None or not message.text:
        return Asked.COUNTRY
    if looks_like_question(message.text):
        await faq.ask(update, context)
        return END
    match = match_country(message.text)
    if match.code is not None:
        await message.reply_html(_status_text(match.code), reply_markup=status_keyboard(match.code))
        return END
    text = unknown_country(message.text, match.suggestions)
    markup = country_keyboard(match.suggestions or COMMON_COUNTRIES, other=False)
    await message.reply_html(text, reply_markup=markup)
    return Asked.COUNTRY


def _status_text(code: str) -> str:
    return f"{_answers(code)}\n\n{QUESTIONS[Step.STATUS]}"


def _answers(
    code: str, status: CityStatus | None = None, commitment: Commitment | None = None
) -> str:
    lines = [f"<b>Country:</b> {escape(country_label(code))}"]
    if status is not None:
        lines.append(f"<b>Status:</b> {status_label(status.value)}")
    if commitment is not None:
        lines.append(f"<b>Commitment:</b> {COMMITMENT_LABELS[commitment]}")
    return "\n".join(lines)


async def country(update: Update, context: AppContext) -> object:
    """A country button: ask the status."""
    query = update.callback_query
    if query is None or query.data is None:
        return END
    (code,) = data.eligibility_answers(query.data)
    await query.answer()
    # The answers ride in the buttons, so even a check started before a restart goes on.
    await query.edit_message_text(
        _status_text(code), parse_mode="HTML", reply_markup=status_keyboard(code)
    )
    return END


async def check_from_answer(update: Update, context: AppContext) -> None:
    """ "Check my city" under a country answer: ask the status in a new message (the answer
    stays), the country already known."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or query.data is None or chat is None:
        return
    (code,) = data.eligibility_answers(query.data)
    if not is_country_code(code):
        await query.answer(OUT_OF_DATE, show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(
        chat.id, _status_text(code), parse_mode="HTML", reply_markup=status_keyboard(code)
    )


async def status(update: Update, context: AppContext) -> None:
    """A status button: ask the commitment."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    code, value = data.eligibility_answers(query.data)
    if value not in {s.value for s in CityStatus}:
        await query.answer(OUT_OF_DATE, show_alert=True)
        return
    await query.answer()
    text = f"{_answers(code, CityStatus(value))}\n\n{COMMITMENT_QUESTION}"
    await query.edit_message_text(
        text, parse_mode="HTML", reply_markup=commitment_keyboard(code, value)
    )


async def commitment(update: Update, context: AppContext) -> None:
    """A commitment button: the verdict with its reasons, and the /register offer."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    code, status_value, commitment_value = data.eligibility_answers(query.data)
    try:
        answers = CityStatus(status_value), Commitment(commitment_value)
    except ValueError:
        await query.answer(OUT_OF_DATE, show_alert=True)
        return
    await query.answer()
    rules = context.services.knowledge.current.eligibility
    judgement = judge_answers(rules, code, *answers)
    register = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "📝 Pre-register",
                    callback_data=data.register_start(code, status_value, commitment_value),
                )
            ]
        ]
    )
    await query.edit_message_text(
        f"{_answers(code, *answers)}\n\n{verdict_text(judgement)}\n\n{OFFERS[judgement.verdict]}",
        parse_mode="HTML",
        reply_markup=register,
    )


async def out_of_date(update: Update, context: AppContext) -> None:
    """ "Other (type it)" after the check was left: start again."""
    if update.callback_query is not None:
        await update.callback_query.answer(OUT_OF_DATE, show_alert=True)


async def stop(update: Update, context: AppContext) -> int:
    """/cancel while a country is awaited."""
    if update.effective_message is not None:
        await update.effective_message.reply_text("Eligibility check stopped; nothing was kept.")
    return END


def conversation() -> ConversationHandler[Any]:
    """The /eligibility conversation: only a typed country needs a state."""
    country_button = CallbackQueryHandler(country, pattern=data.ELIGIBILITY_COUNTRY_PATTERN)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[CommandHandler("eligibility", start, filters=filters.ChatType.PRIVATE)],
            states={
                Asked.COUNTRY: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, typed_country),
                    country_button,
                    CallbackQueryHandler(
                        other_country, pattern=data.exactly(data.ELIGIBILITY_OTHER_COUNTRY)
                    ),
                ]
            },
            fallbacks=[CommandHandler("cancel", stop)],
            allow_reentry=True,
            name="eligibility",
            conversation_timeout=COUNTRY_WAIT.total_seconds(),
        )


def buttons() -> list[CallbackQueryHandler[Any, Any]]:
    """The buttons that work outside the conversation too (after a restart, say)."""
    return [
        CallbackQueryHandler(country, pattern=data.ELIGIBILITY_COUNTRY_PATTERN),
        CallbackQueryHandler(check_from_answer, pattern=data.ELIGIBILITY_CHECK_PATTERN),
        CallbackQueryHandler(out_of_date, pattern=data.exactly(data.ELIGIBILITY_OTHER_COUNTRY)),
        CallbackQueryHandler(status, pattern=data.ELIGIBILITY_STATUS_PATTERN),
        CallbackQueryHandler(commitment, pattern=data.ELIGIBILITY_COMMITMENT_PATTERN),
    ]
