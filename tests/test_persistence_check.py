"""persistence.json is checked when opened: a damaged value stops start-up, file untouched."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from bot.announcements.dates import DateField
from bot.registration.steps import Step
from bot.storage import persistence_check as check
from bot.storage.durable import StorageCorruptError
from bot.storage.persistence import StorePersistence
from handlers import announcements, faq

ROOT = Path(__file__).resolve().parents[1]
USER, CHAT = "1001", "1001"

VALID: dict[str, Any] = {
    "user_data": {
        USER: {
            "announcement_pending": {
                "token": "0a1b2c3d",
                "action": "DEADLINE",
                "value": "2024-05-31T17:00:00+02:00",
            }
        },
        "1002": {
            "announcement_pending": {
                "token": "ffee0011",
                "action": "schedule",
                "html": "Hello <b>all</b>",
                "value": "2030-01-01T10:00:00+01:00",
            }
        },
        "1003": {
            "announcement_pending": {"token": "12345678", "action": "broadcast", "html": "Hi"}
        },
    },
    "chat_data": {
        CHAT: {
            "faq_suggestions": {
                "41": {"question": "deadline?", "candidates": [["deadline", 71.5]]}
            },
            "faq_uncertain_answers": {
                "43": {"question": "how much", "entry": "costs", "candidates": [["costs", 80]]}
            },
            "faq_uncertain_dropped": 12,
            "faq_not_asked_pressed": {"40": True},
        }
    },
    "conversations": {"registration": {"[1001,1001]": "city", "[1002,1002]": "review"}},
}


def _set(path: tuple[str, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def damage(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return damage


def _drop(path: tuple[str, ...]) -> Callable[[dict[str, Any]], None]:
    def damage(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return damage


PENDING = ("user_data", USER, "announcement_pending")
SCHEDULED = ("user_data", "1002", "announcement_pending")
CHAT_PATH = ("chat_data", CHAT)
STATES = ("conversations", "registration")

# (name, damage, what the refusal must say)
DAMAGES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "pending date not a date",
        _set((*PENDING, "value"), "not a date"),
        "'not a date' is not a date",
    ),
    ("pending date without zone", _set((*PENDING, "value"), "2024-05-31T17:00"), "no time zone"),
    ("pending date a number", _set((*PENDING, "value"), 20240531), "is not a date and time"),
    ("pending date missing", _drop((*PENDING, "value")), "is not a date and time"),
    ("scheduled time not a date", _set((*SCHEDULED, "value"), "soon"), "'soon' is not a date"),
    ("scheduled text missing", _drop((*SCHEDULED, "html")), "no message text"),
    (
        "broadcast text a list",
        _set(("user_data", "1003", "announcement_pending", "html"), []),
        "no message text",
    ),
    ("pending token not hex", _set((*PENDING, "token"), "zzzzzzzz"), "not 8 hexadecimal digits"),
    ("pending token missing", _drop((*PENDING, "token")), "token None"),
    ("pending action unknown", _set((*PENDING, "action"), "explode"), "unknown action 'explode'"),
    ("pending not an object", _set(PENDING, "DEADLINE"), "announcement_pending is not an object"),
    ("conversation step unknown", _set((*STATES, "[1001,1001]"), "nowhere"), "unknown step"),
    ("conversation step a number", _set((*STATES, "[1001,1001]"), 3), "unknown step 3"),
    ("conversation key one id", _drop((*STATES, "[1001,1001]")), "not [chat id, user id]"),
    ("suggestion key not an id", _set((*CHAT_PATH, "faq_suggestions", "x1"), {}), "'x1'"),
    (
        "suggestion question missing",
        _set((*CHAT_PATH, "faq_suggestions", "41"), {}),
        "no question text",
    ),
    (
        "suggestion scores text",
        _set((*CHAT_PATH, "faq_suggestions", "41", "candidates"), [["deadline", "high"]]),
        "[entry, score] pairs",
    ),
    (
        "uncertain answer without entry",
        _drop((*CHAT_PATH, "faq_uncertain_answers", "43", "entry")),
        "names no FAQ entry",
    ),
    (
        "dropped mark not a number",
        _set((*CHAT_PATH, "faq_uncertain_dropped"), "12"),
        "is not a message id",
    ),
    (
        "pressed marks not an object",
        _set((*CHAT_PATH, "faq_not_asked_pressed"), [40]),
        "is not an object",
    ),
    ("user id not numeric", _set(("user_data", "abc"), {}), "not a numeric Telegram id"),
    ("chat data not an object", _set(("chat_data", "7"), []), "is not an object"),
]


def _write(path: Path, data: dict[str, Any]) -> bytes:
    raw = orjson.dumps(data)
    path.write_bytes(raw)
    return raw


def test_a_valid_file_with_every_kind_of_value_opens(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    _write(path, VALID)
    StorePersistence(path)


@pytest.mark.parametrize(("name", "damage", "reason"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_each_damage_is_refused_with_file_and_value_named(
    tmp_path: Path, name: str, damage: Callable[[dict[str, Any]], None], reason: str
) -> None:
    path = tmp_path / "persistence.json"
    data = copy.deepcopy(VALID)
    if name == "conversation key one id":
        data["conversations"]["registration"]["[1001]"] = "city"
    damage(data)
    raw = _write(path, data)
    with pytest.raises(StorageCorruptError) as caught:
        StorePersistence(path)
    message = str(caught.value)
    assert caught.value.path == path
    assert message.startswith(f"{path} cannot be read (") and reason in message, message
    assert "restore it from a backup or move it away" in message
    assert path.read_bytes() == raw


def test_applicant_bot_run_refuses_a_damaged_file_in_one_sentence_exit_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    data = copy.deepcopy(VALID)
    data["user_data"][USER]["announcement_pending"]["value"] = "not a date"
    _write(data_dir / "persistence.json", data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DATA_DIR=str(data_dir),
        TELEGRAM_BOT_TOKEN="123456:abcdefghijklmnop",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(data_dir / "persistence.json") in lines[0] and "not a date" in lines[0]


def test_the_checked_names_are_the_ones_the_handlers_use() -> None:
    assert {step.value for step in Step} == check.REGISTRATION_STEPS
    assert set(DateField.__members__) == check.DATE_ACTIONS
    assert announcements.PENDING_KEY == check.ANNOUNCEMENT_PENDING
    assert faq.PENDING_KEY == check.FAQ_SUGGESTIONS
    assert faq.NOT_ASKED_KEY == check.FAQ_UNCERTAIN
    assert faq.NOT_ASKED_DROPPED_KEY == check.FAQ_UNCERTAIN_DROPPED
    assert faq.NOT_ASKED_PRESSED_KEY == check.FAQ_NOT_ASKED_PRESSED
