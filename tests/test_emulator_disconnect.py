"""A client that hangs up mid-body is counted as gone (499), not as a server error (500)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator

PATHS = [f"/bot{SANDBOX_TOKEN}/sendMessage", "/api/users/5/messages"]


async def _hang_up_mid_body(base: str, path: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    _reader, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    writer.write(head.encode() + b'{"chat_id": 1, "text": "hal')
    await writer.drain()
    await asyncio.sleep(0.1)  # the emulator is now waiting for the rest of the body
    writer.close()
    await writer.wait_closed()


@pytest.mark.parametrize("path", PATHS)
async def test_a_client_hanging_up_mid_body_is_no_server_error(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.sandbox")
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as (emulator, base):
        await _hang_up_mid_body(base, path)
        for _ in range(50):
            if any("went away" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.02)
        statuses = emulator.stats()["statuses"]
    assert "500" not in statuses
    if path.startswith("/bot"):
        assert statuses == {"499": 1}
    gone = [r for r in caplog.records if "went away" in r.getMessage()]
    assert [r.levelno for r in gone] == [logging.INFO]
    assert not gone[0].exc_info and SANDBOX_TOKEN not in gone[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
