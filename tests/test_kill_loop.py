"""Nothing the bot has received is lost to a SIGKILL: no question, no registration a person saw
confirmed (the full loop is a `make bench` row)."""

from __future__ import annotations

from pathlib import Path

from tests.kill_loop import run_kill_loop


async def test_questions_and_confirmed_registrations_survive_kills(tmp_path: Path) -> None:
    # Each kill lands while the bot is answering: on the old code, what it had fetched and not
    # yet answered was confirmed to Telegram and gone.
    result = await run_kill_loop(
        tmp_path,
        users=30,
        questions_per_second=12,
        kills=3,
        kill_after=(0.3, 1.5),
        once_answering=True,
        settle_seconds=10,
        registering=2,
    )
    print(result)
    assert result.questions >= 60  # enough load: about 12 a second while kills land
    assert result.lost == 0
    assert result.registrations_confirmed >= 1
    assert result.registrations_lost == 0
