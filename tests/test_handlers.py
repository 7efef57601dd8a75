"""Pure parts of the handlers: role-based command lists, reload reports, the welcome text."""

from __future__ import annotations

import pytest

from bot.knowledge import ReloadOutcome, describe_reload
from bot.settings import load_settings
from faq.loader import FaqValidationError, Problem
from faq.message_parts import visible_length
from handlers import register_handlers
from handlers.errors import quoted_command
from handlers.menu import ADMIN_COMMANDS, APPLICANT_COMMANDS, STAFF_COMMANDS, commands_for
from handlers.start import welcome_text

SETTINGS = load_settings({"ADMIN_IDS": "1", "STAFF_IDS": "2"})


def _names(user_id: int) -> set[str]:
    return {c.name for _, group in commands_for(SETTINGS, user_id) for c in group}


def test_applicants_see_only_their_commands() -> None:
    assert _names(99) == {c.name for c in APPLICANT_COMMANDS}


def test_staff_see_staff_commands_but_not_admin_ones() -> None:
    assert _names(2) == {c.name for c in APPLICANT_COMMANDS + STAFF_COMMANDS}


def test_admins_see_everything() -> None:
    assert _names(1) == {c.name for c in APPLICANT_COMMANDS + STAFF_COMMANDS + ADMIN_COMMANDS}


def test_every_listed_command_has_a_handler() -> None:
    registered: set[str] = set()

    class Recorder:
        def add_handler(self, handler: object, group: int = 0) -> None:
            registered.update(getattr(handler, "commands", ()))
            for entry in getattr(handler, "entry_points", ()):  # a conversation's commands
                registered.update(getattr(entry, "commands", ()))

        def add_error_handler(self, callback: object) -> None:
            pass

    register_handlers(Recorder())  # type: ignore[arg-type]
    listed = {c.name for c in APPLICANT_COMMANDS + STAFF_COMMANDS + ADMIN_COMMANDS}
    assert listed <= registered


def test_reload_report_lists_file_and_line_escaped() -> None:
    error = FaqValidationError([Problem("faq/data/costs.yaml", 14, 'unknown key "<b>"')])
    (report,) = describe_reload(ReloadOutcome(changed=True, error=error), kept_entries=40)
    assert "faq/data/costs.yaml:14" in report
    assert "&lt;b&gt;" in report and "40 entries" in report


def test_a_long_reload_report_is_split_into_messages_telegram_takes() -> None:
    problems = [Problem(f"faq/data/f{n}.yaml", n, "x" * 900) for n in range(1, 21)]
    outcome = ReloadOutcome(changed=True, error=FaqValidationError(problems))
    report = describe_reload(outcome, kept_entries=40)
    assert len(report) > 1
    assert all(visible_length(part) <= 4096 for part in report)
    shown = "\n".join(report)
    assert all(f"f{n}.yaml:{n}" in shown for n in range(1, 16))
    assert "…and 5 more." in shown


def test_reload_report_on_success_counts_entries() -> None:
    (report,) = describe_reload(ReloadOutcome(changed=True, entry_count=37), 37)
    assert "37 entries" in report


def test_welcome_escapes_the_users_name() -> None:
    text = welcome_text("<script>x</script>")
    assert "<script>" not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("/frobnicate now", "/frobnicate"),
        ("/frobnicate@applicant_bot now", "/frobnicate"),
        ("/" + "x" * 31, "/" + "x" * 31),
        ("/" + "x" * 32, "/" + "x" * 31 + "…"),
        ("/a" + "é" * 4094, "/a" + "é" * 30 + "…"),
        ("   ", ""),
    ],
)
def test_quoted_command_is_the_first_word_cut_short(text: str, quoted: str) -> None:
    assert quoted_command(text) == quoted
