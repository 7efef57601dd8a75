"""/start and /help: what the bot does, with buttons into its main features."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import AppContext
from handlers import callback_data as data
from handlers.menu import commands_for, show_role_menu

MAIN_MENU = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("📚 Browse questions (FAQ)", callback_data=data.MENU_FAQ)],
        [InlineKeyboardButton("🔔 News and deadline reminders", callback_data=data.MENU_SUBSCRIBE)],
        [
            InlineKeyboardButton("🔒 Your data", callback_data=data.faq_entry("privacy")),
            InlineKeyboardButton("🙋 Reach a person", callback_data=data.HANDOFF_START),
        ],
    ]
)


def welcome_text(first_name: str | None) -> str:
    """The welcome message, greeting the user by their (escaped) first name."""
    greeting = f"Welcome, {escape(first_name)}!" if first_name else "Welcome!"
    return (
        f"<b>{greeting}</b>\n"
        "I help European cities apply to the <b>NetZeroCities Twinning Learning Programme</b> "
        "(the Twin Cities call, Cohort 2, of the EU Mission for 100 climate-neutral and smart "
        "cities by 2030).\n\n"
        "• Ask me anything in your own words: eligibility, dates, costs, what twinning involves.\n"
        "• Browse the questions by topic with /faq.\n"
        "• Get news and deadline reminders with /subscribe.\n\n"
        "Type your question below, or choose:"
    )


async def start(update: Update, context: AppContext) -> None:
    """Greet the user and show the main menu."""
    if update.effective_message is None:
        return
    user = update.effective_user
    await update.effective_message.reply_html(
        welcome_text(user.first_name if user else None), reply_markup=MAIN_MENU
    )
    chat = update.effective_chat
    if chat is not None:
        # Someone who blocked the bot and comes back gets announcements again.
        await context.services.store.mark_chat_reachable(chat.id)
    if user is not None:
        # Now that they have started the bot, Telegram accepts their own command menu.
        await show_role_menu(context.bot, context.services.settings, user.id)


async def show_help(update: Update, context: AppContext) -> None:
    """List the commands this user's role may use."""
    if update.effective_message is None:
        return
    user_id = update.effective_user.id if update.effective_user else None
    sections = []
    for title, commands in commands_for(context.services.settings, user_id):
        lines = "\n".join(f"/{c.name} – {c.description}" for c in commands)
        sections.append(f"<b>{title}</b>\n{lines}")
    sections.append("Or just type your question, for example: <i>Who can apply?</i>")
    await update.effective_message.reply_html("\n\n".join(sections))
