"""Consent to news and reminders, and whether a chat can still be reached."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime

from bot.storage.records import Record


class Subscription(Record):
    """A chat's consent to news and reminders, with when it was given."""

    label: ClassVar[str] = "subscription"

    chat_id: int
    consented_at: AwareDatetime


class ChatStatus(Record):
    """Whether a chat has blocked the bot (its data is kept, but nothing is sent to it)."""

    label: ClassVar[str] = "chat status"

    chat_id: int
    blocked: bool
    changed_at: AwareDatetime
