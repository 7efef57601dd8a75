"""Pre-registrations, one per Telegram user, and the drafts of those still being filled in."""

from __future__ import annotations

import unicodedata
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_FIELD_CHARS = 200
MAX_TOPICS = 20

Status = Literal["mission", "pilot", "twin", "applied", "none"]
Commitment = Literal["yes", "no", "unsure"]
Verdict = Literal["eligible", "not eligible", "unclear"]
# A confirmed registration the person was not yet thanked for: a new one, or an update.
Confirmation = Literal["new", "update"]


def city_key(city: str) -> str:
    """The city's name as compared for duplicates: case, accents and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", city.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace("-", " ").split())


class Registration(Record):
    """A city's pre-registration as the person who made it confirmed it."""

    label: ClassVar[str] = "registration"

    user_id: int = Field(gt=0)
    city: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    country: str = Field(min_length=2, max_length=2)  # ISO 3166-1 alpha-2 (XK for Kosovo)
    status: Status | None = None
    commitment: Commitment | None = None
    verdict: Verdict | None = None
    # Registered although the verdict was "not eligible": kept as interest, marked for staff.
    interest_only: bool = False
    population: int | None = Field(default=None, gt=0)
    contact_name: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    contact_role: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    email: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    topics: tuple[str, ...] = Field(default=(), max_length=MAX_TOPICS)
    consented_at: AwareDatetime | None = None
    notice_version: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    registered_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    # Set while saved but not yet confirmed to the person (and staff): a crash between the two
    # is then known, and the "Thank you" sent at the next start or visit. None once sent.
    confirmation_pending: Confirmation | None = None


class RegistrationDraft(Record):
    """What someone answered so far in /register, with the step they are at."""

    label: ClassVar[str] = "registration draft"

    user_id: int = Field(gt=0)
    step: str = Field(min_length=1, max_length=40)
    started_at: AwareDatetime
    last_activity: AwareDatetime
    consented_at: AwareDatetime | None = None
    notice_version: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    city: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    status: Status | None = None
    commitment: Commitment | None = None
    verdict: Verdict | None = None
    population: int | None = Field(default=None, gt=0)
    contact_name: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    contact_role: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    email: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    topics: tuple[str, ...] = Field(default=(), max_length=MAX_TOPICS)
    interest_only: bool = False
    # The bot's message asking the current step: buttons on any other message are stale.
    prompt_message_id: int | None = Field(default=None, gt=0)
    # Set when a field is edited from the review: answering it returns there.
    reviewing: bool = False
    # Set when the person is updating a saved registration rather than making a new one.
    updating: bool = False
    # Set when country, status and commitment came from an /eligibility check: not asked again.
    from_check: bool = False
