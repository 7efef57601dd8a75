"""Webhook mode's HTTP server: takes Telegram's POSTs and feeds them to the Application."""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.telegram.durable_queue import DurableUpdateQueue
from bot.telegram.update_shape import update_problem

if TYPE_CHECKING:
    from bot.context import BotApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_path(webhook_url: str) -> str:
    """The local path Telegram will POST to: the path part of WEBHOOK_URL (or /)."""
    return urlsplit(webhook_url).path or "/"


def _secret_matches(given: str, secret: str) -> bool:
    # aiohttp keeps undecodable header bytes as surrogates; they can never match the secret.
    given_bytes = given.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given_bytes, secret.encode())


def _error(status: int, sentence: str) -> web.Response:
    return web.json_response({"ok": False, "error": sentence}, status=status)


def create_webhook_app(application: BotApplication, path: str, secret: str) -> web.Application:
    """An aiohttp app with POST {path} for updates and GET /healthz."""

    async def receive_update(request: web.Request) -> web.Response:
        if not _secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            return _error(403, "The secret token header is missing or wrong.")
        try:
            payload = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _error(400, "The body must be a JSON Update.")
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return _error(400, "The body must be a JSON object with an integer update_id.")
        problem = update_problem(payload)
        if problem is not None:
            return _error(400, f"The body is not a Telegram Update: {problem}.")
        try:
            update = Update.de_json(payload, application.bot)
        except Exception as error:  # PTB raises whatever the malformed fields provoke
            log.warning("Refused a webhook update PTB could not read: %r", error)
            return _error(400, "The body is not a Telegram Update PTB can read.")
        queue = application.update_queue
        if isinstance(queue, DurableUpdateQueue):
            # Answered only once kept: Telegram re-sends what it got no answer for.
            await queue.put_stored(update)
        else:
            await queue.put(update)
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
