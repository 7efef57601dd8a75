"""The `applicant-bot` command line: run, sandbox, and the FAQ tools."""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import re
import sys
from collections.abc import Coroutine, Iterable, Sequence
from html import unescape
from pathlib import Path
from typing import Any

from bot import __version__
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

EXIT_UNREACHABLE = 1
EXIT_CONFIG = 2
TELEGRAM_API = "https://api.telegram.org"
DATA_DIR_HELP = "the bot's data folder (default: DATA_DIR; the sandbox's is DATA_DIR/sandbox)"
ENV_FILE_HELP = "settings file (default: ./.env when it exists; a file named here must exist)"


class UserFacingError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="applicant-bot",
        description="Telegram assistant for cities applying to the Twin Cities call.",
    )
    parser.add_argument("--version", action="version", version=f"applicant-bot {__version__}")
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help=ENV_FILE_HELP,
    )
    # Accepted after the command too (`applicant-bot run --env-file F`).
    env_option = argparse.ArgumentParser(add_help=False)
    env_option.add_argument("--env-file", type=Path, default=argparse.SUPPRESS, help=ENV_FILE_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser(
        "run",
        parents=[env_option],
        help="run the bot on real Telegram (long polling, or webhook when WEBHOOK_URL is set)",
        description=(
            "Run the bot. Needs TELEGRAM_BOT_TOKEN. It talks to Telegram, or to the Bot API "
            "server at TELEGRAM_API_BASE_URL (a self-hosted telegram-bot-api, or "
            "applicant-bot emulator)."
        ),
    )

    sandbox = commands.add_parser(
        "sandbox",
        parents=[env_option],
        help="run the bot against the local Telegram sandbox, with a web chat page",
        description="Run the real bot against the embedded Telegram emulator; no token needed.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=8080, help="port to listen on")
    sandbox.add_argument(
        "--data-dir", type=Path, default=None, help="data folder (default: DATA_DIR/sandbox)"
    )

    emulator = commands.add_parser(
        "emulator",
        parents=[env_option],
        help="run only the local Telegram emulator (for a bot started with applicant-bot run)",
        description=(
            "Run the Telegram emulator with the web chat page and client API, keeping its world "
            "in a data folder. Start a bot against it with "
            "TELEGRAM_API_BASE_URL=http://HOST:PORT applicant-bot run."
        ),
    )
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on")
    emulator.add_argument("--port", type=int, default=8081, help="port to listen on")
    emulator.add_argument(
        "--data-dir", type=Path, default=None, help="its data folder (default: DATA_DIR/emulator)"
    )

    export = commands.add_parser(
        "export",
        parents=[env_option],
        help="write the stored registrations as CSV or JSON (for staff)",
    )
    export_kinds = export.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    registrations = export_kinds.add_parser(
        "registrations",
        parents=[env_option],
        help="every pre-registration, duplicates and interest-only rows marked",
        description=(
            "Write every pre-registration in DATA_DIR as UTF-8 CSV (cells neutralised against "
            "spreadsheet formulas) or JSON, times in TIMEZONE with their UTC offset. Safe while "
            "the bot runs: the files are only read."
        ),
    )
    registrations.add_argument("--format", choices=("csv", "json"), default="csv")
    registrations.add_argument(
        "--bom",
        action="store_true",
        help="start the CSV with a UTF-8 byte-order mark, so Excel on Windows reads accents",
    )
    registrations.add_argument("--data-dir", type=Path, default=None, help=DATA_DIR_HELP)
    registrations.add_argument(
        "--out", type=Path, default=None, help="file to write (default: standard output)"
    )
    audit = export_kinds.add_parser(
        "audit",
        parents=[env_option],
        help="the staff audit log: who did what, and when",
        description=(
            "Write the staff audit log in DATA_DIR, oldest first, as UTF-8 CSV (cells neutralised "
            "against spreadsheet formulas) or JSON. Safe while the bot runs: the files are only "
            "read, so this export is not itself in the log."
        ),
    )
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.add_argument("--data-dir", type=Path, default=None, help=DATA_DIR_HELP)
    audit.add_argument(
        "--out", type=Path, default=None, help="file to write (default: standard output)"
    )

    stats = commands.add_parser(
        "stats",
        parents=[env_option],
        help="draw the /stats chart into a PNG file (for staff)",
        description=(
            "Draw the chart /stats sends (registrations, subscribers, questions, handoffs) "
            "from DATA_DIR into a PNG file. Safe while the bot runs: the files are only read."
        ),
    )
    stats.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    stats.add_argument("--data-dir", type=Path, default=None, help=DATA_DIR_HELP)

    faq = commands.add_parser(
        "faq", parents=[env_option], help="check the FAQ files or try questions against them"
    )
    faq_commands = faq.add_subparsers(dest="faq_command", metavar="FAQ_COMMAND", required=True)
    check = faq_commands.add_parser(
        "check",
        parents=[env_option],
        help="validate the FAQ folder and self-test its phrasings",
        description="Validate the FAQ, then check every phrasing is answered by its own entry.",
    )
    check.add_argument("directory", nargs="?", type=Path, help="FAQ folder (default: FAQ_DIR)")
    ask = faq_commands.add_parser(
        "ask",
        parents=[env_option],
        help="show what the bot would do with a question",
        description=(
            "Show what the bot would do with one question, its words quoted or not (they are "
            "joined into one question); for several questions, give one per line on stdin."
        ),
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--dir", type=Path, default=None, help="FAQ folder (default: FAQ_DIR)")
    ask.add_argument(
        "question",
        nargs="*",
        help="one question, its words quoted or not (default: one question per line on stdin)",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    env_file = args.env_file
    if env_file is None and Path(".env").is_file():
        env_file = Path(".env")
    run = args.command == "run"
    return load_settings(os.environ, env_file, require_token=run, require_privacy=run)


def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.lifecycle import serve_polling_forever, serve_webhook_forever

    application = build_application(settings)
    server = settings.telegram_api_base_url or TELEGRAM_API
    try:
        if settings.webhook_url:
            asyncio.run(serve_webhook_forever(application, settings))
        else:
            asyncio.run(serve_polling_forever(application))
    except InvalidToken:
        raise UserFacingError(
            f"The Bot API server at {server} refused the bot token; copy TELEGRAM_BOT_TOKEN "
            "again from @BotFather, and check TELEGRAM_API_BASE_URL if you set it."
        ) from None
    except NetworkError as error:
        print(
            f"Could not reach the Telegram Bot API at {server} ({error.message}); check this "
            "machine's network connection and proxy settings (HTTPS_PROXY, HTTP_PROXY), and "
            "TELEGRAM_API_BASE_URL if you set it.",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    return 0


def _check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise UserFacingError(f"--port {port} is not a port; use a number from 1 to 65535")


def _serve(server: Coroutine[Any, Any, None], host: str, port: int) -> int:
    from bot.storage.journal import JournalCorruptError, JournalError

    try:
        asyncio.run(server)
    except (JournalError, JournalCorruptError) as error:
        raise UserFacingError(str(error)) from None
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        raise UserFacingError(
            f"Could not listen on {host}:{port} ({error.strerror}); stop what uses that "
            "address or pick another with --host / --port."
        ) from None
    return 0


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from bot.sandbox.server import sandbox_settings, serve_sandbox_forever

    _check_port(args.port)
    chosen = sandbox_settings(settings, args.data_dir)
    return _serve(serve_sandbox_forever(chosen, args.host, args.port), args.host, args.port)


def _emulator(settings: Settings, args: argparse.Namespace) -> int:
    from bot.sandbox.emulator import EmulatorConfig
    from bot.sandbox.server import STATIC_DIR, serve_emulator_forever

    _check_port(args.port)
    config = EmulatorConfig(
        static_dir=STATIC_DIR, data_dir=args.data_dir or settings.data_dir / "emulator"
    )
    return _serve(serve_emulator_forever(config, args.host, args.port), args.host, args.port)


def _warn_if_missing(data_dir: Path, file_name: str, what: str) -> None:
    if not (data_dir / file_name).is_file():
        print(
            f"No {what} stored in {data_dir}; give the bot's data folder with "
            "--data-dir (the sandbox keeps its data in DATA_DIR/sandbox).",
            file=sys.stderr,
        )


def _write(out: Path | None, payload: bytes, what: str) -> None:
    if out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    try:
        out.write_bytes(payload)
    except OSError as error:
        raise UserFacingError(
            f"Could not write {out} ({error.strerror}); choose a file in a folder you may write to."
        ) from None
    print(f"Wrote {what} to {out}.", file=sys.stderr)


def _export(settings: Settings, args: argparse.Namespace) -> int:
    data_dir = args.data_dir or settings.data_dir
    if args.export_kind == "audit":
        from bot.desk.audit_export import AUDIT_FORMATS, audit_rows
        from bot.storage.store import read_staff_actions

        _warn_if_missing(data_dir, "audit.json", "staff actions are")
        rows = audit_rows(read_staff_actions(data_dir))
        _write(args.out, AUDIT_FORMATS[args.format](rows), f"{len(rows)} staff actions")
        return 0
    if args.bom and args.format != "csv":
        print(
            "--bom is for CSV only (for Excel); leave it out with --format json.",
            file=sys.stderr,
        )
        return 2
    from bot.registration.export import encode_export, export_rows
    from bot.storage.store import read_registrations
    from faq.countries import country_name

    _warn_if_missing(data_dir, "registrations.json", "registrations are")
    rows = export_rows(read_registrations(data_dir), country_name, settings.zone)
    content = encode_export(rows, args.format, settings.timezone, bom=args.bom)
    _write(args.out, content, f"{len(rows)} registrations")
    return 0


def _faq_titles(settings: Settings) -> dict[str, str]:
    from faq.loader import FaqValidationError, load_knowledge_base

    try:
        knowledge = load_knowledge_base(settings.faq_dir)
    except FaqValidationError as error:
        print(
            f"The FAQ in {settings.faq_dir} has {len(error.problems)} problems (see "
            "applicant-bot faq check); top questions are shown by entry id.",
            file=sys.stderr,
        )
        return {}
    return {entry.id: entry.question for entry in knowledge.entries}


def _stats(settings: Settings, args: argparse.Namespace) -> int:
    from bot.desk.charts import draw_desk_chart
    from bot.desk.stats import read_desk_numbers, summary_lines

    if args.out.suffix.lower() != ".png":
        raise UserFacingError(f"--out {args.out} must name a .png file, e.g. --out stats.png")
    data_dir = args.data_dir or settings.data_dir
    _warn_if_missing(data_dir, "registrations.json", "registrations are")
    numbers = read_desk_numbers(data_dir, _faq_titles(settings), zone=settings.zone)
    _write(args.out, draw_desk_chart(numbers), "the chart")
    for line in summary_lines(numbers):
        print(_plain(line))
    return 0


def _plain(html_line: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html_line))


def _questions(given: Sequence[str]) -> Iterable[str]:
    if given:
        return [" ".join(given)]
    return (line.rstrip("\n") for line in sys.stdin)


def _faq(settings: Settings, args: argparse.Namespace) -> int:
    from faq.commands import ask_command, check_command
    from faq.matcher import MatchThresholds

    thresholds = MatchThresholds(
        answer=settings.faq_answer_score, suggest=settings.faq_suggest_score
    )
    if args.faq_command == "check":
        return check_command(args.directory or settings.faq_dir, thresholds, sys.stdout)
    directory = args.dir or settings.faq_dir
    return ask_command(directory, _questions(args.question), args.json, thresholds, sys.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `applicant-bot` command."""
    from bot.storage.durable import StorageError
    from faq.loader import FaqValidationError

    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as error:
        print("The configuration has problems; fix them and start again:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command not in ("faq", "export", "stats"):
        configure_logging(settings.log_level, settings.telegram_bot_token, settings.webhook_secret)
    try:
        if args.command == "run":
            return _run(settings)
        if args.command == "sandbox":
            return _sandbox(settings, args)
        if args.command == "emulator":
            return _emulator(settings, args)
        if args.command == "export":
            return _export(settings, args)
        if args.command == "stats":
            return _stats(settings, args)
        return _faq(settings, args)
    except UserFacingError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except StorageError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except FaqValidationError as error:
        print(
            "The FAQ files have problems; the bot cannot start until they are fixed:",
            file=sys.stderr,
        )
        for faq_problem in error.problems:
            print(f"  {faq_problem}", file=sys.stderr)
        for note in error.notes:
            print(f"  {note}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
