"""FAQ load time (with the meaning model), and the bot's resident memory after start-up.

The memory row starts `applicant-bot emulator` and `applicant-bot run` as separate processes,
waits until the bot answers /start and a typed question, then reads the bot's VmRSS.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bot.sandbox.server import SANDBOX_TOKEN
from faq import semantic
from faq.loader import load_knowledge_base
from faq.matcher import build_index
from tests.bench.table import BenchRow, format_table
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "faq" / "data"
LOADS = 10
TARGET_RSS_MIB = 300
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _wait_for_http(url: str, session: aiohttp.ClientSession) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT} s")


async def _started_bot_rss(folder: Path) -> tuple[float, float]:
    """(seconds until the bot first answers, its VmRSS in MiB once it has answered a question)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "processes.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    clean["PYTHONPATH"] = str(ROOT)
    emulator = _start(
        ["emulator", "--port", str(port), "--data-dir", str(folder / "emu")], clean, log
    )
    bot: subprocess.Popen[bytes] | None = None
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_for_http(f"{base}/api/stats", session)
            env = dict(
                clean,
                TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
                TELEGRAM_API_BASE_URL=base,
                DATA_DIR=str(folder / "bot"),
                ADMIN_IDS="1",
                PRIVACY_CONTROLLER="Test Programme Team",
                PRIVACY_CONTACT="privacy@test.example",
            )
            started = time.perf_counter()
            bot = _start(["run"], env, log)
            user = SandboxClient(session, base, 1001)
            await user.ask("/start", timeout=START_TIMEOUT)
            answered = time.perf_counter() - started
            await user.ask("how long does the programme last")
            return answered, _vm_rss_mib(bot.pid)
    finally:
        if bot is not None:
            _stop(bot)
        _stop(emulator)


def _load_ms(runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        load_knowledge_base(SHIPPED)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def run() -> list[BenchRow]:
    """Model load, FAQ load with and without the meaning vectors, bot start-up and memory."""
    semantic._model = None
    start = time.perf_counter()
    semantic.model()
    model_seconds = time.perf_counter() - start
    loads = _load_ms(LOADS)
    kb = load_knowledge_base(SHIPPED)
    lexical = []
    for _ in range(LOADS):
        start = time.perf_counter()
        build_index(kb.entries, semantic=False)
        lexical.append((time.perf_counter() - start) * 1000)
    with_vectors = []
    for _ in range(LOADS):
        start = time.perf_counter()
        build_index(kb.entries)
        with_vectors.append((time.perf_counter() - start) * 1000)
    with tempfile.TemporaryDirectory() as folder:
        answered, rss = asyncio.run(_started_bot_rss(Path(folder)))
    return [
        BenchRow("meaning model load (once per process)", "s", model_seconds),
        BenchRow("FAQ load, shipped folder (validate + index)", "ms", statistics.median(loads)),
        BenchRow(
            "FAQ index build with meaning vectors (shipped)",
            "ms",
            statistics.median(with_vectors),
            "lexical index only",
            statistics.median(lexical),
        ),
        BenchRow("bot start until it answers /start", "s", answered),
        BenchRow(
            "bot resident memory after start-up (VmRSS)",
            "MiB",
            rss,
            target=f"< {TARGET_RSS_MIB} MiB",
        ),
    ]


if __name__ == "__main__":
    print(format_table(run()))
