"""Commands that quote what was typed quote a short, escaped start of it: a reply always fits."""

from __future__ import annotations

import pytest

from bot.quoting import quoted, shortened
from bot.sandbox.server import RunningSandbox
from handlers.errors import SOMETHING_WENT_WRONG
from tests.sandbox_client import SandboxClient

LONG = "x<b>" * 1000  # 4,000 characters, with markup that must stay text
# Each command that echoes its argument, followed by 4,000 characters, and what it answers.
ECHOING = [
    ("/setdeadline " + LONG, "is not a date I can read"),
    ("/setopening " + LONG, "is not a date I can read"),
    ("/setdeadline 31/05/2030 " + LONG, "is not a date I can read"),
    ("/schedule " + LONG, "Start with the date and time"),
    ("/schedule 31/05/2030 " + LONG, "Give a time after the date"),
    ("/seturl https://example.org/" + LONG, "full http(s) address"),
    ("/seturl http://[", "full http(s) address"),
    ("/setcallname " + LONG, "call's name"),
    ("/broadcast " + "y" * 3900, "too long"),
    ("/export " + LONG, "csv, excel or json only"),
    ("/zz " + LONG, "I don't know the command"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/05/2024", "31/05/2024"),
        ("a  b\n\nc", "a b c"),
        ("y" * 41, "y" * 40 + "…"),
    ],
)
def test_shortened_is_one_line_cut_with_an_ellipsis(text: str, expected: str) -> None:
    assert shortened(text) == expected
    assert quoted(text) == f"“{expected}”"


async def test_every_command_that_echoes_input_answers_in_a_short_sentence(
    sandbox: RunningSandbox, admin: SandboxClient
) -> None:
    await admin.ask("/start")
    for command, expected in ECHOING:
        reply = (await admin.ask(command))["text"]
        assert expected in reply, (command[:30], reply)
        assert SOMETHING_WENT_WRONG not in reply
        assert len(reply) < 400, (command[:30], len(reply))
        if command.startswith("/set") and "date" in expected:
            assert "x<b>x<b>" in reply  # shown as typed, escaped: no bold
