"""Settings of the Telegram emulator: identity, rate limits and injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FaultConfig:
    """Shares (0.0..1.0) of bot API calls answered with a fault, and added latency.

    `methods` limits faults to those Bot API methods (None: every one); calls naming a chat in
    `spared_chats` never get one (a benchmark times replies to them, not fault recovery).
    """

    share_429: float = 0.0
    share_5xx: float = 0.0
    share_dropped: float = 0.0
    latency_ms: float = 0.0
    retry_after: int = 1
    seed: int | None = None
    methods: frozenset[str] | None = None
    spared_chats: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for name in ("share_429", "share_5xx", "share_dropped"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be between 0.0 and 1.0, got {share}")
        if self.share_429 + self.share_5xx + self.share_dropped > 1.0:
            raise ValueError("the fault shares together must not exceed 1.0")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must be 0 or more, got {self.latency_ms}")
        if self.retry_after < 1:
            raise ValueError(f"retry_after must be 1 second or more, got {self.retry_after}")


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulator presents the bot, limits sending, keeps its world, and serves the page.

    With a data_dir the world (chats, pending updates, files, bot settings) is journaled there
    and survives restarts; without one it lives in memory only.
    """

    bot_username: str = "applicant_sandbox_bot"
    bot_first_name: str = "Applicant Bot (sandbox)"
    rate_limit: bool = True
    overall_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 5
    # Telegram: a bot may send about 20 messages a minute to one group.
    per_group_per_minute: float = 20.0
    faults: FaultConfig = field(default_factory=FaultConfig)
    static_dir: Path | None = None
    data_dir: Path | None = None
    compact_journal_bytes: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        if min(self.overall_per_second, self.per_chat_per_second, self.per_group_per_minute) <= 0:
            raise ValueError("rate limits must be above 0 messages per second")
        if self.per_chat_burst < 1:
            raise ValueError(f"per_chat_burst must be 1 or more, got {self.per_chat_burst}")
        if self.compact_journal_bytes < 1:
            raise ValueError(
                f"compact_journal_bytes must be 1 or more, got {self.compact_journal_bytes}"
            )
