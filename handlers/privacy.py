"""/mydata and /deletedata: people can see everything kept about them, and erase it."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot.context import AppContext
from handlers import callback_data as data

CONFIRM_ERASE = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes, erase my data", callback_data=data.ERASE_DATA)],
        [InlineKeyboardButton("No, keep it", callback_data=data.KEEP_DATA)],
    ]
)


async def show_my_data(update: Update, context: AppContext) -> None:
    """Send the user a JSON file of everything the bot keeps about them."""
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
    payload = json.dumps(export.to_json(), indent=2, ensure_ascii=False, default=str).encode()
    await message.reply_document(
        InputFile(payload, filename="my-data.json"),
        caption="Everything I keep about you. Erase it any time with /deletedata.",
    )


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
