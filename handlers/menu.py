"""The bot's commands per role: one list drives /help and the Telegram command menu."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.context import BotApplication
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    """A command name (without the slash) and what it does, in a few words."""

    name: str
    description: str


APPLICANT_COMMANDS = (
    Command("start", "Welcome and main menu"),
    Command("help", "What I can do for you"),
    Command("faq", "Browse questions by topic"),
    Command("status", "Where the call stands: dates and time left"),
    Command("calendar", "The call's dates as a calendar file"),
    Command("subscribe", "Get news and deadline reminders"),
    Command("unsubscribe", "Stop news and reminders"),
    Command("eligibility", "Check step by step whether your city can apply"),
    Command("register", "Pre-register your city's interest (not an application)"),
    Command("myregistration", "See or edit your pre-registration"),
    Command("cancel", "Stop the registration or check under way"),
    Command("privacy", "The privacy notice"),
    Command("mydata", "See the data I keep about you"),
    Command("deletedata", "Erase your data"),
)
STAFF_COMMANDS = (
    Command("stats", "Registrations and subscribers so far"),
    Command("export", "Download the registrations (CSV, or /export json)"),
    Command("setopening", "Set the call's opening: DATE [TIME]"),
    Command("setdeadline", "Set the deadline and announce it: DATE [TIME]"),
    Command("seturl", "Set the official call page: URL"),
    Command("setcallname", "Set the call's name: NAME"),
    Command("broadcast", "Send a message to every subscriber: TEXT"),
    Command("schedule", "Send a message later: DATE TIME TEXT"),
    Command("announcements", "What is scheduled or being sent, with Cancel"),
)
ADMIN_COMMANDS = (
    Command("reloadfaq", "Check and reload the FAQ files now"),
    Command("unanswered", "Questions the FAQ did not answer, to add in one tap"),
)


def commands_for(settings: Settings, user_id: int | None) -> list[tuple[str, tuple[Command, ...]]]:
    """The command groups this user may use, titled, applicants' first."""
    groups: list[tuple[str, tuple[Command, ...]]] = [("Commands", APPLICANT_COMMANDS)]
    if settings.is_staff(user_id):
        groups.append(("Staff commands", STAFF_COMMANDS))
    if settings.is_admin(user_id):
        groups.append(("Admin commands", ADMIN_COMMANDS))
    return groups


def menu_for(settings: Settings, user_id: int | None) -> list[BotCommand]:
    """The command menu Telegram shows this user: every command their role may use."""
    return [
        BotCommand(command.name, command.description)
        for _, commands in commands_for(settings, user_id)
        for command in commands
    ]


async def show_role_menu(bot: Bot, settings: Settings, user_id: int) -> None:
    """Give staff and admins their fuller menu in their own chat; applicants keep the default."""
    if not settings.is_staff(user_id):
        return
    try:
        await bot.set_my_commands(menu_for(settings, user_id), scope=BotCommandScopeChat(user_id))
    except TelegramError as error:
        # Telegram refuses a chat scope until that person has started the bot.
        log.info("Staff menu for user %s waits until they send /start (%s)", user_id, error)


async def set_command_menus(application: BotApplication) -> None:
    """At start-up: applicants' menu by default, fuller menus in staff and admin chats."""
    settings = application.bot_data.services.settings
    await application.bot.set_my_commands(menu_for(settings, None), scope=BotCommandScopeDefault())
    for user_id in sorted(settings.staff_ids | settings.admin_ids):
        await show_role_menu(application.bot, settings, user_id)
