"""Injected faults for bot API calls: 429s, 500s, dropped connections, seeded."""

from __future__ import annotations

import random
from enum import Enum

from bot.sandbox.config import FaultConfig


class Fault(Enum):
    """What to do to one call instead of answering it."""

    TOO_MANY_REQUESTS = "429"
    SERVER_ERROR = "500"
    DROPPED = "dropped"


class FaultInjector:
    """Draws a fault (or none) per call with the configured shares."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self.random = random.Random(config.seed)
        self.enabled = config.share_429 + config.share_5xx + config.share_dropped > 0

    def applies_to(self, method: str) -> bool:
        """Whether calls of this method may get a fault at all."""
        return self.enabled and (self.config.methods is None or method in self.config.methods)

    def spares(self, chat_id: object) -> bool:
        """Whether a call naming this chat is left alone."""
        try:
            return int(str(chat_id)) in self.config.spared_chats
        except ValueError:
            return False

    def draw(self) -> Fault | None:
        """The fault for the next call, or None to answer normally."""
        if not self.enabled:
            return None
        roll = self.random.random()
        for share, fault in (
            (self.config.share_429, Fault.TOO_MANY_REQUESTS),
            (self.config.share_5xx, Fault.SERVER_ERROR),
            (self.config.share_dropped, Fault.DROPPED),
        ):
            if roll < share:
                return fault
            roll -= share
        return None
