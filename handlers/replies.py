"""Replies that may outgrow one Telegram message."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Message

from faq.message_parts import pack_lines


async def reply_html_lines(message: Message, lines: Iterable[str]) -> None:
    """Reply with these HTML lines in as many messages as Telegram's length limit needs."""
    for part in pack_lines(lines):
        await message.reply_html(part)
