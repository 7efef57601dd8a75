"""The live FAQ: the last good version, swapped atomically on edits, and the admins told why not."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from faq.loader import FaqValidationError, directory_fingerprint, load_knowledge_base
from faq.message_parts import pack_lines
from faq.model import KnowledgeBase

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 15
LIVE_AGAIN_TEXT = "✅ The FAQ is live again: the files check out and {count} entries are live."


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: swapped in a new base, found nothing new, or kept the old one."""

    changed: bool
    error: FaqValidationError | None = None
    entry_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the folder is valid (whether or not anything changed)."""
        return self.error is None


class LiveKnowledgeBase:
    """Holds the knowledge base in use; readers always see one complete, validated version."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fingerprint = directory_fingerprint(directory)
        self._current = load_knowledge_base(directory)
        self._lock = asyncio.Lock()
        self.last_error: FaqValidationError | None = None

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base answers are drawn from now."""
        return self._current

    async def reload_if_changed(self) -> ReloadOutcome:
        """Reload when the folder's files changed since the last look."""
        if directory_fingerprint(self.directory) == self._fingerprint:
            return ReloadOutcome(changed=False, entry_count=len(self._current.entries))
        return await self.reload()

    async def reload(self) -> ReloadOutcome:
        """Validate the folder now; swap it in if valid, else keep the last good version."""
        async with self._lock:
            fingerprint = directory_fingerprint(self.directory)
            try:
                loaded = await asyncio.to_thread(load_knowledge_base, self.directory)
            except FaqValidationError as error:
                self._fingerprint = fingerprint
                self.last_error = error
                return ReloadOutcome(changed=True, error=error)
            self._fingerprint = fingerprint
            self._current = loaded
            self.last_error = None
            return ReloadOutcome(changed=True, entry_count=len(loaded.entries))


def describe_reload(outcome: ReloadOutcome, kept_entries: int) -> list[str]:
    """The messages for admins about a FAQ reload: success, or each problem with file and line."""
    if outcome.error is None:
        return [f"✅ FAQ reloaded: {outcome.entry_count} entries are live."]
    problems = outcome.error.problems
    lines = [
        f"⚠️ The FAQ change was <b>not</b> applied; the last good version "
        f"({kept_entries} entries) stays live. Fix these and save again:",
        *(f"• <code>{escape(str(p))}</code>" for p in problems[:MAX_ERRORS_SHOWN]),
    ]
    if len(problems) > MAX_ERRORS_SHOWN:
        lines.append(f"…and {len(problems) - MAX_ERRORS_SHOWN} more.")
    lines.extend(escape(note) for note in outcome.error.notes)
    # A problem quotes the YAML it found, so a few can outgrow one Telegram message.
    return pack_lines(lines)


async def watch_faq_folder(context: AppContext) -> None:
    """Job: swap in an edited FAQ; if the edit is invalid, keep the old one and tell admins once,
    and once more when the FAQ is valid again."""
    knowledge = context.services.knowledge
    outcome = await knowledge.reload_if_changed()
    if knowledge.last_error is None and context.bot_data.last_faq_error_reported is not None:
        # Admins were told it broke: the fix (saved, or loaded by /reloadfaq) is news as well.
        context.bot_data.last_faq_error_reported = None
        count = len(knowledge.current.entries)
        log.info("FAQ valid again: %d entries", count)
        await _tell_admins(context, [LIVE_AGAIN_TEXT.format(count=count)])
        return
    if not outcome.changed:
        return
    if outcome.ok:
        log.info("FAQ reloaded: %d entries", outcome.entry_count)
        return
    report = describe_reload(outcome, len(knowledge.current.entries))
    log.warning("FAQ change rejected: %s", outcome.error)
    fingerprint = "\n".join(report)
    if context.bot_data.last_faq_error_reported == fingerprint:
        return
    context.bot_data.last_faq_error_reported = fingerprint
    await _tell_admins(context, report)


async def _tell_admins(context: AppContext, parts: list[str]) -> None:
    for admin_id in sorted(context.services.settings.admin_ids):
        try:
            for part in parts:
                await context.bot.send_message(admin_id, part, parse_mode="HTML")
        except TelegramError as error:
            log.warning("Could not tell admin %s about the FAQ: %s", admin_id, error)
