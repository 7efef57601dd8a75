"""Neither the bot token nor the webhook secret reaches a log line, even at DEBUG.

Run as a person would: `applicant-bot emulator` and `applicant-bot run` in webhook mode, both at
LOG_LEVEL=DEBUG, where PTB logs setWebhook's parameters (secret included) and httpx every URL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bot.logs import REDACTED, REDACTED_SECRET, TokenRedactingFilter
from bot.sandbox.server import SANDBOX_TOKEN
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Webhook_Secret-42xyz"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(args: list[str], log: Path, **values: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="DEBUG", **values)
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the process ended: {log.read_text()}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 s: {log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_secret_shapes_are_redacted_without_being_configured() -> None:
    redact = TokenRedactingFilter().redact
    assert SECRET not in redact(f"parameters {{'url': 'x', 'secret_token': '{SECRET}'}}")
    assert SECRET not in redact(f'{{"secret_token": "{SECRET}"}}')
    assert SECRET not in redact(f"X-Telegram-Bot-Api-Secret-Token: {SECRET}")
    assert REDACTED_SECRET in redact(f"secret_token={SECRET}")


def test_the_filter_redacts_the_configured_secret_in_args() -> None:
    record = logging.LogRecord(
        "x", logging.DEBUG, __file__, 1, "header %s", (f"token {SECRET}",), None
    )
    TokenRedactingFilter(None, SECRET).filter(record)
    assert SECRET not in record.getMessage() and REDACTED_SECRET in record.getMessage()


async def test_webhook_set_up_at_debug_logs_neither_token_nor_secret(tmp_path: Path) -> None:
    log = tmp_path / "processes.log"
    api_port, hook_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{api_port}"
    emulator = _start(
        ["emulator", "--port", str(api_port), "--data-dir", str(tmp_path / "emu")], log
    )
    processes = [emulator]
    try:
        await _wait_for(f"{base}/api/stats", emulator, log)
        bot = _start(
            ["run"],
            log,
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_BASE_URL=base,
            DATA_DIR=str(tmp_path / "bot"),
            WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/telegram",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(hook_port),
        )
        processes.append(bot)
        await _wait_for(f"http://127.0.0.1:{hook_port}/healthz", bot, log)
        async with aiohttp.ClientSession() as session:
            reply = await SandboxClient(session, base, 1001).ask("/start", timeout=30)
        assert "Welcome" in reply["text"]  # the emulator posted it with the secret header
    finally:
        for process in reversed(processes):
            _stop(process)
    text = log.read_text()
    assert "setWebhook" in text  # the set-up really was logged at DEBUG
    lines = [line for line in text.splitlines() if SECRET in line or SANDBOX_TOKEN in line]
    assert lines == []
    assert SANDBOX_TOKEN.split(":")[1] not in text
    assert REDACTED_SECRET in text and REDACTED in text
