"""End to end: FAQ-style text updates per second through the whole bot and the emulator,
against a bare python-telegram-bot echo bot on the same emulator in the same run."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import aiohttp
from ruamel.yaml import YAML
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bot.app import build_application, running_with_polling
from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.settings import load_settings
from tests.bench.table import BenchRow

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "faq_eval.yaml"
USERS = 40
MESSAGES_PER_USER = 10
ROUNDS = 3
SENDERS = 40


def faq_questions() -> list[str]:
    """Realistic applicant questions from the evaluation set."""
    data = YAML(typ="safe").load(EVAL_FILE.read_text(encoding="utf-8"))
    return [item["q"] for item in data["covered"]]


def _sent_messages(emulator: TelegramEmulator) -> int:
    requests = emulator.stats()["requests"]
    return sum(count for method, count in requests.items() if method.lower() == "sendmessage")


async def _drive(
    emulator: TelegramEmulator, base: str, questions: list[str], round_no: int
) -> float:
    """Send USERS x MESSAGES_PER_USER messages, wait for every reply; return updates/second."""
    before = _sent_messages(emulator)
    total = USERS * MESSAGES_PER_USER
    gate = asyncio.Semaphore(SENDERS)
    async with aiohttp.ClientSession() as session:

        async def send(user_id: int, n: int) -> None:
            text = questions[(user_id * 7 + n) % len(questions)]
            async with (
                gate,
                session.post(
                    f"{base}/api/users/{user_id}/messages", json={"text": text}
                ) as response,
            ):
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(
            *(
                send(10_000 + round_no * 1_000 + u, n)
                for n in range(MESSAGES_PER_USER)
                for u in range(USERS)
            )
        )
        while _sent_messages(emulator) - before < total:
            if time.perf_counter() - started > 120:
                raise RuntimeError("the bot did not answer every message within 120 s")
            await asyncio.sleep(0.005)
        return total / (time.perf_counter() - started)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message and update.message.text:
        await update.message.reply_text(update.message.text)


@asynccontextmanager
async def _echo_bot(base: str) -> AsyncIterator[None]:
    application = Application.builder().token(SANDBOX_TOKEN).base_url(f"{base}/bot").build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    async with running_with_polling(application):  # type: ignore[arg-type]
        yield


@asynccontextmanager
async def _full_bot(base: str, data_dir: Path, concurrency: int) -> AsyncIterator[None]:
    settings = load_settings({"DATA_DIR": str(data_dir)})
    application = build_application(
        settings,
        token=SANDBOX_TOKEN,
        base_url=f"{base}/bot",
        # Telegram's own limits are not what is measured here; keep the limiter in the path.
        rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0),
        max_concurrent_updates=concurrency,
    )
    async with running_with_polling(application):
        yield


async def _rate(bot: Callable[[str], AbstractAsyncContextManager[None]]) -> float:
    questions = faq_questions()
    async with (
        serving_emulator(EmulatorConfig(rate_limit=False)) as (emulator, base),
        bot(base),
    ):
        await _drive(emulator, base, questions, round_no=9)  # warm-up
        rates = [await _drive(emulator, base, questions, r) for r in range(ROUNDS)]
    return statistics.median(rates)


async def _measure() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as tmp:
        echo = await _rate(_echo_bot)
        full = await _rate(lambda base: _full_bot(base, Path(tmp) / "a", concurrency=16))
        sequential = await _rate(lambda base: _full_bot(base, Path(tmp) / "b", concurrency=1))
    return [
        BenchRow(
            "e2e: full bot, FAQ questions (per-chat ordered, 16 chats at once)",
            "updates/s",
            full,
            "bare PTB echo bot",
            echo,
            ">= 0.8x",
            higher_is_better=True,
        ),
        BenchRow(
            "e2e: full bot, FAQ questions (one update at a time)",
            "updates/s",
            sequential,
            "bare PTB echo bot",
            echo,
            ">= 0.8x",
            higher_is_better=True,
        ),
    ]


def run() -> list[BenchRow]:
    """Measure both bots on fresh emulators and return the rows."""
    return asyncio.run(_measure())


if __name__ == "__main__":
    from tests.bench.table import format_table

    print(format_table(run()))
