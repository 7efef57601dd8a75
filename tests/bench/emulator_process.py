"""The emulator in its own process, as Telegram is for a real bot, so that the bot's event loop
pays only for the bot's own work. Run as a module it serves until stdin closes.

Usage: python -m tests.bench.emulator_process [DATA_DIR | -] [CONFIG_JSON]
(no DATA_DIR or "-": world in memory; CONFIG_JSON: rate limits and faults, see `emulator_config`)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.sandbox.emulator import EmulatorConfig, FaultConfig
from bot.sandbox.server import serving_emulator

READY = "emulator serving at "
REPO_ROOT = Path(__file__).resolve().parents[2]


def emulator_config(data_dir: Path | None, options: dict[str, Any]) -> EmulatorConfig:
    """Flood limits off unless `options` give overall_per_second; faults from `options`."""
    faults = FaultConfig(
        share_429=options.get("share_429", 0.0),
        seed=options.get("seed"),
        methods=frozenset(options["fault_methods"]) if "fault_methods" in options else None,
        spared_chats=frozenset(options.get("spared_chats", ())),
    )
    if "overall_per_second" not in options:
        return EmulatorConfig(rate_limit=False, data_dir=data_dir, faults=faults)
    return EmulatorConfig(
        overall_per_second=options["overall_per_second"],
        per_chat_per_second=options.get("per_chat_per_second", 1.0),
        data_dir=data_dir,
        faults=faults,
    )


async def _serve_until_stdin_closes(data_dir: Path | None, options: dict[str, Any]) -> None:
    config = emulator_config(data_dir, options)
    async with serving_emulator(config) as (_, base):
        print(READY + base, flush=True)
        await asyncio.to_thread(sys.stdin.read)


def start_emulator_process(
    data_dir: Path | None = None, options: dict[str, Any] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start the emulator in a child process; returns it and its base URL once it serves."""
    arguments = ["-" if data_dir is None else str(data_dir), json.dumps(options or {})]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.emulator_process", *arguments],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line.startswith(READY):
        child.kill()
        child.wait()
        raise RuntimeError(f"the emulator process did not start: {line!r}")
    return child, line[len(READY) :].strip()


@contextmanager
def emulator_in_a_child_process(
    data_dir: Path | None = None, options: dict[str, Any] | None = None
) -> Iterator[str]:
    """Start the emulator in a child process; yields its base URL and stops it afterwards."""
    child, base = start_emulator_process(data_dir, options)
    try:
        yield base
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "-"
    settings = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    asyncio.run(_serve_until_stdin_closes(None if folder == "-" else Path(folder), settings))
