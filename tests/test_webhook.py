"""Webhook mode: the emulator posts updates to the bot's aiohttp server, which checks the secret."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp import web

from bot.app import BotApplication, build_application
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.settings import Settings
from bot.telegram.webhook import SECRET_HEADER, create_webhook_app, webhook_path
from tests.sandbox_client import SandboxClient

SECRET = "test-secret_123"


@pytest.fixture
async def webhook_bot(
    settings: Settings, http: aiohttp.ClientSession
) -> AsyncIterator[tuple[str, str, BotApplication]]:
    """The bot in webhook mode: (emulator base URL, webhook URL, application)."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base):
        application = build_application(
            settings, token=SANDBOX_TOKEN, base_url=f"{base}/bot", with_updater=False
        )
        await application.initialize()
        await application.start()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}/telegram/hook"
        runner = web.AppRunner(create_webhook_app(application, webhook_path(url), SECRET))
        await runner.setup()
        await web.SockSite(runner, sock).start()
        await application.bot.set_webhook(url, secret_token=SECRET)
        try:
            yield base, url, application
        finally:
            await runner.cleanup()
            await application.stop()
            await application.shutdown()
            await application.bot_data.services.store.close()


def test_webhook_path_comes_from_the_url() -> None:
    assert webhook_path("https://bot.example.org/tg/updates") == "/tg/updates"
    assert webhook_path("https://bot.example.org") == "/"


async def test_updates_posted_by_telegram_are_answered(
    webhook_bot: tuple[str, str, BotApplication], http: aiohttp.ClientSession
) -> None:
    base, _, _ = webhook_bot
    reply = await SandboxClient(http, base, 2001).ask("/start")
    assert "Welcome" in reply["text"]


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x"])
async def test_requests_without_the_right_secret_are_refused(
    webhook_bot: tuple[str, str, BotApplication], http: aiohttp.ClientSession, secret: str | None
) -> None:
    _, url, _ = webhook_bot
    headers = {SECRET_HEADER: secret} if secret else {}
    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"},
    }
    async with http.post(url, json=update, headers=headers) as response:
        assert response.status == 403
        assert "secret" in (await response.json())["error"]


async def test_malformed_body_gets_400_with_a_sentence(
    webhook_bot: tuple[str, str, BotApplication], http: aiohttp.ClientSession
) -> None:
    _, url, _ = webhook_bot
    async with http.post(url, data=b"{not json", headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 400
        assert "JSON" in (await response.json())["error"]


async def test_healthz_reports_running(
    webhook_bot: tuple[str, str, BotApplication], http: aiohttp.ClientSession
) -> None:
    _, url, _ = webhook_bot
    health_url = url.rsplit("/telegram", 1)[0] + "/healthz"
    async with http.get(health_url) as response:
        body = await response.json()
    assert response.status == 200 and body["ok"] is True and body["faq_entries"] > 0


async def _raw_post(url: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, bytes]:
    """POST with header bytes exactly as given (no client library would send them)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    lines = [f"POST {parts.path} HTTP/1.1".encode(), f"Host: {parts.netloc}".encode()]
    lines.append(b"Connection: close")
    lines += [name + b": " + value for name, value in headers]
    lines += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    rest = await reader.read()
    writer.close()
    return int(status_line.split()[1]), rest


@pytest.mark.parametrize(
    "secret",
    [b"\xff\xfe not utf-8", "tést-secret_123".encode(), b"", SECRET.encode() + b"x"],
)
async def test_a_wrong_or_malformed_secret_is_refused_with_403(
    webhook_bot: tuple[str, str, BotApplication], secret: bytes
) -> None:
    _, url, _ = webhook_bot
    status, body = await _raw_post(url, [(SECRET_HEADER.encode(), secret)], b'{"update_id": 1}')
    assert status == 403
    assert b"secret token header is missing or wrong" in body


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 7, "message": {"chat": 5}}',
        b'{"update_id": 8, "callback_query": "pressed"}',
        b'{"update_id": "nine"}',
        b"[" * 100_000,
        b"\xff\xfe",
    ],
)
async def test_a_bad_update_with_the_right_secret_is_refused_with_400(
    webhook_bot: tuple[str, str, BotApplication], body: bytes
) -> None:
    _, url, _ = webhook_bot
    status, answer = await _raw_post(url, [(SECRET_HEADER.encode(), SECRET.encode())], body)
    assert status == 400, answer
    assert b"Traceback" not in answer


def _message_update(update_id: int, **fields: object) -> dict[str, object]:
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "Ana"},
        "text": "When is the deadline?",
        **fields,
    }
    return {"update_id": update_id, "message": message}


@pytest.mark.parametrize(
    ("update", "problem"),
    [
        (_message_update(20, text=12345), "message.text must be a string"),
        (_message_update(21, text=["a"]), "message.text must be a string"),
        (_message_update(22, chat={"id": "5", "type": "private"}), "message.chat.id must be an"),
        (_message_update(23, chat={"id": 5}), "message.chat.type is missing"),
        (_message_update(24, **{"from": {"id": 5.5, "is_bot": False, "first_name": "A"}}), "id"),
        (_message_update(25, entities=[{"type": "bold", "offset": "0", "length": 1}]), "offset"),
        (
            {
                "update_id": 26,
                "callback_query": {
                    "id": "q1",
                    "from": {"id": 5, "is_bot": False, "first_name": "Ana"},
                    "data": {"entry": 1},
                },
            },
            "callback_query.data must be a string",
        ),
    ],
)
async def test_an_update_with_fields_of_the_wrong_type_is_refused_at_the_door(
    webhook_bot: tuple[str, str, BotApplication],
    http: aiohttp.ClientSession,
    update: dict[str, object],
    problem: str,
) -> None:
    _, url, _ = webhook_bot
    async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 400
        error = (await response.json())["error"]
    assert error.startswith("The body is not a Telegram Update: ") and problem in error


async def test_the_webhook_answers_only_once_the_update_is_kept_on_disk(
    webhook_bot: tuple[str, str, BotApplication], http: aiohttp.ClientSession, settings: Settings
) -> None:
    _, url, _ = webhook_bot
    update = _message_update(424242)
    async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
        assert response.status == 200
        # Read at the moment of the answer: a kill right now must not lose the update.
        kept = b"".join(p.read_bytes() for p in (settings.data_dir / "inbox").glob("*.jsonl"))
    assert b'"update_id":424242' in kept
