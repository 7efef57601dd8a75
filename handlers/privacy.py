"""/mydata and /deletedata: people can see everything kept about them, and erase it."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.context import AppContext
from bot.storage.registrations import Registration
from bot.storage.store import UserData
from bot.storage.subscribers import ChatStatus, Subscription
from faq.countries import country_name
from faq.placeholders import format_call_date
from handlers import callback_data as data

CONFIRM_ERASE = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes, erase my data", callback_data=data.ERASE_DATA)],
        [InlineKeyboardButton("No, keep it", callback_data=data.KEEP_DATA)],
    ]
)


async def show_my_data(update: Update, context: AppContext) -> None:
    """Tell the user in plain words what the bot keeps about them, then send it all as JSON."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    export = await context.services.store.export_user_data(user.id)
    if export.is_empty:
        await message.reply_text(
            "I keep no personal data about you: no pre-registration and no subscription."
        )
        return
    await message.reply_html(describe_user_data(export, context.services.settings.zone))
    payload = json.dumps(export.to_json(), indent=2, ensure_ascii=False, default=str).encode()
    await message.reply_document(
        InputFile(payload, filename="my-data.json"),
        caption="Everything I keep about you. Erase it any time with /deletedata.",
    )


def describe_user_data(export: UserData, zone: ZoneInfo) -> str:
    """What the bot keeps about someone, in plain words and local time (HTML, values escaped)."""
    lines = [
        "<b>What I keep about you</b>",
        _registration_line(export.registration, zone),
        _subscription_line(export.subscription, zone),
    ]
    if export.chat is not None:
        lines.append(_chat_line(export.chat, zone))
    lines.append("The file below holds every detail.")
    return "\n".join(lines)


def _registration_line(registration: Registration | None, zone: ZoneInfo) -> str:
    if registration is None:
        return "You have not pre-registered a city."
    country = escape(country_name(registration.country))
    line = f"You pre-registered <b>{escape(registration.city)}</b> ({country})"
    if registration.registered_at is not None:
        line += f" on {readable_moment(registration.registered_at, zone)}"
    contact = [registration.contact_name, registration.contact_role, registration.email]
    given = [escape(value) for value in contact if value]
    return line + "." + (f"\nContact: {', '.join(given)}." if given else "")


def _subscription_line(subscription: Subscription | None, zone: ZoneInfo) -> str:
    if subscription is None:
        return "You are not subscribed to news."
    return f"You subscribed to news on {readable_moment(subscription.consented_at, zone)}."


def _chat_line(chat: ChatStatus, zone: ZoneInfo) -> str:
    when = readable_moment(chat.changed_at, zone)
    if chat.blocked:
        return f"You have blocked me since {when}, so I send you nothing."
    return f"You unblocked me on {when}."


def readable_moment(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as "3 March 2025 at 14:05 (Brussels time)" in the given time zone."""
    local = moment.astimezone(zone)
    return f"{format_call_date(local.date())} at {local:%H:%M} ({zone_name(zone)})"


def zone_name(zone: ZoneInfo) -> str:
    """A time zone in words: "Brussels time", "New York time", or "UTC"."""
    key = zone.key
    if "/" not in key or key.startswith("Etc/"):
        return key.removeprefix("Etc/")
    return key.rsplit("/", 1)[-1].replace("_", " ") + " time"


async def ask_to_erase(update: Update, context: AppContext) -> None:
    """Ask for confirmation before erasing the user's data."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            "Erase everything I keep about you (pre-registration, subscription)? "
            "This cannot be undone.",
            reply_markup=CONFIRM_ERASE,
        )


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
    await context.services.store.erase_user_data(user.id)
    context.application.drop_user_data(user.id)
    if update.effective_chat is not None:
        context.application.drop_chat_data(update.effective_chat.id)
    await query.edit_message_text(
        "Done: everything I kept about you is erased. You will get no more news."
    )
