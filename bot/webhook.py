"""Webhook mode: an aiohttp server that takes Telegram's POSTs and feeds the Application."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from contextlib import suppress
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import BotApplication
from bot.settings import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_path(webhook_url: str) -> str:
    """The local path Telegram will POST to: the path part of WEBHOOK_URL (or /)."""
    return urlsplit(webhook_url).path or "/"


def create_webhook_app(application: BotApplication, path: str, secret: str) -> web.Application:
    """An aiohttp app with POST {path} for updates and GET /healthz."""

    async def receive_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response(
                {"error": "The secret token header is missing or wrong."}, status=403
            )
        try:
            payload = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "The body must be a JSON Update."}, status=400)
        if not isinstance(payload, dict) or "update_id" not in payload:
            return web.json_response(
                {"error": "The body must be a JSON object with an update_id."}, status=400
            )
        update = Update.de_json(payload, application.bot)
        await application.update_queue.put(update)
        return web.json_response({"ok": True})

    async def healthz(request: web.Request) -> web.Response:
        knowledge = application.bot_data.services.knowledge
        return web.json_response(
            {"ok": application.running, "faq_entries": len(knowledge.current.entries)},
            status=200 if application.running else 503,
        )

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive_update)
    app.router.add_get("/healthz", healthz)
    return app


async def serve_webhook_forever(application: BotApplication, settings: Settings) -> None:
    """Register the webhook with Telegram and serve it until SIGINT/SIGTERM."""
    assert settings.webhook_url and settings.webhook_secret
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
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
    log.info("Webhook server listening on %s:%s", settings.webhook_listen, settings.webhook_port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
