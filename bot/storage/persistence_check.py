"""What the bot's handlers keep in persistence.json, checked when the file is opened.

A damaged value (a pending date that is not a date, a conversation step that does not exist)
would otherwise be accepted at start-up and fail later, when someone presses a button. The key
names and values mirror handlers/ and bot/registration (tests/test_persistence_check.py keeps
them in step); keys the bot does not read are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from bot.storage.durable import StorageCorruptError

REGISTRATION_CONVERSATION = "registration"
# bot.registration.steps.Step's values: the registration conversation's states.
REGISTRATION_STEPS = frozenset(
    {
        "consent",
        "city",
        "country",
        "status",
        "commitment",
        "verdict",
        "population",
        "contact_name",
        "contact_role",
        "email",
        "topics",
        "review",
    }
)
# handlers/announcements.py: one staff member's change waiting for Confirm.
ANNOUNCEMENT_PENDING = "announcement_pending"
DATE_ACTIONS = frozenset({"OPENS", "DEADLINE"})  # bot.announcements.dates.DateField's names
ANNOUNCEMENT_ACTIONS = DATE_ACTIONS | {"broadcast", "schedule"}
PENDING_TOKEN = re.compile(r"[0-9a-f]{8}")
# handlers/faq.py: per chat, what a later button press under an answer needs.
FAQ_SUGGESTIONS = "faq_suggestions"
FAQ_UNCERTAIN = "faq_uncertain_answers"
FAQ_UNCERTAIN_DROPPED = "faq_uncertain_dropped"
FAQ_NOT_ASKED_PRESSED = "faq_not_asked_pressed"

Problem = str | None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numeric(key: str) -> bool:
    return key.lstrip("-").isdigit()


def _aware_moment(value: object) -> Problem:
    if not isinstance(value, str):
        return "is not a date and time"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a date and time"
    if moment.tzinfo is None:
        return f"{value!r} has no time zone"
    return None


def _pending_announcement(pending: object) -> Problem:
    if not isinstance(pending, dict):
        return "is not an object"
    token, action = pending.get("token"), pending.get("action")
    if not isinstance(token, str) or not PENDING_TOKEN.fullmatch(token):
        return f"has the token {token!r}, not 8 hexadecimal digits"
    if action not in ANNOUNCEMENT_ACTIONS:
        return f"has the unknown action {action!r}"
    if action != "broadcast":
        problem = _aware_moment(pending.get("value"))
        if problem:
            return f"value {problem}"
    if action in ("broadcast", "schedule") and not isinstance(pending.get("html"), str):
        return "has no message text (html)"
    return None


def _candidates(value: object) -> Problem:
    pairs_ok = isinstance(value, list) and all(
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and _is_number(pair[1])
        for pair in value
    )
    return None if pairs_ok else "candidates are not a list of [entry, score] pairs"


def _suggestion(record: object) -> Problem:
    if not isinstance(record, dict) or not isinstance(record.get("question"), str):
        return "has no question text"
    return _candidates(record.get("candidates", []))


def _uncertain(record: object) -> Problem:
    if not isinstance(record, dict) or not isinstance(record.get("entry"), str):
        return "names no FAQ entry"
    return _suggestion(record)


def _by_message(check: Callable[[object], Problem]) -> Callable[[object], Problem]:
    """A check of an object keyed by message id, each value checked by `check`."""

    def run(value: object) -> Problem:
        if not isinstance(value, dict):
            return "is not an object"
        for key, record in value.items():
            if not _numeric(key):
                return f"has the key {key!r}, not a message id"
            problem = check(record)
            if problem:
                return f"for message {key} {problem}"
        return None

    return run


def _true(value: object) -> Problem:
    return None if value is True else "is not true"


def _message_id(value: object) -> Problem:
    return None if _is_int(value) else "is not a message id"


USER_DATA_CHECKS: dict[str, Callable[[object], Problem]] = {
    ANNOUNCEMENT_PENDING: _pending_announcement,
}
CHAT_DATA_CHECKS: dict[str, Callable[[object], Problem]] = {
    FAQ_SUGGESTIONS: _by_message(_suggestion),
    FAQ_UNCERTAIN: _by_message(_uncertain),
    FAQ_UNCERTAIN_DROPPED: _message_id,
    FAQ_NOT_ASKED_PRESSED: _by_message(_true),
}


def _check_entries(
    path: Path,
    section: str,
    entries: dict[str, Any],
    checks: dict[str, Callable[[object], Problem]],
) -> None:
    for owner, values in entries.items():
        for key, check in checks.items():
            if key in values:
                problem = check(values[key])
                if problem:
                    raise StorageCorruptError(path, f"{section} {owner}: {key} {problem}")


def _check_registration_states(path: Path, states: dict[str, Any]) -> None:
    for key, state in states.items():
        decoded = orjson.loads(key)
        if len(decoded) != 2 or not all(_is_int(part) for part in decoded):
            raise StorageCorruptError(
                path, f"registration conversation key {key} is not [chat id, user id]"
            )
        if state not in REGISTRATION_STEPS:
            raise StorageCorruptError(
                path, f"registration conversation {key} is at the unknown step {state!r}"
            )


def check_bot_values(path: Path, data: dict[str, Any]) -> None:
    """Refuse values the bot's handlers would trip over later; run after check_sections."""
    _check_entries(path, "user_data", data.get("user_data", {}), USER_DATA_CHECKS)
    _check_entries(path, "chat_data", data.get("chat_data", {}), CHAT_DATA_CHECKS)
    conversations = data.get("conversations", {})
    _check_registration_states(path, conversations.get(REGISTRATION_CONVERSATION, {}))
