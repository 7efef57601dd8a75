"""Shared fixtures: settings for a temporary data folder, and a running sandbox."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import STATIC_DIR, RunningSandbox, running_sandbox
from bot.settings import BUNDLED_FAQ_DIR, Settings, load_settings
from tests.run_settings import RUN_PRIVACY_SETTINGS
from tests.sandbox_client import SandboxClient

ADMIN_ID = 1
STAFF_ID = 2


def pytest_configure(config: pytest.Config) -> None:
    """Give the bot processes tests start (they inherit this environment) the settings `run`
    requires, unless set already: they run as a programme team would."""
    for name, value in RUN_PRIVACY_SETTINGS.items():
        os.environ.setdefault(name, value)


@pytest.fixture
def faq_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped FAQ folder."""
    target = tmp_path / "faq"
    shutil.copytree(BUNDLED_FAQ_DIR, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, faq_copy: Path) -> Settings:
    """Settings with an admin, a staff member, a temporary data folder and a fast FAQ watch."""
    return load_settings(
        {
            "DATA_DIR": str(tmp_path / "data"),
            "FAQ_DIR": str(faq_copy),
            "ADMIN_IDS": str(ADMIN_ID),
            "STAFF_IDS": str(STAFF_ID),
            "FAQ_RELOAD_SECONDS": "0.5",
        }
    )


@pytest.fixture
async def sandbox(settings: Settings) -> AsyncIterator[RunningSandbox]:
    """The real bot running against the emulator, rate limits off so tests run quickly."""
    config = EmulatorConfig(static_dir=STATIC_DIR, rate_limit=False)
    async with running_sandbox(settings, emulator_config=config) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def user(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> SandboxClient:
    """An applicant (user id 1001) chatting with the sandbox bot."""
    return SandboxClient(http, sandbox.url, 1001)


@pytest.fixture
def admin(sandbox: RunningSandbox, http: aiohttp.ClientSession) -> SandboxClient:
    """The admin (user id 1) chatting with the sandbox bot."""
    return SandboxClient(http, sandbox.url, ADMIN_ID)
