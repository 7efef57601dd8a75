"""/mydata and /deletedata: people can see everything kept about them, and erase it."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.context import AppContext
from bot.desk.handoff import cut
from bot.registration.notice import Controller, controller_line, full_notice
from bot.registration.texts import and_joined, country_label, summary
from bot.storage.handoffs import HandoffThread, UnansweredHint
from bot.storage.registrations import Registration, RegistrationDraft
from bot.storage.store import UserData
from bot.storage.subscribers import ChatStatus, Subscription
from faq.placeholders import format_call_date, zone_name
from handlers import callback_data as data
from handlers.desk import blank_staff_copies

SHOWN_HANDOFF_MESSAGES = 5
SHOWN_HANDOFF_CHARS = 120

CONFIRM_ERASE = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes, erase my data", callback_data=data.ERASE_DATA)],
        [InlineKeyboardButton("No, keep it", callback_data=data.KEEP_DATA)],
    ]
)


def controller(context: AppContext) -> Controller:
    """The controller the privacy notice names, from the settings."""
    settings = context.services.settings
    return Controller(
        settings.privacy_controller, settings.privacy_contact, settings.privacy_dpo_contact
    )


async def show_my_data(update: Update, context: AppContext) -> None:
    """Tell the user in plain words what the bot keeps about them, then send it all as JSON."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    export = await user_data(context, user.id)
    if export.is_empty:
        await message.reply_html(
            "I keep no personal data about you: no pre-registration and no subscription.\n"
            + controller_line(controller(context))
        )
        return
    described = describe_user_data(export, context.services.settings.zone)
    await message.reply_html(f"{described}\n{controller_line(controller(context))}")
    payload = json.dumps(export.to_json(), indent=2, ensure_ascii=False, default=str).encode()
    await message.reply_document(
        InputFile(payload, filename="my-data.json"),
        caption="Everything I keep about you. Erase it any time with /deletedata.",
    )


async def user_data(context: AppContext, user_id: int) -> UserData:
    """What the store keeps about someone, with the announcements still queued to them."""
    export = await context.services.store.export_user_data(user_id)
    queued = await context.services.outbox.pending_for(user_id)
    return dataclasses.replace(export, queued=tuple(queued))


def describe_user_data(export: UserData, zone: ZoneInfo) -> str:
    """What the bot keeps about someone, in plain words and local time (HTML, values escaped)."""
    lines = [
        "<b>What I keep about you</b>",
        _registration_line(export.registration, zone),
    ]
    if export.draft is not None:
        lines.append(_draft_line(export.draft, zone))
    lines.append(_subscription_line(export.subscription, zone))
    if export.chat is not None:
        lines.append(_chat_line(export.chat, zone))
    if export.queued:
        lines.append(_queued_line(len(export.queued)))
    lines.extend(_handoff_line(thread, zone) for thread in export.handoffs[-3:])
    if export.unanswered is not None:
        lines.append(_unanswered_line(export.unanswered, zone))
    lines.append("The file below holds every detail.")
    return "\n".join(lines)


def _registration_line(registration: Registration | None, zone: ZoneInfo) -> str:
    if registration is None:
        return "You have not pre-registered a city."
    country = escape(country_label(registration.country))
    line = f"You pre-registered <b>{escape(registration.city)}</b> ({country})"
    if registration.registered_at is not None:
        line += f" on {readable_moment(registration.registered_at, zone)}"
    if registration.updated_at not in (None, registration.registered_at):
        assert registration.updated_at is not None
        line += f", last updated on {readable_moment(registration.updated_at, zone)}"
    contact = [registration.contact_name, registration.contact_role, registration.email]
    given = [escape(value) for value in contact if value]
    line += "." + (f"\nContact: {', '.join(given)}." if given else "")
    return f"{line}\n{_consent_line(registration, zone)}\n{summary(registration)}"


def _consent_line(record: Registration | RegistrationDraft, zone: ZoneInfo) -> str:
    if record.consented_at is None:
        return "You have not agreed to the privacy notice yet."
    version = escape(record.notice_version or "unknown")
    when = readable_moment(record.consented_at, zone)
    return f"You agreed to the privacy notice of {version} on {when}."


def _draft_line(draft: RegistrationDraft, zone: ZoneInfo) -> str:
    when = readable_moment(draft.last_activity, zone)
    return (
        f"<b>An unfinished pre-registration</b>, last answered on {when} (dropped after 24 "
        f"hours without an answer):\n{_consent_line(draft, zone)}\n{summary(draft)}"
    )


def _subscription_line(subscription: Subscription | None, zone: ZoneInfo) -> str:
    if subscription is None:
        return "You are not subscribed to news."
    return f"You subscribed to news on {readable_moment(subscription.consented_at, zone)}."


def _chat_line(chat: ChatStatus, zone: ZoneInfo) -> str:
    when = readable_moment(chat.changed_at, zone)
    if chat.blocked:
        return f"You have blocked me since {when}, so I send you nothing."
    return f"You unblocked me on {when}."


def _handoff_line(thread: HandoffThread, zone: ZoneInfo) -> str:
    when = readable_moment(thread.opened_at, zone)
    state = {"asking": "waiting for your question", "open": "open", "closed": "closed"}
    status = state[thread.status]
    lines = [f"<b>Your conversation with the programme team</b> of {when} ({status}):"]
    if thread.unanswered_question:
        asked = escape(cut(thread.unanswered_question, SHOWN_HANDOFF_CHARS))
        lines.append(f"• The question I could not answer, passed on with it: <i>{asked}</i>")
    # The newest few, shortened: the message must stay under Telegram's 4096 characters.
    for message in thread.messages[-SHOWN_HANDOFF_MESSAGES:]:
        sender = "You" if message.sender == "person" else "The team"
        said = escape(cut(message.text, SHOWN_HANDOFF_CHARS))
        lines.append(f"• {sender}, {readable_moment(message.sent_at, zone)}: {said}")
    if len(thread.messages) > SHOWN_HANDOFF_MESSAGES:
        lines.append(f"• … and {len(thread.messages) - SHOWN_HANDOFF_MESSAGES} earlier messages")
    return "\n".join(lines)


def _unanswered_line(hint: UnansweredHint, zone: ZoneInfo) -> str:
    return (
        f"The last question I could not answer ({readable_moment(hint.asked_at, zone)}), kept "
        f"for a day to pass on if you ask for a person: "
        f"<i>{escape(cut(hint.question, SHOWN_HANDOFF_CHARS))}</i>"
    )


def _queued_line(count: int) -> str:
    messages = "1 message is" if count == 1 else f"{count} messages are"
    return f"{messages} still queued to you (news or reminders); /deletedata cancels them."


def readable_moment(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as "3 March 2025 at 14:05 (Brussels time)" in the given time zone."""
    local = moment.astimezone(zone)
    return f"{format_call_date(local.date())} at {local:%H:%M} ({zone_name(zone)})"


async def show_notice(update: Update, context: AppContext) -> None:
    """/privacy: the full privacy notice with its version."""
    if update.effective_message is not None:
        await update.effective_message.reply_html(full_notice(controller(context)))


async def ask_to_erase(update: Update, context: AppContext) -> None:
    """Ask for confirmation before erasing the user's data."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            "Erase everything I keep about you (pre-registration, unfinished answers, "
            "subscription, conversations with the programme team)? This cannot be undone.",
            reply_markup=CONFIRM_ERASE,
        )


def erased_items(export: UserData) -> list[str]:
    """What an erase removed, in words (HTML, values escaped)."""
    items = []
    if export.registration is not None:
        items.append(f"your pre-registration of {escape(export.registration.city)}")
    if export.draft is not None:
        items.append("your unfinished pre-registration")
    if export.subscription is not None:
        items.append("your news subscription")
    if export.chat is not None:
        items.append("the record of whether you blocked me")
    if export.handoffs:
        items.append(
            "your conversation with the programme team"
            if len(export.handoffs) == 1
            else f"your {len(export.handoffs)} conversations with the programme team"
        )
    if export.unanswered is not None:
        items.append("the last question I could not answer")
    if export.queued:
        count = len(export.queued)
        items.append(
            "the message still queued to you"
            if count == 1
            else f"the {count} messages still queued to you"
        )
    return items


async def erase_or_keep(update: Update, context: AppContext) -> None:
    """The confirmation button: erase the pressing user's data, or leave it."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    await query.answer()
    if query.data != data.ERASE_DATA:
        await query.edit_message_text("Nothing was erased.")
        return
    store = context.services.store
    export = await user_data(context, user.id)
    await store.erase_user_data(user.id)
    await blank_staff_copies(context, export.handoffs)
    await context.services.outbox.forget_recipient(user.id)
    context.application.drop_user_data(user.id)
    if update.effective_chat is not None:
        context.application.drop_chat_data(update.effective_chat.id)
    items = erased_items(export)
    if not items:
        await query.edit_message_text("There was nothing to erase: I kept nothing about you.")
        return
    await query.edit_message_text(
        f"Done: I erased {and_joined(items)}. Nothing about you is kept now, and you will get "
        "no more news.",
        parse_mode="HTML",
    )
