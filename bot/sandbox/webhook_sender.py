"""Webhook mode: POST each pending update to the bot's URL, in order, retrying with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp

from bot.sandbox.world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY_SECONDS = 0.1
LAST_RETRY_SECONDS = 5.0
DELIVERY_TIMEOUT_SECONDS = 30.0


class WebhookSender:
    """Runs one delivery task while a webhook is set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.task: asyncio.Task[None] | None = None
        self.session: aiohttp.ClientSession | None = None

    def restart(self) -> None:
        """Start (or restart) delivering to the current webhook URL."""
        if self.task is not None:
            self.task.cancel()
        self.task = asyncio.create_task(self._deliver_forever(), name="emulator-webhook")

    async def stop(self) -> None:
        """Stop delivering and close the HTTP session."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def _deliver_forever(self) -> None:
        queue = self.world.updates
        hook = self.world.webhook
        backoff = FIRST_RETRY_SECONDS
        while hook.url and not self.world.closing:
            if not queue.pending:
                await queue.arrived.wait(30)
                continue
            update = queue.pending[0]
            problem = await self._post(hook.url, hook.secret_token, update)
            if problem is None:
                self.world.delivered(update)
                backoff = FIRST_RETRY_SECONDS
                continue
            self.world.webhook_failed(problem)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, LAST_RETRY_SECONDS)

    async def _post(self, url: str, secret: str | None, update: object) -> str | None:
        """Deliver one update; None on success, else Telegram-style error text."""
        if self.session is None:
            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_SECONDS)
            )
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        try:
            async with self.session.post(url, data=json.dumps(update), headers=headers) as reply:
                await reply.read()
                if 200 <= reply.status < 300:
                    return None
                return f"Wrong response from the webhook: {reply.status} {reply.reason}"
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"Connection failed: {error.__class__.__name__}"
