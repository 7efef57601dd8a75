"""Assemble the python-telegram-bot Application: services, handlers, lifecycle and jobs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    PersistenceInput,
)

from bot.context import AppContext, BotData, Services
from bot.knowledge import LiveKnowledgeBase
from bot.persistence import StorePersistence
from bot.settings import Settings
from bot.store import Store
from bot.transport import AiohttpRequest
from bot.update_processor import PerChatUpdateProcessor
from handlers import register_handlers
from handlers.admin import describe_reload
from handlers.commands import menu_for, show_role_menu

log = logging.getLogger(__name__)

BotApplication = Application[Any, AppContext, dict, dict, BotData, Any]


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: AIORateLimiter | None = None,
    with_updater: bool = True,
    max_concurrent_updates: int = 16,
) -> BotApplication:
    """Build the bot: open storage, load the FAQ, register handlers; raises on bad data files."""
    bot_token = token or settings.telegram_bot_token
    if not bot_token:
        raise ValueError("a bot token is needed to build the application")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.data_dir)
    knowledge = LiveKnowledgeBase(settings.faq_dir)
    persistence = StorePersistence(
        settings.data_dir / "persistence.json",
        store_data=PersistenceInput(bot_data=False, callback_data=False),
        # Conversation steps reach disk within a second; durable records go through Store at once.
        update_interval=1,
    )
    builder = (
        ApplicationBuilder()
        .token(bot_token)
        .context_types(ContextTypes(context=AppContext, bot_data=BotData))
        .persistence(persistence)
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
        .defaults(Defaults(tzinfo=settings.zone))
        .concurrent_updates(PerChatUpdateProcessor(max_concurrent_updates))
        .request(AiohttpRequest())
        # Long polling holds one connection open; its wait is added to this read timeout.
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if not with_updater:
        builder = builder.updater(None)
    application: BotApplication = builder.build()
    application.bot_data.services = Services(settings=settings, store=store, knowledge=knowledge)
    register_handlers(application)
    return application


async def set_command_menus(application: BotApplication) -> None:
    """Set the command menu: applicants' by default, fuller menus in staff and admin chats."""
    settings = application.bot_data.services.settings
    await application.bot.set_my_commands(menu_for(settings, None), scope=BotCommandScopeDefault())
    for user_id in sorted(settings.staff_ids | settings.admin_ids):
        await show_role_menu(application.bot, settings, user_id)


async def on_startup(application: BotApplication) -> None:
    """After initialize: set the command menus and start watching the FAQ folder."""
    services = application.bot_data.services
    await set_command_menus(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            watch_faq_folder,
            interval=services.settings.faq_reload_seconds,
            first=services.settings.faq_reload_seconds,
            name="watch_faq_folder",
        )
    log.info("Bot started with %d FAQ entries", len(services.knowledge.current.entries))


async def on_shutdown(application: BotApplication) -> None:
    """After shutdown: close storage files."""
    await application.bot_data.services.store.close()


async def watch_faq_folder(context: AppContext) -> None:
    """Swap in an edited FAQ; if the edit is invalid, keep the old one and tell the admins once."""
    services = context.services
    knowledge = services.knowledge
    outcome = await knowledge.reload_if_changed()
    if not outcome.changed:
        return
    if outcome.ok:
        log.info("FAQ reloaded: %d entries", outcome.entry_count)
        context.bot_data.last_faq_error_reported = None
        return
    report = describe_reload(outcome, len(knowledge.current.entries))
    log.warning("FAQ change rejected: %s", outcome.error)
    if context.bot_data.last_faq_error_reported == report:
        return
    context.bot_data.last_faq_error_reported = report
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await context.bot.send_message(admin_id, report, parse_mode="HTML")
        except TelegramError as error:
            log.warning("Could not notify admin %s about the FAQ error: %s", admin_id, error)


@asynccontextmanager
async def running_with_polling(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Run the application with long polling inside the caller's event loop."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0)
    await application.start()
    try:
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
