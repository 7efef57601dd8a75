"""The bot token never appears in logs, though httpx and our transport log every request URL."""

from __future__ import annotations

import logging

import pytest
from telegram import Bot

from bot.logs import REDACTED, TokenRedactingFilter, configure_logging
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import serving_emulator
from bot.telegram.transport import AiohttpRequest

TOKEN = "987654321:AAHsecretTokenValue_-xyz123"


def test_filter_redacts_token_in_message_args_and_tracebacks() -> None:
    token_filter = TokenRedactingFilter(TOKEN)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET %s", (f"/bot{TOKEN}/getMe",), None
    )
    token_filter.filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/x")
    except RuntimeError:
        import sys

        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    token_filter.filter(failing)
    assert failing.exc_text is not None and TOKEN not in failing.exc_text


async def test_real_request_logs_do_not_contain_the_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", TOKEN)  # DEBUG: httpx logs every URL, the worst case
    try:
        async with (
            serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base),
            Bot(TOKEN, base_url=f"{base}/bot") as bot,
        ):
            assert (await bot.get_me()).username
        captured = capsys.readouterr()
        assert "getMe" in captured.err  # the request really was logged
        assert TOKEN not in captured.err
        assert TOKEN.split(":")[1] not in captured.err
    finally:
        logging.getLogger().handlers.clear()


async def test_the_bots_own_transport_logs_requests_without_the_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", TOKEN)
    try:
        async with (
            serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base),
            Bot(TOKEN, base_url=f"{base}/bot", request=AiohttpRequest()) as bot,
        ):
            assert (await bot.get_me()).username
        captured = capsys.readouterr()
        assert "getMe -> 200" in captured.err  # bot/transport.py logged the request
        assert TOKEN not in captured.err
        assert TOKEN.split(":")[1] not in captured.err
    finally:
        logging.getLogger().handlers.clear()
