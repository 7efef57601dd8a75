"""Typed, frozen settings loaded once from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from faq.matcher import DEFAULT_THRESHOLDS

BUNDLED_FAQ_DIR = Path(__file__).resolve().parent.parent / "faq" / "data"
INTEGER_PATTERN = re.compile(r"[+-]?\d+")
TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_BROADCAST_PER_SECOND = 1000.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """Every problem found in the configuration, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _listed(parts: list[str]) -> str:
    quoted = [repr(part) for part in parts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _parse_user_ids(value: Any) -> frozenset[int]:
    if isinstance(value, frozenset | set | list | tuple):
        return frozenset(int(v) for v in value)
    parts = [p.strip() for p in str(value or "").split(",") if p.strip()]
    not_numbers = [p for p in parts if not INTEGER_PATTERN.fullmatch(p)]
    not_positive = [p for p in parts if INTEGER_PATTERN.fullmatch(p) and int(p) <= 0]
    problems = []
    if not_numbers:
        verb = "is not a number" if len(not_numbers) == 1 else "are not numbers"
        problems.append(f"{_listed(not_numbers)} {verb}")
    if not_positive:
        problems.append(f"{_listed(not_positive)} must be positive (Telegram user ids are above 0)")
    if problems:
        raise ValueError(
            "; ".join(problems) + "; use positive whole numbers separated by commas, "
            "e.g. 12345,67890"
        )
    return frozenset(int(p) for p in parts)


def _parse_optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"{text!r} is not a numeric chat id, e.g. -1001234567890")
    return int(text)


def _check_token(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    token = str(value).strip()
    if not TOKEN_PATTERN.match(token):
        raise ValueError(
            "does not look like a bot token (digits, a colon, then letters, digits, _ or -); "
            "copy it again from @BotFather"
        )
    return token


def _check_timezone(value: Any) -> str:
    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not a known time zone; use an IANA name such as Europe/Brussels"
        ) from None
    return name


def _check_log_level(value: Any) -> str:
    level = str(value).strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
    return level


def _check_webhook_url(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    url = str(value).strip()
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValueError(
            "must be an https:// URL that Telegram can reach (plain http only for localhost)"
        )
    if not parts.hostname:
        raise ValueError("has no host name; use e.g. https://bot.example.org/telegram")
    return url


def _check_api_base_url(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    url = str(value).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be the Bot API server's http:// or https:// address, e.g. http://127.0.0.1:8081"
        )
    if parts.query or parts.fragment or parts.path.rstrip("/").endswith("/bot"):
        raise ValueError(
            "give only the server's address, e.g. http://127.0.0.1:8081; the bot adds "
            "/bot<token>/<method> itself"
        )
    return url


def _check_webhook_secret(value: Any) -> str | None:
    if value is None or str(value) == "":
        return None
    secret = str(value)
    if not WEBHOOK_SECRET_PATTERN.match(secret):
        raise ValueError("must be 1-256 characters of letters, digits, _ or - (Telegram's rule)")
    return secret


_OFFSET_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_OFFSET = re.compile(r"(\d+)\s*([dhm])")
OFFSETS_EXAMPLE = "14d,7d,1d,3h"


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """Offsets such as "14d,7d,1d,3h", longest first; ValueError in one sentence otherwise."""
    offsets: set[timedelta] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        match = _OFFSET.fullmatch(part)
        if match is None or int(match.group(1)) == 0:
            raise ValueError(
                f"{part!r} is not a reminder offset; use whole numbers with d (days), h (hours) "
                f"or m (minutes), comma-separated, e.g. {OFFSETS_EXAMPLE}"
            )
        offsets.add(timedelta(**{_OFFSET_UNITS[match.group(2)]: int(match.group(1))}))
    return tuple(sorted(offsets, reverse=True))


def _check_reminder_offsets(value: Any) -> str:
    text = str(value).strip()
    offsets = parse_offsets(text)
    if not offsets:
        raise ValueError("lists no offset; use e.g. 14d,7d,1d,3h")
    return text


def _check_broadcast_rate(value: Any) -> float:
    text = str(value).strip()
    try:
        rate = float(text)
    except ValueError:
        rate = float("nan")
    if not 0 < rate <= MAX_BROADCAST_PER_SECOND:
        raise ValueError(
            f"{text!r} is not a number of messages per second above 0 and up to "
            f"{MAX_BROADCAST_PER_SECOND:g}; use e.g. 25 (Telegram allows about 30 a second in all)"
        )
    return rate


DEFAULT_HANDOFF_REPLY_TIME = (
    "The team answers on working days, so a reply may take a few days; it will come here."
)
MAX_HANDOFF_REPLY_TIME = 500


def _plain_text(value: Any, limit: int, what: str) -> str:
    """The value on one line; ValueError ("must be 1 to N characters of plain text WHAT")."""
    text = " ".join(str(value).split())
    if not 0 < len(text) <= limit:
        raise ValueError(f"must be 1 to {limit} characters of plain text{what}")
    return text


def _check_handoff_text(value: Any) -> str:
    return _plain_text(
        value,
        MAX_HANDOFF_REPLY_TIME,
        " telling people when to expect an answer, e.g. 'The team answers on working days.'",
    )


# The sandbox (and tests) run with these; `applicant-bot run` refuses to start without real ones.
EXAMPLE_PRIVACY_CONTROLLER = "Example Programme Team (sandbox example; set PRIVACY_CONTROLLER)"
EXAMPLE_PRIVACY_CONTACT = "privacy@example.org (sandbox example; set PRIVACY_CONTACT)"
EXAMPLE_MARK = "sandbox example"
MAX_PRIVACY_TEXT = 200


def _check_privacy_text(value: Any) -> str:
    return _plain_text(
        value,
        MAX_PRIVACY_TEXT,
        ", e.g. 'City Climate Office, Example Town' or 'privacy@example.org'",
    )


def _check_optional_privacy_text(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    return _check_privacy_text(value)


UserIds = Annotated[frozenset[int], BeforeValidator(_parse_user_ids)]
OptionalChatId = Annotated[int | None, BeforeValidator(_parse_optional_int)]


class Settings(BaseModel):
    """Everything the process is configured with; build it with `load_settings`."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    telegram_bot_token: Annotated[str | None, BeforeValidator(_check_token)] = Field(
        default=None, alias="TELEGRAM_BOT_TOKEN", repr=False
    )
    admin_ids: UserIds = Field(default=frozenset(), alias="ADMIN_IDS")
    staff_ids: UserIds = Field(default=frozenset(), alias="STAFF_IDS")
    telegram_api_base_url: Annotated[str | None, BeforeValidator(_check_api_base_url)] = Field(
        default=None, alias="TELEGRAM_API_BASE_URL"
    )
    staff_chat_id: OptionalChatId = Field(default=None, alias="STAFF_CHAT_ID")
    data_dir: Path = Field(default=Path("data"), alias="DATA_DIR")
    faq_dir: Path = Field(default=BUNDLED_FAQ_DIR, alias="FAQ_DIR")
    timezone: Annotated[str, BeforeValidator(_check_timezone)] = Field(
        default="Europe/Brussels", alias="TIMEZONE"
    )
    webhook_url: Annotated[str | None, BeforeValidator(_check_webhook_url)] = Field(
        default=None, alias="WEBHOOK_URL"
    )
    webhook_secret: Annotated[str | None, BeforeValidator(_check_webhook_secret)] = Field(
        default=None, alias="WEBHOOK_SECRET", repr=False
    )
    webhook_listen: str = Field(default="0.0.0.0", alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="WEBHOOK_PORT")
    log_level: Annotated[str, BeforeValidator(_check_log_level)] = Field(
        default="INFO", alias="LOG_LEVEL"
    )
    faq_answer_score: float = Field(
        default=DEFAULT_THRESHOLDS.answer, ge=0, le=100, alias="FAQ_ANSWER_SCORE"
    )
    faq_suggest_score: float = Field(
        default=DEFAULT_THRESHOLDS.suggest, ge=0, le=100, alias="FAQ_SUGGEST_SCORE"
    )
    faq_reload_seconds: float = Field(default=2.0, gt=0, le=60, alias="FAQ_RELOAD_SECONDS")
    reminder_offsets_text: Annotated[str, BeforeValidator(_check_reminder_offsets)] = Field(
        default=OFFSETS_EXAMPLE, alias="REMINDER_OFFSETS"
    )
    reminder_grace_hours: float = Field(default=6.0, ge=0, le=24 * 14, alias="REMINDER_GRACE_HOURS")

    handoff_reply_time_text: Annotated[str, BeforeValidator(_check_handoff_text)] = Field(
        default=DEFAULT_HANDOFF_REPLY_TIME, alias="HANDOFF_REPLY_TIME_TEXT"
    )

    broadcast_per_second: Annotated[float, BeforeValidator(_check_broadcast_rate)] = Field(
        default=25.0, alias="BROADCAST_PER_SECOND"
    )

    # Who the privacy notice names as responsible for the data, and how to reach them.
    privacy_controller: Annotated[str, BeforeValidator(_check_privacy_text)] = Field(
        default=EXAMPLE_PRIVACY_CONTROLLER, alias="PRIVACY_CONTROLLER"
    )
    privacy_contact: Annotated[str, BeforeValidator(_check_privacy_text)] = Field(
        default=EXAMPLE_PRIVACY_CONTACT, alias="PRIVACY_CONTACT"
    )
    privacy_dpo_contact: Annotated[str | None, BeforeValidator(_check_optional_privacy_text)] = (
        Field(default=None, alias="PRIVACY_DPO_CONTACT")
    )

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.faq_suggest_score > self.faq_answer_score:
            raise ValueError(
                "FAQ_SUGGEST_SCORE must not be higher than FAQ_ANSWER_SCORE; lower it or "
                "raise FAQ_ANSWER_SCORE"
            )
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set, so that only Telegram "
                "can post updates; set it to a random string of letters and digits"
            )
        return self

    def is_admin(self, user_id: int | None) -> bool:
        """True when this Telegram user id is configured as an admin."""
        return user_id is not None and user_id in self.admin_ids

    def is_staff(self, user_id: int | None) -> bool:
        """True for staff and admins (admins can do everything staff can)."""
        return user_id is not None and (user_id in self.staff_ids or user_id in self.admin_ids)

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        """How long before the deadline each reminder goes out, longest first."""
        return parse_offsets(self.reminder_offsets_text)

    @property
    def reminder_grace(self) -> timedelta:
        """How late a missed reminder or notice may still be sent at start-up."""
        return timedelta(hours=self.reminder_grace_hours)

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone object."""
        return ZoneInfo(self.timezone)


def _describe(error: dict[str, Any]) -> str:
    location = error.get("loc") or ()
    name = str(location[0]) if location else ""
    message = str(error.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ")
    if not name:
        return message
    value = error.get("input")
    if error.get("type") in ("int_parsing", "float_parsing"):
        return f"{name}: {value!r} is not a number; set a plain number such as 8443"
    if error.get("type", "").startswith(("greater_than", "less_than")):
        return f"{name}: {value!r} is out of range ({message.lower()})"
    return f"{name}: {message}"


def setting_names() -> frozenset[str]:
    """The environment variable names the settings read."""
    return frozenset(f.alias for f in Settings.model_fields.values() if f.alias is not None)


# What `run` says of a privacy setting that is unset or still the sandbox's example.
PRIVACY_NEEDED = {
    "PRIVACY_CONTROLLER": "name who is responsible for the data this bot keeps (the controller, "
    "e.g. your organisation), which the privacy notice must say",
    "PRIVACY_CONTACT": "give how people reach the controller about their data (an email address "
    "or web page), which the privacy notice must say",
}
MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN: is not set; put your bot's token from @BotFather in the environment "
    "or .env, or try the bot without one: applicant-bot sandbox"
)


def load_settings(
    environ: Mapping[str, str],
    env_file: Path | None = None,
    *,
    require_token: bool = False,
    require_privacy: bool = False,
) -> Settings:
    """Build settings from a mapping (and an optional .env file it overrides); report all errors.

    With `require_token` a missing TELEGRAM_BOT_TOKEN is one of the problems reported; with
    `require_privacy` a missing (or sandbox example) PRIVACY_CONTROLLER or PRIVACY_CONTACT.
    """
    values: dict[str, Any] = {}
    if env_file is not None:
        if not env_file.is_file():
            raise SettingsError(
                [f"--env-file: {str(env_file)!r} is not a file; give the path of your .env file"]
            )
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    names = setting_names()
    values.update({k: v for k, v in environ.items() if k in names})
    values = {k: v for k, v in values.items() if not (isinstance(v, str) and v.strip() == "")}
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        problems.extend(_describe(dict(e)) for e in exc.errors())
    if require_token and "TELEGRAM_BOT_TOKEN" not in values:
        problems.append(MISSING_TOKEN)
    if require_privacy:
        for name, needed in PRIVACY_NEEDED.items():
            if name not in values:
                problems.append(f"{name}: is not set; {needed}")
            elif EXAMPLE_MARK in str(values[name]):
                problems.append(f"{name}: is still the sandbox's example; {needed}")
    faq_dir = Path(values.get("FAQ_DIR", BUNDLED_FAQ_DIR))
    if not faq_dir.is_dir():
        problems.append(f"FAQ_DIR: {str(faq_dir)!r} is not a folder; point it at faq/data")
    if problems or settings is None:
        raise SettingsError(problems)
    return settings
