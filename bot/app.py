"""Build the python-telegram-bot Application: services, handlers and lifecycle hooks."""

from __future__ import annotations

from telegram import Bot
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    PersistenceInput,
)

from bot import lifecycle
from bot.announcements.broadcaster import Broadcaster
from bot.announcements.outbox import Outbox
from bot.announcements.pace import SendPace
from bot.announcements.scheduler import start_announcements
from bot.announcements.shared_limit import SharedBudgetLimiter
from bot.context import AppContext, BotApplication, BotData, Services
from bot.knowledge import LiveKnowledgeBase
from bot.settings import Settings
from bot.storage.folder_lock import FolderLock
from bot.storage.inbox import Inbox
from bot.storage.persistence import StorePersistence
from bot.storage.store import Store
from bot.telegram.chat_pace import ChatPacedRateLimiter
from bot.telegram.durable_queue import DurableUpdateQueue
from bot.telegram.transport import AiohttpRequest
from bot.telegram.update_processor import SKIPPED_NOTICE, PerChatUpdateProcessor
from handlers import callback_data, register_handlers
from handlers.menu import set_command_menus
from handlers.registration import prepare as prepare_registration

__all__ = ["BotApplication", "build_application"]


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: BaseRateLimiter[int] | None = None,
    with_updater: bool = True,
    max_concurrent_updates: int = 16,
    pace_chats: bool = True,
) -> BotApplication:
    """Build the bot: open storage, load the FAQ, register handlers; raises on bad data files.

    pace_chats=False lifts the bot's own per-chat pace (benchmarks against an emulator without
    Telegram's limits)."""
    bot_token = token or settings.telegram_bot_token
    if not bot_token:
        raise ValueError("a bot token is needed to build the application")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    knowledge = LiveKnowledgeBase(settings.faq_dir)
    folder_lock = FolderLock(settings.data_dir).acquire()
    try:
        persistence = StorePersistence(
            settings.data_dir / "persistence.json",
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            # Conversation steps reach disk within a second; records go through Store at once.
            update_interval=1,
        )
        store = Store(settings.data_dir)
        outbox = Outbox.in_data_dir(settings.data_dir)
        inbox = Inbox.in_data_dir(settings.data_dir)
    except BaseException:
        folder_lock.release()
        raise
    updates = DurableUpdateQueue(inbox)
    processor = PerChatUpdateProcessor(max_concurrent_updates, on_handled=updates.handled)
    # One budget for replies and broadcasts together (README: under Telegram's ~30 a second).
    pace = SendPace(settings.broadcast_per_second)
    request = AiohttpRequest()
    # Long polling holds one connection open; its wait is added to this read timeout.
    polling_request = AiohttpRequest(connection_pool_size=1, before_request=updates.stored)
    api_base = settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(bot_token)
        .context_types(ContextTypes(context=AppContext, bot_data=BotData))
        .persistence(persistence)
        # Each private chat paced by the bot itself, around the shared budget; a limiter given
        # by the caller (benchmarks switch limits off) replaces the budget and PTB's limiter.
        .rate_limiter(
            ChatPacedRateLimiter(
                rate_limiter or SharedBudgetLimiter(pace, AIORateLimiter(max_retries=3)),
                pace_chats=pace_chats,
            )
        )
        .defaults(Defaults(tzinfo=settings.zone))
        .update_queue(updates)
        .concurrent_updates(processor)
        .request(request)
        .get_updates_request(polling_request)
        .post_init(
            lifecycle.startup([set_command_menus, prepare_registration, start_announcements])
        )
        .post_shutdown(lifecycle.on_shutdown)
    )
    base_url = base_url or (f"{api_base}/bot" if api_base else None)
    base_file_url = base_file_url or (f"{api_base}/file/bot" if api_base else None)
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if not with_updater:
        builder = builder.updater(None)
    application: BotApplication = builder.build()

    async def tell_skipped(chat_id: int) -> None:
        await application.bot.send_message(chat_id, SKIPPED_NOTICE)

    processor.on_skipped = tell_skipped
    application.bot_data.services = Services(
        settings=settings, store=store, knowledge=knowledge, outbox=outbox
    )
    # Its own Bot, outside AIORateLimiter's queue, so that replies never wait behind a broadcast.
    broadcast_request = AiohttpRequest(connection_pool_size=32)
    broadcast_bot = Bot(
        bot_token,
        base_url=base_url or "https://api.telegram.org/bot",
        base_file_url=base_file_url or "https://api.telegram.org/file/bot",
        request=broadcast_request,
    )
    staff_chats = (
        [settings.staff_chat_id]
        if settings.staff_chat_id is not None
        else sorted(settings.staff_ids | settings.admin_ids)
    )
    application.bot_data.broadcaster = Broadcaster(
        outbox,
        store,
        broadcast_bot,
        pace,
        resend_button=callback_data.resend_failed,
        staff_chats=staff_chats,
    )
    application.bot_data.http_requests = (request, polling_request, broadcast_request)
    application.bot_data.folder_lock = folder_lock
    register_handlers(application)
    return application
