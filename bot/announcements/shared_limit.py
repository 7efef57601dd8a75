"""PTB's rate limiter for replies, taking each message from the budget broadcasts share."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.announcements.pace import SENDING_METHODS, SendPace

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class SharedBudgetLimiter(BaseRateLimiter[int]):
    """Every message a reply sends (each retry too) first takes a token from `pace`; the inner
    AIORateLimiter then keeps Telegram's per-group limits and waits out 429s."""

    def __init__(self, pace: SendPace, inner: AIORateLimiter) -> None:
        self.pace = pace
        self.inner = inner

    async def initialize(self) -> None:
        """Set up the inner limiter."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner limiter down."""
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        """Send through the inner limiter, each attempt of a message paced by the budget."""
        if endpoint not in SENDING_METHODS:
            return await self.inner.process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        async def paced(*call_args: Any, **call_kwargs: Any) -> Answer:
            await self.pace.take(reply=True)
            return await callback(*call_args, **call_kwargs)

        return await self.inner.process_request(
            paced, args, kwargs, endpoint, data, rate_limit_args
        )
