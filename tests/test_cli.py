"""The command line: help and version, and clear exits for missing or bad configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
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
