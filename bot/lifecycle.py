"""Start-up and shutdown of the bot, its polling and webhook modes, and the stop signals."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError

from bot.context import AppContext, BotApplication
from bot.knowledge import watch_faq_folder
from bot.registration.steps import IDLE_LIMIT
from bot.settings import Settings
from bot.storage.handoffs import KEEP_UNANSWERED
from bot.telegram.durable_queue import DurableUpdateQueue
from bot.telegram.update_processor import PerChatUpdateProcessor
from bot.telegram.webhook import create_webhook_app, webhook_path

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
DRAFT_SWEEP_SECONDS = 3600
StartupStep = Callable[[BotApplication], Coroutine[Any, Any, None]]


async def until_stopped() -> None:
    """Return on SIGINT (Ctrl-C) or SIGTERM, then give those signals back their defaults."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Event loops without signal support (Windows) raise NotImplementedError: Ctrl-C still works.
    for sig in STOP_SIGNALS:
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in STOP_SIGNALS:
            with suppress(NotImplementedError):
                loop.remove_signal_handler(sig)


def startup(steps: Sequence[StartupStep]) -> StartupStep:
    """PTB's post_init: the given steps (e.g. command menus), then the FAQ watch and draft sweep."""

    async def on_startup(application: BotApplication) -> None:
        services = application.bot_data.services
        for step in steps:
            await step(application)
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                watch_faq_folder,
                interval=services.settings.faq_reload_seconds,
                first=services.settings.faq_reload_seconds,
                name="watch_faq_folder",
            )
            # PTB does not restore conversation timeouts after a restart: this sweep does.
            application.job_queue.run_repeating(
                drop_idle_drafts, interval=DRAFT_SWEEP_SECONDS, first=60, name="drop_idle_drafts"
            )
            # The question kept for a handoff is promised for a day only: dropped within the hour.
            application.job_queue.run_repeating(
                drop_stale_unanswered,
                interval=DRAFT_SWEEP_SECONDS,
                first=60,
                name="drop_stale_unanswered",
            )
        broadcaster = application.bot_data.broadcaster
        if broadcaster is not None:
            await broadcaster.bot.initialize()
            broadcaster.start()  # resumes what a stop or a crash left unfinished
        log.info("Bot started with %d FAQ entries", len(services.knowledge.current.entries))

    return on_startup


async def drop_idle_drafts(context: AppContext) -> None:
    """Job: delete drafts idle past the limit; their conversation ends at the next update."""
    services = context.services
    dropped = await services.store.delete_drafts_idle_since(services.clock() - IDLE_LIMIT)
    if dropped:
        log.info("Dropped %d registration drafts left for over %s", len(dropped), IDLE_LIMIT)


async def drop_stale_unanswered(context: AppContext) -> None:
    """Job: delete the unanswered questions kept for a handoff once their day is over."""
    services = context.services
    dropped = await services.store.forget_unanswered_before(services.clock() - KEEP_UNANSWERED)
    if dropped:
        log.info("Dropped %d unanswered questions kept over %s", dropped, KEEP_UNANSWERED)


async def on_shutdown(application: BotApplication) -> None:
    """PTB's post_shutdown: stop the broadcaster, close the storage files, free the data folder."""
    broadcaster = application.bot_data.broadcaster
    if broadcaster is not None:
        await broadcaster.stop()
        await broadcaster.bot.shutdown()
    await _close_storage(application)


async def _close_storage(application: BotApplication) -> None:
    await application.bot_data.services.store.close()
    await application.bot_data.services.outbox.close()
    if isinstance(application.update_queue, DurableUpdateQueue):
        await application.update_queue.inbox.close()
    if application.bot_data.folder_lock is not None:
        application.bot_data.folder_lock.release()


async def _initialize(application: BotApplication) -> None:
    """Initialize the application and run post_init; on failure release its HTTP sessions."""
    try:
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
    except BaseException:
        # PTB opens the HTTP sessions before its first call and does not close them if it fails.
        for request in application.bot_data.http_requests:
            with suppress(Exception):
                await request.shutdown()
        await _close_storage(application)
        raise


def _replay_undone(application: BotApplication) -> None:
    """Queue the updates a stop or a kill left unhandled, before any new one is fetched."""
    if isinstance(application.update_queue, DurableUpdateQueue):
        count = application.update_queue.replay(application.bot)
        if count:
            log.info("Handling %d updates received before the last stop first", count)


async def _shutdown(application: BotApplication) -> None:
    if application.running:
        processor = application.update_processor
        if isinstance(processor, PerChatUpdateProcessor) and isinstance(
            application.update_queue, DurableUpdateQueue
        ):
            processor.leave_waiting()  # kept in the inbox: handled first at the next start
        await application.stop()
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def _polling_failed(error: TelegramError) -> None:
    # PTB retries with backoff by itself; a traceback per retry would bury the log while the
    # Bot API is briefly away (a restart of a self-hosted server, a network blip).
    log.warning("Could not fetch updates (%s); retrying", error)


@asynccontextmanager
async def running_with_polling(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Run the application with long polling inside the caller's event loop."""
    await _initialize(application)
    assert application.updater is not None
    try:
        _replay_undone(application)
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, poll_interval=0, error_callback=_polling_failed
        )
        await application.start()
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        await _shutdown(application)


async def serve_polling_forever(application: BotApplication) -> None:
    """Long-poll the Bot API until SIGINT or SIGTERM."""
    async with running_with_polling(application):
        log.info("Polling for updates; press Ctrl-C to stop")
        await until_stopped()


async def serve_webhook_forever(application: BotApplication, settings: Settings) -> None:
    """Register the webhook with Telegram and serve it until SIGINT or SIGTERM."""
    assert settings.webhook_url and settings.webhook_secret
    await _initialize(application)
    runner: web.AppRunner | None = None
    try:
        _replay_undone(application)
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await application.start()
        server = create_webhook_app(
            application, webhook_path(settings.webhook_url), settings.webhook_secret
        )
        runner = web.AppRunner(server, handle_signals=False, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        log.info(
            "Webhook server listening on %s:%s", settings.webhook_listen, settings.webhook_port
        )
        await until_stopped()
    finally:
        if runner is not None:
            await runner.cleanup()
        await _shutdown(application)
