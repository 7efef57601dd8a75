"""SIGKILL the bot again and again while many people ask questions; count the questions never
answered. Run as a person would: `applicant-bot emulator` and `applicant-bot run` as two
processes, the questions posted through the emulator's client API.

Every question the bot gets is answered with exactly one message (an answer, "Did you mean…?",
or "not found"), so a person's questions without an answer are their questions minus the bot's
messages in their chat (a question handled twice, when killed while it was handled, can hide
one lost in the same chat: the loop reports those repeats too).

Other people meanwhile pre-register (tests/registering_person.py); once the bot is stopped
cleanly, every registration they saw confirmed must be in `applicant-bot export registrations`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.sandbox.server import SANDBOX_TOKEN
from tests.registering_person import walk_registration
from tests.run_settings import RUN_PRIVACY_SETTINGS
from tests.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = (
    "When is the deadline?",
    "Who can apply?",
    "How much does it cost to take part?",
    "What is the Twinning Learning Programme?",
    "How do I register?",
    "Is there a lump sum?",
)
FIRST_USER = 50_000
FIRST_REGISTERING_USER = 70_000


@dataclass(frozen=True)
class KillLoopResult:
    """What a kill loop sent and what came back."""

    kills: int
    questions: int
    lost: int
    repeated: int
    seconds_sending: float
    registrations_confirmed: int = 0
    registrations_lost: int = 0

    @property
    def questions_per_second(self) -> float:
        """The rate questions were posted at."""
        return self.questions / self.seconds_sending if self.seconds_sending else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Processes:
    """The emulator and the bot as processes of their own, with one log file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "processes.log"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))
        }
        self.env["PYTHONPATH"] = str(ROOT)
        for name, value in RUN_PRIVACY_SETTINGS.items():
            self.env.setdefault(name, value)
        self.emulator: subprocess.Popen[bytes] | None = None
        self.bot: subprocess.Popen[bytes] | None = None

    def _start(self, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as output:
            return subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *args],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def start_emulator(self) -> None:
        args = ["emulator", "--port", str(self.port), "--data-dir", str(self.folder / "emu")]
        self.emulator = self._start(args)

    def start_bot(self) -> None:
        self.bot = self._start(
            ["run"],
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_BASE_URL=self.base,
            DATA_DIR=str(self.folder / "bot"),
            ADMIN_IDS="1",
        )

    def kill_bot(self) -> None:
        assert self.bot is not None
        self.bot.send_signal(signal.SIGKILL)
        self.bot.wait(timeout=10)

    def stop_all(self) -> None:
        for process in (self.bot, self.emulator):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@asynccontextmanager
async def _running(folder: Path) -> AsyncIterator[_Processes]:
    processes = _Processes(folder)
    try:
        processes.start_emulator()
        await _wait_for_emulator(processes)
        processes.start_bot()
        yield processes
    finally:
        processes.stop_all()


async def _wait_for_emulator(processes: _Processes) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{processes.base}/api/stats") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the emulator did not start: {processes.log.read_text()[-2000:]}")


async def _bot_messages_sent(session: aiohttp.ClientSession, base: str) -> int:
    async with session.get(f"{base}/api/stats") as response:
        return int((await response.json())["requests"].get("sendMessage", 0))


async def _answers_in(session: aiohttp.ClientSession, base: str, user_id: int) -> int:
    async with session.get(f"{base}/api/users/{user_id}/messages") as response:
        messages = (await response.json())["messages"]
    return sum(message["from"] == "bot" for message in messages)


async def run_kill_loop(
    folder: Path,
    *,
    users: int,
    questions_per_second: float,
    kills: int,
    kill_after: tuple[float, float],
    seed: int = 18,
    once_answering: bool = False,
    settle_seconds: float = 120.0,
    registering: int = 0,
    walk_patience: float = 60.0,
) -> KillLoopResult:
    """Post questions from `users` people, while `registering` others pre-register one city
    after another, and the bot is killed `kills` times, each after a random `kill_after` seconds
    (counted from the bot's first reply since its start when `once_answering`); then wait until
    every question is answered or nothing changes, stop the bot and read its registrations.
    Walks under way when the kills end may go on `walk_patience` seconds, the bot running."""
    rng = random.Random(seed)
    sent = [0] * users
    confirmed: list[int] = []
    stop_sending, walks_over = asyncio.Event(), asyncio.Event()
    interval = users / questions_per_second
    async with _running(folder) as processes, aiohttp.ClientSession() as session:

        async def person(index: int) -> None:
            user_id = FIRST_USER + index
            await asyncio.sleep(rng.uniform(0, interval))
            while not stop_sending.is_set():
                text = QUESTIONS[(index + sent[index]) % len(QUESTIONS)]
                url = f"{processes.base}/api/users/{user_id}/messages"
                async with session.post(url, json={"text": text}) as response:
                    if response.status == 200:
                        sent[index] += 1
                await asyncio.sleep(interval * rng.uniform(0.8, 1.2))

        async def registrant(index: int) -> None:
            user_id = FIRST_REGISTERING_USER + 1000 * index
            while not stop_sending.is_set():
                client = SandboxClient(session, processes.base, user_id)
                if await walk_registration(client, walks_over):
                    confirmed.append(user_id)
                user_id += 1

        started = time.monotonic()
        people = [asyncio.create_task(person(i)) for i in range(users)]
        registrants = [asyncio.create_task(registrant(i)) for i in range(registering)]
        try:
            for _ in range(kills):
                if once_answering:
                    before = await _bot_messages_sent(session, processes.base)
                    while await _bot_messages_sent(session, processes.base) == before:
                        await asyncio.sleep(0.05)
                await asyncio.sleep(rng.uniform(*kill_after))
                processes.kill_bot()
                processes.start_bot()
            await asyncio.sleep(rng.uniform(*kill_after))
        finally:
            stop_sending.set()
            outcomes = await asyncio.gather(*people, return_exceptions=True)
            seconds_sending = time.monotonic() - started
            if registrants:
                await asyncio.wait(registrants, timeout=walk_patience)
            walks_over.set()
            outcomes += await asyncio.gather(*registrants, return_exceptions=True)
            failures = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
            if failures:
                raise failures[0]
        answers = await _settle(session, processes.base, sent, settle_seconds)
        exported = _exported_registrations(processes) if registering else set()
    lost = sum(max(0, asked - got) for asked, got in zip(sent, answers, strict=True))
    repeated = sum(max(0, got - asked) for asked, got in zip(sent, answers, strict=True))
    registrations_lost = len(set(confirmed) - exported)
    return KillLoopResult(
        kills, sum(sent), lost, repeated, seconds_sending, len(confirmed), registrations_lost
    )


def _exported_registrations(processes: _Processes) -> set[int]:
    """The user ids `applicant-bot export registrations` lists, once the bot stopped cleanly."""
    processes.stop_all()
    out = processes.folder / "registrations.json"
    command = ["export", "registrations", "--format", "json"]
    command += ["--data-dir", str(processes.folder / "bot"), "--out", str(out)]
    exporting = processes._start(command)
    if exporting.wait(timeout=60) != 0:
        raise RuntimeError(f"the export failed: {processes.log.read_text()[-2000:]}")
    return {int(row["user_id"]) for row in json.loads(out.read_text(encoding="utf-8"))}


async def _settle(
    session: aiohttp.ClientSession, base: str, sent: list[int], patience: float
) -> list[int]:
    """Each person's answers once all are answered, or once nothing came for `patience` s."""
    last_change = time.monotonic()
    previous: list[int] = []
    while True:
        answers = [await _answers_in(session, base, FIRST_USER + i) for i in range(len(sent))]
        if all(got >= asked for asked, got in zip(sent, answers, strict=True)):
            return answers
        if answers != previous:
            previous, last_change = answers, time.monotonic()
        elif time.monotonic() - last_change > patience:
            return answers
        await asyncio.sleep(1)
