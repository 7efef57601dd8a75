"""The emulator in its own process, as Telegram is for a real bot, so that the bot's event loop
pays only for the bot's own work. Run as a module it serves until stdin closes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import serving_emulator

READY = "emulator serving at "


async def _serve_until_stdin_closes() -> None:
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base):
        print(READY + base, flush=True)
        await asyncio.to_thread(sys.stdin.read)


@contextmanager
def emulator_in_a_child_process() -> Iterator[str]:
    """Start the emulator in a child process; yields its base URL and stops it afterwards."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.emulator_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        line = child.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"the emulator process did not start: {line!r}")
        yield line[len(READY) :].strip()
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


if __name__ == "__main__":
    asyncio.run(_serve_until_stdin_closes())
