"""Typed callback context: handlers reach services through attributes, not string keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot
from telegram.request import BaseRequest

from faq.call import CallState, current_call


def utc_now() -> datetime:
    """The current moment in UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


if TYPE_CHECKING:
    from bot.announcements.broadcaster import Broadcaster
    from bot.announcements.outbox import Outbox
    from bot.knowledge import LiveKnowledgeBase
    from bot.settings import Settings
    from bot.storage.folder_lock import FolderLock
    from bot.storage.store import Store


@dataclass
class Services:
    """The long-lived objects every handler and job may use."""

    settings: Settings
    store: Store
    knowledge: LiveKnowledgeBase
    outbox: Outbox
    # The time for pre-registration (consent, drafts, their 24-hour expiry); tests replace it.
    clock: Callable[[], datetime] = utc_now

    def today(self) -> date:
        """Today's date in the programme's time zone."""
        return datetime.now(self.settings.zone).date()

    async def call_state(self) -> CallState:
        """The call's current dates: staff-set values win over the FAQ's call.yaml."""
        return current_call(
            self.knowledge.current.call, await self.store.get_call_overrides(), self.settings.zone
        )


class BotData:
    """Process-wide state held in `application.bot_data` (never persisted)."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self.last_faq_error_reported: str | None = None
        # The bot's HTTP backends, so a failed start-up can close what PTB opened.
        self.http_requests: tuple[BaseRequest, ...] = ()
        self.folder_lock: FolderLock | None = None
        self.broadcaster: Broadcaster | None = None

    @property
    def services(self) -> Services:
        """The services; set once while the application is built."""
        if self._services is None:
            raise RuntimeError("services are attached in build_application before start-up")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value


class AppContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    """Callback context with typed shortcuts to the services."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """Settings, storage and the live knowledge base."""
        return self.bot_data.services


BotApplication = Application[Any, AppContext, dict, dict, BotData, Any]
