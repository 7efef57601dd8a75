"""The command line: help and version, and clear exits for missing or bad configuration."""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import main
from bot.storage.journal import LOCK_NAME

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(PRIVACY_CONTROLLER="Test Programme Team", PRIVACY_CONTACT="privacy@test.example")
    env.update(extra)
    return env


def _run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=_clean_env(PYTHONPATH=str(ROOT), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_names_the_variable_and_suggests_the_sandbox(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path, DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "applicant-bot sandbox" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_settings_list_every_problem_and_exit_2(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path, ADMIN_IDS="x", TIMEZONE="Nowhere/Land")
    assert result.returncode == 2
    assert "ADMIN_IDS" in result.stderr and "TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_data_file_is_named_and_left_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    broken = data / "registrations.json"
    broken.write_bytes(b'{"_default": {"1": ')
    result = _run("run", cwd=tmp_path, DATA_DIR=str(data), TELEGRAM_BOT_TOKEN="123:abcdef")
    assert result.returncode != 0
    assert "registrations.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert broken.read_bytes() == b'{"_default": {"1": '


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["run", "--help"],
        ["sandbox", "--help"],
        ["faq", "check", "--help"],
        ["faq", "ask", "--help"],
        ["emulator", "--help"],
        ["export", "audit", "--help"],
        ["stats", "--help"],
    ],
)
def test_every_command_has_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 0
    assert "usage: applicant-bot" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"applicant-bot {__version__}"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_when_the_bot_api_cannot_be_reached_says_so_in_one_sentence(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    result = _run(
        "run",
        cwd=tmp_path,
        DATA_DIR=str(tmp_path / "data"),
        TELEGRAM_BOT_TOKEN="123:abcdefghijkl",
        TELEGRAM_API_BASE_URL=base,
    )
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"Could not reach the Telegram Bot API at {base}" in lines[0]
    assert "TELEGRAM_API_BASE_URL" in lines[0] and "proxy" in lines[0]
    assert "abcdefghijkl" not in result.stderr


def _run_bot_without_telegram(tmp_path: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """`applicant-bot run` on this data folder, with a Bot API address nobody answers at."""
    return _run(
        "run",
        cwd=tmp_path,
        DATA_DIR=str(data),
        TELEGRAM_BOT_TOKEN="123:abcdef",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{_closed_port()}",
    )


def test_a_persistence_file_with_a_bad_key_is_named_and_left_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    broken = data / "persistence.json"
    raw = b'{"user_data": {"abc": {}}}'
    broken.write_bytes(raw)
    result = _run_bot_without_telegram(tmp_path, data)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "persistence.json" in lines[0] and "'abc'" in lines[0] and "left untouched" in lines[0]
    assert broken.read_bytes() == raw


def test_bad_settings_and_a_missing_token_are_listed_together(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path, ADMIN_IDS="12,abc, 3x")
    assert result.returncode == 2
    assert "'abc' and '3x' are not numbers" in result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_run_without_privacy_settings_names_them_with_every_other_problem(tmp_path: Path) -> None:
    result = _run(
        "run",
        cwd=tmp_path,
        ADMIN_IDS="x",
        TELEGRAM_BOT_TOKEN="123:abcdef",
        PRIVACY_CONTROLLER="",
        PRIVACY_CONTACT="privacy@example.org (sandbox example; set PRIVACY_CONTACT)",
    )
    assert result.returncode == 2
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert any(line.startswith("ADMIN_IDS: 'x' is not a number") for line in lines)
    assert any(line.startswith("PRIVACY_CONTROLLER: is not set; name who") for line in lines)
    assert any(
        line.startswith("PRIVACY_CONTACT: is still the sandbox's example; give how")
        for line in lines
    )
    assert "Traceback" not in result.stderr


def test_a_missing_env_file_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    result = _run("--env-file", "nope.env", "faq", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "--env-file: 'nope.env' is not a file" in result.stderr


def test_a_sandbox_port_in_use_is_explained(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = _run("sandbox", "--port", port, cwd=tmp_path, DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 2, result.stderr
    assert f"Could not listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_bot_on_a_data_folder_in_use_is_refused_in_one_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with (data / ".bot.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = _run_bot_without_telegram(tmp_path, data)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"{data} is in use by another running bot; stop that one first, or give this one "
        "its own DATA_DIR."
    ]


def test_an_emulator_folder_in_use_is_refused_in_one_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "emu"
    folder.mkdir()
    with (folder / LOCK_NAME).open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = _run(
            "emulator", "--port", str(_closed_port()), "--data-dir", str(folder), cwd=tmp_path
        )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"Another emulator is already using {folder}; stop it first, or give this one "
        "another --data-dir."
    ]


def test_env_file_may_follow_the_command(tmp_path: Path) -> None:
    result = _run("faq", "check", "--env-file", "nope.env", cwd=tmp_path)
    assert result.returncode == 2
    assert "--env-file: 'nope.env' is not a file" in result.stderr


def test_faq_ask_joins_its_words_into_one_question_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    faq_dir = str(ROOT / "faq" / "data")
    assert main(["faq", "ask", "--json", "--dir", faq_dir, "when", "is", "the", "deadline"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert '"question": "when is the deadline"' in line
    with pytest.raises(SystemExit):
        main(["faq", "ask", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "one question, its words quoted or not" in help_text
    assert "one question per line on stdin" in help_text
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "Q: one question, its words quoted or not; several questions: one per line" in readme
