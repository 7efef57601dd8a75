"""The broadcaster: delivers the outbox, oldest announcement first, at its own pace.

It sends through a Bot of its own, outside AIORateLimiter's queue, so replies never wait behind
a broadcast; replies and broadcast sends share one token bucket, replies first
(bot/announcements/pace.py). At most `in_flight` sends are outstanding, and a worker starts its
next send only once the previous one's outcome is on disk: a kill repeats at most `in_flight`
sends after the restart. A send without an answer waits out a Bot API outage
(bot/announcements/outage.py); only errors about the person count them failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.announcements.outage import ApiOutage
from bot.announcements.outbox import Announcement, AnnouncementStatus, Outbox, Outcome
from bot.announcements.pace import SendPace
from bot.announcements.report import crash_notice, delivery_report, resend_label
from bot.storage.store import Store

log = logging.getLogger(__name__)

IN_FLIGHT = 8
RETRY_LIMIT = 3
BACKOFF_SECONDS = 1.0
# A 429 among successes is one chat's limit; this many in a row is the whole bot's flood wait.
FLOOD_IN_A_ROW = IN_FLIGHT
MAX_FLOOD_RETRIES = 20
# 5xx (or timeouts) to `in_flight` different chats in a row, the API answering getMe: a fault
# across the board. The run pauses (doubling from backoff_seconds, at most 8 times it) and
# nobody is counted failed for it, each person for at most this many such waits.
MAX_BOARD_WAITS = 30
BOARD_WAIT_CEILING = 8
# An announcement the bot keeps failing on (a bug) is tried this many times, the waits
# doubling from AFTER_CRASH_SECONDS, then marked failed so the ones behind it go out.
AFTER_CRASH_SECONDS = 5.0
MAX_DELIVERY_ATTEMPTS = 4
STOP_GRACE_SECONDS = 10.0
# Telegram's 400 descriptions: the chat is gone (treated like a block), or the text is refused.
CHAT_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")
TEXT_REFUSED = ("can't parse entities", "message is too long", "text is empty", "text must be")


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after becomes a timedelta; either type is handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


@dataclass(order=True)
class _Attempt:
    """One recipient to try, not before `due` (monotonic seconds)."""

    due: float
    chat_id: int = field(compare=False)
    failures: int = field(default=0, compare=False)
    floods: int = field(default=0, compare=False)
    board_waits: int = field(default=0, compare=False)


class _Run:
    """One announcement being delivered: recipients not tried yet, and those waiting to retry."""

    def __init__(self, announcement_id: str, chats: list[int]) -> None:
        self.id = announcement_id
        self.fresh = deque(chats)
        self.waiting: list[_Attempt] = []
        self.stop_reason: str | None = None
        self.floods_in_a_row = 0
        # Chats whose sends failed without an answer since the last success, and how often
        # the whole run has waited for such a fault "across the board" in a row.
        self.failing_chats: set[int] = set()
        self.board_level = 0

    def next_attempt(self, now: float) -> _Attempt | None:
        """A retry that is due, else the next fresh recipient, else None."""
        if self.waiting and self.waiting[0].due <= now:
            return heapq.heappop(self.waiting)
        if self.fresh:
            return _Attempt(now, self.fresh.popleft())
        return None

    def retry(self, attempt: _Attempt) -> None:
        """Try this recipient again at attempt.due."""
        heapq.heappush(self.waiting, attempt)


class Broadcaster:
    """Sends every queued announcement, resuming unfinished ones after a restart."""

    def __init__(
        self,
        outbox: Outbox,
        store: Store,
        bot: Bot,
        pace: SendPace,
        *,
        in_flight: int = IN_FLIGHT,
        retry_limit: int = RETRY_LIMIT,
        backoff_seconds: float = BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        outage: ApiOutage | None = None,
        resend_button: Callable[[str], str] | None = None,
        staff_chats: Sequence[int] = (),
        after_crash_seconds: float = AFTER_CRASH_SECONDS,
    ) -> None:
        if in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, not {in_flight}")
        self.outbox = outbox
        self.store = store
        self.bot = bot
        self.pace = pace
        self.in_flight = in_flight
        self.retry_limit = retry_limit
        self.backoff_seconds = backoff_seconds
        self.clock = clock
        self.outage = outage or ApiOutage(bot.get_me)
        # The callback data of "resend to those who failed" under a report (None: no button).
        self.resend_button = resend_button
        # Who hears of an announcement given up on when it has no author (a reminder, say).
        self.staff_chats = list(staff_chats)
        self.after_crash_seconds = after_crash_seconds
        self._stopping = False
        self._stopped = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ----- running in the background -----

    def start(self) -> None:
        """Start delivering in a background task."""
        if self._task is None:
            self._stopping = False
            self._stopped = asyncio.Event()
            self._task = asyncio.create_task(self.run(), name="broadcaster")

    async def stop(self) -> None:
        """Let sends in flight finish and be recorded, then end the background task."""
        if self._task is None:
            return
        self._stopping = True
        self._stopped.set()
        self.outage.stop()
        self.outbox.wake()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE_SECONDS)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        finally:
            self._task = None

    async def run(self) -> None:
        """Deliver announcements one after another until stopped."""
        crashes: dict[str, int] = {}
        given_up: set[str] = set()
        while not self._stopping:
            announcement = self.outbox.next_unfinished(skipping=given_up)
            if announcement is None:
                await self.outbox.wait_for_work()
                continue
            try:
                await self.deliver(announcement.id)
            except Exception as error:
                crashes[announcement.id] = attempts = crashes.get(announcement.id, 0) + 1
                if attempts < MAX_DELIVERY_ATTEMPTS:
                    wait = self.after_crash_seconds * 2 ** (attempts - 1)
                    log.exception(
                        "Delivering announcement %s failed (attempt %d of %d); again in %g s",
                        announcement.id,
                        attempts,
                        MAX_DELIVERY_ATTEMPTS,
                        wait,
                    )
                    await self._rest(wait)
                    continue
                log.exception(
                    "Delivering announcement %s failed %d times; marked failed, moving on",
                    announcement.id,
                    attempts,
                )
                given_up.add(announcement.id)
                await self._give_up(announcement.id, error)

    async def _rest(self, seconds: float) -> None:
        """Sleep, or less if the broadcaster is stopped meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

    async def _give_up(self, announcement_id: str, error: Exception) -> None:
        """Mark an announcement the bot keeps failing on as failed and tell its author or staff."""
        reason = f"{type(error).__name__}: {error}"
        try:
            announcement = await self.outbox.finish(announcement_id, "failed", reason)
            told = (
                [announcement.created_by]
                if announcement.created_by is not None
                else self.staff_chats
            )
            # A notice about a notice that failed would fail alike: that one is only logged.
            if told and not (announcement.key or "").startswith("failed:"):
                await self.outbox.queue(
                    kind="notice",
                    html=crash_notice(announcement, reason),
                    recipients=told,
                    created_by=None,
                    key=f"failed:{announcement_id}",
                    buttons=self._resend_buttons(announcement),
                )
        except Exception:
            log.exception("Could not mark announcement %s failed", announcement_id)

    # ----- one announcement -----

    async def deliver(self, announcement_id: str) -> None:
        """Send one announcement to everyone left, then finish it and report to its author."""
        await self.outbox.start_sending(announcement_id)
        run = _Run(announcement_id, self.outbox.recipients_left(announcement_id))
        workers = [
            asyncio.create_task(self._work(run), name=f"broadcast {announcement_id}")
            for _ in range(self.in_flight)
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        announcement = await self.outbox.get(announcement_id)
        if announcement is None or announcement.is_finished or self._stopping:
            return
        if run.stop_reason is None and self.outbox.recipients_left(announcement_id):
            return  # something left, e.g. after a crash of a worker: the next run resumes it
        status: AnnouncementStatus = "done" if run.stop_reason is None else "stopped"
        if announcement.created_by is not None:
            final = announcement.model_copy(
                update={"status": status, "stop_reason": run.stop_reason}
            )
            # Queued before the status is written: a crash in between re-queues it by its key.
            await self.outbox.queue(
                kind="notice",
                html=delivery_report(final, self.outbox.clock()),
                recipients=[announcement.created_by],
                created_by=None,
                key=f"report:{announcement_id}",
                buttons=self._resend_buttons(final) if status == "done" else (),
            )
        await self.outbox.finish(announcement_id, status, run.stop_reason)
        log.info(
            "Announcement %s %s: %d sent, %d blocked, %d failed",
            announcement_id,
            status,
            announcement.sent,
            announcement.blocked,
            announcement.failed,
        )

    def _resend_buttons(self, announcement: Announcement) -> tuple[tuple[str, str], ...]:
        if self.resend_button is None or announcement.failed == 0:
            return ()
        return ((resend_label(announcement.failed), self.resend_button(announcement.id)),)

    def _ended(self, run: _Run) -> bool:
        return self._stopping or run.stop_reason is not None or not self._unfinished(run.id)

    def _unfinished(self, announcement_id: str) -> bool:
        return not self.outbox.announcement(announcement_id).is_finished

    async def _work(self, run: _Run) -> None:
        while not self._ended(run):
            attempt = run.next_attempt(self.clock())
            if attempt is None:
                if not run.waiting:
                    return
                await asyncio.sleep(max(0.0, min(run.waiting[0].due - self.clock(), 1.0)))
                continue
            if not self.outbox.is_due(run.id, attempt.chat_id):
                continue
            await self.pace.take()
            if self._ended(run):
                return
            outcome = await self._send(run, attempt)
            if outcome is not None:
                await self.outbox.record(run.id, attempt.chat_id, outcome)

    async def _send(self, run: _Run, attempt: _Attempt) -> Outcome | None:
        """Send to one recipient: the outcome to record, or None (retry later, or stopped)."""
        chat_id = attempt.chat_id
        announcement = self.outbox.announcement(run.id)
        rows = [
            [InlineKeyboardButton(label, callback_data=data)]
            for label, data in announcement.buttons or ()
        ]
        markup = InlineKeyboardMarkup(rows) if rows else None
        try:
            await self.bot.send_message(
                chat_id, announcement.html, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except RetryAfter as error:
            return self._flood_wait(run, attempt, _seconds(error))
        except Forbidden:
            await self.store.mark_chat_blocked(chat_id)
            return "blocked"
        except BadRequest as error:
            described = error.message.lower()
            if any(words in described for words in CHAT_GONE):
                await self.store.mark_chat_blocked(chat_id)
                return "blocked"
            if any(words in described for words in TEXT_REFUSED):
                run.stop_reason = error.message
                return None
            return "failed"
        except NetworkError as error:  # timeouts, dropped connections and 5xx answers
            if await self.outage.wait_if_down():
                # The API was down, not this chat's fault: try them again, nothing counted.
                attempt.due = self.clock()
                run.retry(attempt)
                return None
            if self._across_the_board(run, attempt):
                return None
            attempt.failures += 1
            if attempt.failures > self.retry_limit:
                log.warning("Gave up on chat %s for %s: %s", chat_id, run.id, error)
                return "failed"
            attempt.due = self.clock() + self.backoff_seconds * 2 ** (attempt.failures - 1)
            run.retry(attempt)
            return None
        except TelegramError as error:
            log.warning("Could not send %s to chat %s: %s", run.id, chat_id, error)
            return "failed"
        run.floods_in_a_row = 0
        run.failing_chats.clear()
        run.board_level = 0
        return "sent"

    def _across_the_board(self, run: _Run, attempt: _Attempt) -> bool:
        """After a send without an answer while the API answers getMe: if the sends to `in_flight`
        different chats failed so with no success between, the fault is Telegram's, not theirs.
        Then pause the run with growing waits and retry them uncounted (bounded per person)."""
        run.failing_chats.add(attempt.chat_id)
        if len(run.failing_chats) < self.in_flight or attempt.board_waits >= MAX_BOARD_WAITS:
            return False
        attempt.board_waits += 1
        ceiling = self.backoff_seconds * BOARD_WAIT_CEILING
        self.pace.pause(min(self.backoff_seconds * 2**run.board_level, ceiling))
        run.board_level += 1
        attempt.due = self.clock()
        run.retry(attempt)
        return True

    def _flood_wait(self, run: _Run, attempt: _Attempt, seconds: float) -> Outcome | None:
        run.floods_in_a_row += 1
        if run.floods_in_a_row >= FLOOD_IN_A_ROW:
            self.pace.pause(seconds)
        attempt.floods += 1
        if attempt.floods > MAX_FLOOD_RETRIES:
            return "failed"
        # Our own clock, not AIORateLimiter's pause, which can end early (PTB issue 5338).
        attempt.due = self.clock() + seconds
        run.retry(attempt)
        return None
