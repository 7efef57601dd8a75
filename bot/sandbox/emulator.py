"""A local emulator of Telegram's Bot API (real HTTP, real wire format) plus the sandbox client API.

Bot side: ``/bot<token>/<method>`` and ``/file/bot<token>/<file_path>``. Client side: ``/api/...``
(see bot/sandbox/client_api.py). With ``static_dir``, ``/`` and ``/static/<name>`` serve the page.

As on Telegram, the bot can only message people who wrote to it (others: 403 "bot can't initiate
conversation"). Sandbox differences: Markdown parse modes are refused with a 400 that says so
(the bot sends HTML only); webhooks are delivered only to local addresses; ``stats()`` counts Bot
API calls only.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from bot.sandbox.bot_api import SERVED_METHODS, BotApi
from bot.sandbox.client_api import ClientApi
from bot.sandbox.config import EmulatorConfig, FaultConfig
from bot.sandbox.faults import Fault, FaultInjector
from bot.sandbox.params import ApiError, read_params
from bot.sandbox.webhook_sender import WebhookSender
from bot.sandbox.world_folder import open_world
from bot.storage.journal import JournalError

__all__ = [
    "SERVED_METHODS",
    "EmulatorConfig",
    "FaultConfig",
    "TelegramEmulator",
]

log = logging.getLogger(__name__)

TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")
STATIC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
CANONICAL_METHODS = {name.lower(): name for name in SERVED_METHODS}
MAX_BOT_ID = 2**63 - 1  # Telegram ids fit in a signed 64-bit integer
MAX_REQUEST_BYTES = 51 * 1024 * 1024
# nginx's code for a client that closed the connection before the answer: not a server error.
CLIENT_WENT_AWAY = 499
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def bot_id_of(token: str) -> int | None:
    """The bot id a well-formed token starts with, or None (answer 401)."""
    match = TOKEN.fullmatch(token)
    if match is None or int(match.group(1)) > MAX_BOT_ID:
        return None
    return int(match.group(1))


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


class TelegramEmulator:
    """One emulated Telegram: its world, the Bot API, the client API, and request statistics."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.world = open_world(self.config.data_dir, self.config.compact_journal_bytes)
        self.sender = WebhookSender(self.world)
        self.bot_api = BotApi(self.world, self.config, self.sender)
        self.client_api = ClientApi(self.world, self.bot_api)
        self.faults = FaultInjector(self.config.faults)
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self._app = self._build_app()

    @property
    def app(self) -> web.Application:
        """The aiohttp application serving every route."""
        return self._app

    def stats(self) -> dict[str, Any]:
        """Bot API calls per method (canonical name) and answers per HTTP status."""
        return {"requests": dict(self.requests), "statuses": dict(self.statuses)}

    def _build_app(self) -> web.Application:
        app = web.Application(
            client_max_size=MAX_REQUEST_BYTES,
            middlewares=[self._client_went_away, self._client_errors_as_json, self._saved_first],
        )
        app.router.add_route("GET", "/bot{token}/{method}", self._bot_endpoint)
        app.router.add_route("POST", "/bot{token}/{method}", self._bot_endpoint)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._file_endpoint)
        app.router.add_get("/api/stats", self._stats_endpoint)
        app.router.add_routes(self.client_api.routes())
        if self.config.static_dir is not None:
            app.router.add_get("/", self._index)
            app.router.add_get("/static/{name}", self._static_file)
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        app.on_cleanup.append(self._on_cleanup)
        return app

    @web.middleware
    async def _client_went_away(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A client that hangs up before its request is read is no server error: 499, no trace."""
        try:
            return await handler(request)
        except ConnectionResetError:
            # Not the path: a Bot API path carries the token.
            what = request.match_info.get("method") or request.path
            log.info("The client went away before its request was read (%s)", what)
            if not request.path.startswith("/api/"):
                self.statuses[str(CLIENT_WENT_AWAY)] += 1
            # Nothing reaches the client: the connection is already gone.
            return web.Response(status=CLIENT_WENT_AWAY)

    @web.middleware
    async def _client_errors_as_json(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Every client API answer is JSON with an "error" sentence, even aiohttp's own."""
        if not request.path.startswith("/api/"):
            return await handler(request)
        try:
            return await handler(request)
        except web.HTTPException as error:
            if error.status < 400 or error.content_type == "application/json":
                raise
            sentence = f"{error.reason}: the sandbox cannot answer this request as sent."
            return _json({"error": sentence}, error.status)
        except ConnectionResetError:
            raise
        except Exception:
            log.exception("The client API failed on %s %s", request.method, request.path)
            return _json({"error": "The sandbox failed on this request; its log says why."}, 500)

    @web.middleware
    async def _saved_first(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer only once every change made so far is durable, so no answer is taken back."""
        response = await handler(request)
        try:
            await self.world.saved()
        except JournalError as error:
            if request.path.startswith("/api/"):
                return _json({"error": str(error)}, 500)
            return self._error(ApiError(500, "Internal Server Error"))
        return response

    async def _on_startup(self, app: web.Application) -> None:
        if self.world.webhook.url:
            self.sender.restart()  # a webhook set before a restart is still set

    async def _on_shutdown(self, app: web.Application) -> None:
        # Long polls must answer now, or the runner's cleanup waits for them.
        self.world.close()
        await self.sender.stop()

    async def _on_cleanup(self, app: web.Application) -> None:
        if self.world.journal is not None:
            await self.world.journal.close()

    def _answer(self, status: int, body: dict[str, Any]) -> web.Response:
        self.statuses[str(status)] += 1
        return _json(body, status)

    def _error(self, error: ApiError) -> web.Response:
        return self._answer(error.status, error.payload())

    async def _bot_endpoint(self, request: web.Request) -> web.StreamResponse:
        bot_id = bot_id_of(request.match_info["token"])
        if bot_id is None:
            return self._error(ApiError(401, "Unauthorized"))
        method = CANONICAL_METHODS.get(request.match_info["method"].lower())
        if method is None:
            return self._error(ApiError(404, "Not Found"))
        self.requests[method] += 1
        faults = self.config.faults
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        try:
            params = None
            if self.faults.applies_to(method):
                if faults.spared_chats:
                    params = await read_params(request)
                if params is None or not self.faults.spares(params.values.get("chat_id")):
                    fault = self._fault(request)
                    if fault is not None:
                        return fault
            if params is None:
                params = await read_params(request)
            result = await self.bot_api.call(method, bot_id, params)
        except ApiError as error:
            return self._error(error)
        except (web.HTTPException, ConnectionResetError):
            raise
        except Exception:
            log.exception("The emulator failed on %s", method)
            return self._error(ApiError(500, "Internal Server Error"))
        return self._answer(200, {"ok": True, "result": result})

    def _fault(self, request: web.Request) -> web.StreamResponse | None:
        """The injected fault's answer for this call, or None to serve it."""
        fault = self.faults.draw()
        retry_after = self.config.faults.retry_after
        if fault is Fault.TOO_MANY_REQUESTS:
            description = f"Too Many Requests: retry after {retry_after}"
            return self._error(ApiError(429, description, {"retry_after": retry_after}))
        if fault is Fault.SERVER_ERROR:
            return self._error(ApiError(500, "Internal Server Error"))
        if fault is Fault.DROPPED:
            self.statuses["dropped"] += 1
            return self._drop(request)
        return None

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            transport.abort()
        # Nothing reaches the client: the connection is already gone.
        return web.Response(status=500)

    async def _file_endpoint(self, request: web.Request) -> web.StreamResponse:
        if bot_id_of(request.match_info["token"]) is None:
            return self._error(ApiError(401, "Unauthorized"))
        stored = self.world.files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return self._error(ApiError(404, "Not Found"))
        data = await self.world.file_data(stored)
        if data is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=data, content_type=stored.mime_type)

    async def _stats_endpoint(self, request: web.Request) -> web.Response:
        return _json(self.stats())

    async def _index(self, request: web.Request) -> web.StreamResponse:
        assert self.config.static_dir is not None
        index = self.config.static_dir / "index.html"
        if not index.is_file():
            raise web.HTTPNotFound(text=f"No index.html in {self.config.static_dir}.")
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def _static_file(self, request: web.Request) -> web.StreamResponse:
        assert self.config.static_dir is not None
        name = request.match_info["name"]
        path = self.config.static_dir / name
        if STATIC_NAME.fullmatch(name) is None or not path.is_file():
            raise web.HTTPNotFound(text=f"No static file named {name!r}.")
        return web.FileResponse(path, headers={"Cache-Control": "no-cache"})
