"""Unexpected errors: the user gets one sentence, the log gets the traceback."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import CommandHandler

from bot.sandbox.server import RunningSandbox
from handlers.errors import SOMETHING_WENT_WRONG
from tests.sandbox_client import SandboxClient


async def test_a_failing_handler_tells_the_user_without_internals(
    sandbox: RunningSandbox, user: SandboxClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(update: object, context: object) -> None:
        raise RuntimeError("internal detail: database path /secret/place")

    sandbox.application.add_handler(CommandHandler("explode", explode), group=-1)
    with caplog.at_level(logging.ERROR):
        reply = await user.ask("/explode")
    assert reply["text"] == SOMETHING_WENT_WRONG
    assert "internal detail" not in reply["text"]
    assert any("internal detail" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
