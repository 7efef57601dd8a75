"""`applicant-bot sandbox` as a new user runs it: prints its URL, chats, stops on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]


def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "STAFF_"))}
    env.update(PYTHONPATH=str(ROOT), DATA_DIR=str(tmp_path / "data"))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"open (http://\S+/) in your browser", line)
        if found:
            return process, found.group(1)
        if not line and process.poll() is not None:
            break
    process.kill()
    stderr = process.stderr.read() if process.stderr else ""
    raise AssertionError(f"the sandbox printed no URL; stderr: {stderr}")


async def test_sandbox_command_serves_the_bot_and_stops_on_sigterm(tmp_path: Path) -> None:
    process, url = _start(tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as page:
                assert page.status == 200
                assert "<html" in (await page.text()).lower()
            admin = SandboxClient(session, url, 1)
            assert "Welcome" in (await admin.ask("/start"))["text"]
            # No admin configured: the sandbox makes user 1 an admin so staff features show.
            assert "/reloadfaq" in (await admin.ask("/help"))["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Sandbox stopped." in out
    assert "Traceback" not in err
    assert (tmp_path / "data" / "sandbox").is_dir()  # data kept under DATA_DIR/sandbox
    # The emulator's world too, so the chats are still there after a restart.
    assert (tmp_path / "data" / "sandbox" / "emulator" / "snapshot.jsonl").is_file()


EMULATOR_ALONE = """
import asyncio, sys
from pathlib import Path
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import serve_emulator_forever
asyncio.run(serve_emulator_forever(EmulatorConfig(data_dir=Path(sys.argv[1])), "127.0.0.1", 0))
"""


async def test_the_emulator_alone_says_how_to_start_a_bot_and_keeps_its_world(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    folder = tmp_path / "emulator"
    process = subprocess.Popen(
        [sys.executable, "-c", EMULATOR_ALONE, str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    second = process.stdout.readline() + process.stdout.readline()
    try:
        url = re.search(r"open (http://\S+)/ in your browser", first)
        assert url is not None, first
        assert f"TELEGRAM_API_BASE_URL={url.group(1)} TELEGRAM_BOT_TOKEN=" in second
        async with aiohttp.ClientSession() as session:
            await SandboxClient(session, url.group(1), 1001).send("hello")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Telegram emulator stopped." in out
    assert b'"text":"hello"' in (folder / "snapshot.jsonl").read_bytes()
