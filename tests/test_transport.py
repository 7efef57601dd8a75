"""AiohttpRequest: PTB's requests over aiohttp, against the emulator and a stalling server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.telegram.transport import AiohttpRequest
from tests.sandbox_client import SandboxClient

USER = 1001


@pytest.fixture
async def served() -> AsyncIterator[str]:
    """The emulator's base URL, with user 1001 having started the bot."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as (emulator, base):
        emulator.world.start_chat(USER)
        yield base


def bot_on(base: str, **request_options: float) -> Bot:
    """A PTB Bot whose every request goes through AiohttpRequest."""
    return Bot(
        SANDBOX_TOKEN,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=AiohttpRequest(**request_options),  # type: ignore[arg-type]
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_form_requests_and_telegram_errors_go_through(served: str) -> None:
    async with bot_on(served) as bot:
        assert (await bot.get_me()).username == "applicant_sandbox_bot"
        sent = await bot.send_message(USER, "<b>bold</b> & more", parse_mode="HTML")
        assert sent.text == "bold & more" and sent.entities[0].type == "bold"
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(USER, "")


async def test_files_are_uploaded_as_multipart_and_downloaded(served: str) -> None:
    payload = "naïve café data\n".encode() * 100
    async with bot_on(served) as bot:
        sent = await bot.send_document(USER, payload, filename="export.json")
        assert sent.document is not None and sent.document.file_name == "export.json"
        file = await bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == payload


async def test_long_polling_waits_for_an_update(served: str) -> None:
    async with bot_on(served) as bot, aiohttp.ClientSession() as http:
        client = SandboxClient(http, served, USER)
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await client.send("hello")
        updates = await asyncio.wait_for(waiting, 5)
        assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_a_server_that_stalls_gives_timed_out() -> None:
    async def stall(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", stall)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{SANDBOX_TOKEN}/deleteWebhook")
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_nothing_listening_gives_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await request.post(f"http://127.0.0.1:{port}/bot{SANDBOX_TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_it_must_be_initialized_and_can_start_again_after_shutdown(served: str) -> None:
    request = AiohttpRequest()
    url = f"{served}/bot{SANDBOX_TOKEN}/getMe"
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)
    await request.initialize()
    await request.shutdown()
    await request.initialize()
    try:
        me = await request.post(url)
        assert isinstance(me, dict) and me["username"] == "applicant_sandbox_bot"
    finally:
        await request.shutdown()


def test_a_pool_of_no_connections_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connection_pool_size=0)


async def test_proxies_come_from_the_environment_and_no_proxy_is_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    for name in ("https_proxy", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert request._proxy("https://api.telegram.org/botX/getMe") == "http://proxy.example:3128"
        assert request._proxy("http://127.0.0.1:8080/botX/getMe") is None
    finally:
        await request.shutdown()
