"""Unknown commands and unexpected errors: one clear sentence for the user, details in the log."""

from __future__ import annotations

import logging
import os
from html import escape

from telegram import Update

from bot.announcements.scheduler import report_to_staff
from bot.context import AppContext
from bot.quoting import shortened
from bot.storage.durable import disk_full, full_disk_reports

log = logging.getLogger(__name__)

QUOTED_COMMAND_CHARS = 32

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side; please try again in a minute, or send /help."
)
CANNOT_SAVE = (
    "Sorry, I cannot save anything right now (the server's disk is full), so please try again "
    "later; nothing you saved is lost."
)


async def unknown_command(update: Update, context: AppContext) -> None:
    """A command the bot does not have: say so and point to /help."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await message.reply_html(
        f"I don't know the command {escape(quoted_command(message.text))}. "
        "Send /help to see what I can do, or just type your question."
    )


def quoted_command(text: str, limit: int = QUOTED_COMMAND_CHARS) -> str:
    """The message's first word without @botname, cut to `limit` characters and an ellipsis."""
    words = text.split()
    return shortened(words[0].split("@")[0] if words else "", limit)


async def stale_button(update: Update, context: AppContext) -> None:
    """A button whose data no handler knows (e.g. on an old message): say what to do."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            "This button is out of date; send /start to get a fresh menu.", show_alert=True
        )


async def not_text(update: Update, context: AppContext) -> None:
    """A photo, sticker or file: the bot reads text only."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            "I can only read text messages; please type your question."
        )


async def report_error(update: object, context: AppContext) -> None:
    """Log the error with its traceback and tell the user in one sentence, without internals;
    a full disk is one line in the log, told to staff once, and to the person as such."""
    full = disk_full(context.error)
    if full:
        await _report_full_disk(context)
    else:
        log.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, CANNOT_SAVE if full else SOMETHING_WENT_WRONG
            )
        except Exception:  # the chat may be unreachable; the log already has the cause
            log.warning("Could not tell the user about the error", exc_info=True)


async def _report_full_disk(context: AppContext) -> None:
    """Staff hear once per episode: again only after a save worked and the disk filled again."""
    settings = context.services.settings
    folder = os.path.abspath(settings.data_dir)
    if not full_disk_reports.claim(settings.data_dir):
        log.warning("Still cannot save to %s: the disk is full (%s)", folder, context.error)
        return
    log.error("Cannot save to %s: the disk is full (%s); staff are told", folder, context.error)
    await report_to_staff(
        context.bot,
        settings,
        f"⚠️ <b>The disk is full</b>: I cannot save to my data folder <code>{escape(folder)}"
        "</code>, so people are asked to try again later (what was saved is safe). Free some "
        "space there; I will tell you again only if it fills up after saving works again.",
    )
