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
