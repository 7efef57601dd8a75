"""Serve the Telegram emulator with its web chat page, alone or with the real bot in one loop."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from aiohttp import web

from bot.app import BotApplication, build_application
from bot.lifecycle import running_with_polling, until_stopped
from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.settings import Settings

SANDBOX_TOKEN = "100000001:sandbox-local-token"
SANDBOX_ADMIN_ID = 1
STATIC_DIR = Path(__file__).resolve().parent / "static"
# How long a connection keeps draining a body left unread (a refused 60 MB upload) before it
# closes; aiohttp's default of 10 s held every shutdown after such a refusal that long.
LINGERING_SECONDS = 1.0


@dataclass
class RunningSandbox:
    """A started sandbox: where to open it, and its parts for tests."""

    url: str
    emulator: TelegramEmulator
    application: BotApplication
    settings: Settings


def sandbox_settings(settings: Settings, data_dir: Path | None = None) -> Settings:
    """The settings the sandbox runs with: its own data folder, and an admin if none is set."""
    changes: dict[str, object] = {"data_dir": data_dir or settings.data_dir / "sandbox"}
    if not settings.admin_ids:
        changes["admin_ids"] = frozenset({SANDBOX_ADMIN_ID})
    return settings.model_copy(update=changes)


@asynccontextmanager
async def serving_emulator(
    config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[tuple[TelegramEmulator, str]]:
    """Serve the emulator over HTTP; yields it with its base URL (port 0 picks a free port)."""
    emulator = TelegramEmulator(config)
    runner = web.AppRunner(
        emulator.app, handle_signals=False, access_log=None, lingering_time=LINGERING_SECONDS
    )
    await runner.setup()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    site = web.SockSite(runner, sock)
    await site.start()
    shown_host = f"[{host}]" if ":" in host else host
    try:
        yield emulator, f"http://{shown_host}:{bound_port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def running_sandbox(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 0,
    emulator_config: EmulatorConfig | None = None,
) -> AsyncIterator[RunningSandbox]:
    """Start the emulator, the web page and the real bot (long polling) until the block ends.

    Without an emulator_config the emulator keeps its world in DATA_DIR/emulator, so chats
    continue after a restart.
    """
    config = emulator_config or EmulatorConfig(
        static_dir=STATIC_DIR, data_dir=settings.data_dir / "emulator"
    )
    async with serving_emulator(config, host, port) as (emulator, base):
        # The bot keeps Telegram's per-chat pace only against an emulator that keeps its limits
        # (tests switch both off to run quickly).
        application = build_application(
            settings,
            token=SANDBOX_TOKEN,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            pace_chats=config.rate_limit,
        )
        async with running_with_polling(application):
            yield RunningSandbox(
                url=f"{base}/", emulator=emulator, application=application, settings=settings
            )


async def serve_sandbox_forever(settings: Settings, host: str, port: int) -> None:
    """Run the sandbox until Ctrl-C or SIGTERM, printing where to open it."""
    async with running_sandbox(settings, host, port) as sandbox:
        admins = ", ".join(str(i) for i in sorted(settings.admin_ids))
        print(
            f"Sandbox running: open {sandbox.url} in your browser.\n"
            f"Data folder: {settings.data_dir}  Admin user id(s): {admins}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        await until_stopped()
    print("Sandbox stopped.", flush=True)


async def serve_emulator_forever(config: EmulatorConfig, host: str, port: int) -> None:
    """Serve the emulator alone (Bot API, client API, chat page) until Ctrl-C or SIGTERM."""
    if config.static_dir is None:
        config = replace(config, static_dir=STATIC_DIR)
    async with serving_emulator(config, host, port) as (_, base):
        kept = f"World kept in: {config.data_dir}" if config.data_dir else "World kept in memory"
        print(
            f"Telegram emulator running: open {base}/ in your browser to chat as a user.\n"
            "Start a bot against it with:\n"
            f"  TELEGRAM_API_BASE_URL={base} TELEGRAM_BOT_TOKEN=123456:sandbox applicant-bot run\n"
            "  (any token of the form <digits>:<letters, digits, _ or -> works)\n"
            f"{kept}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        await until_stopped()
    print("Telegram emulator stopped.", flush=True)
