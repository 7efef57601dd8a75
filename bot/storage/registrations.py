"""Pre-registrations, one per Telegram user: the city, its contact, and the consent given."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_FIELD_CHARS = 200


class Registration(Record):
    """A city's pre-registration as the person who made it confirmed it."""

    user_id: int = Field(gt=0)
    city: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    country: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    status: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    population: int | None = Field(default=None, gt=0)
    contact_name: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    contact_role: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    email: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    topics: tuple[str, ...] = ()
    verdict: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    interest_only: bool = False
    consented_at: AwareDatetime | None = None
    notice_version: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    registered_at: AwareDatetime | None = None
