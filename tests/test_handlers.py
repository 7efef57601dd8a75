"""Pure parts of the handlers: role-based command lists, reload reports, the welcome text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import ReloadOutcome, describe_reload
from bot.settings import load_settings
from faq.loader import FaqValidationError, Problem, load_knowledge_base
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


def test_reload_report_of_an_unreadable_file_says_which_checks_wait(tmp_path: Path) -> None:
    # The tester's case: other files' "related" name entries of the unreadable programme.yaml.
    folder = tmp_path / "faq"
    shutil.copytree(Path(__file__).resolve().parent.parent / "faq" / "data", folder)
    programme = folder / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace("question: What is", "question: [What is", 1), "utf-8")
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    (report,) = describe_reload(ReloadOutcome(changed=True, error=caught.value), kept_entries=7)
    assert report.count("• ") == 1 and "YAML syntax error" in report
    assert "not an entry id" not in report
    assert "those checks run once every file reads." in report
