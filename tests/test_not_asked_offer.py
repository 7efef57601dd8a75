"""What "Not what I asked" offers, and the callback data of the buttons it and a country answer
carry."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from faq.countries import country_name
from faq.matcher import MatchResult, MatchThresholds
from handlers import callback_data as data
from handlers import eligibility
from handlers.faq import next_best

THRESHOLDS = MatchThresholds(answer=60.0, suggest=48.0)


def _answered(entry: str, *candidates: tuple[str, float]) -> MatchResult:
    return MatchResult("q", "answer", entry, candidates[0][1], (), candidates)


@pytest.mark.parametrize(
    ("result", "offered"),
    [
        # The runner-ups from the suggest score on, best first, never the answered entry.
        (_answered("a", ("a", 70.0), ("b", 65.0), ("c", 50.0), ("d", 30.0)), ["b", "c"]),
        (
            _answered("a", ("a", 66.0), ("b", 60.0), ("c", 55.0), ("d", 49.0), ("e", 48.0)),
            ["b", "c", "d"],
        ),
        (_answered("a", ("a", 62.0), ("b", 47.9)), []),
        (_answered("a", ("a", 62.0)), []),
        # A long message answered from its asking sentence: the answered entry may not lead.
        (_answered("b", ("a", 58.0), ("b", 61.0)), ["a"]),
    ],
)
def test_the_next_best_entries_offered(result: MatchResult, offered: list[str]) -> None:
    assert next_best(result, THRESHOLDS) == offered


@pytest.mark.parametrize(
    ("code", "valid"), [("HR", True), ("XK", True), ("hr", False), ("HRV", False), ("", False)]
)
def test_check_my_city_data_is_validated(code: str, valid: bool) -> None:
    built = data.eligibility_check(code)
    assert len(built.encode()) <= 64
    assert (re.match(data.ELIGIBILITY_CHECK_PATTERN, built) is not None) == valid
    # It is no other /eligibility button's data.
    for other in (
        data.ELIGIBILITY_COUNTRY_PATTERN,
        data.ELIGIBILITY_STATUS_PATTERN,
        data.ELIGIBILITY_COMMITMENT_PATTERN,
    ):
        assert re.match(other, built) is None
    if valid:
        assert data.eligibility_answers(built) == [code]


class _Query:
    def __init__(self, data: str) -> None:
        self.data = data
        self.answers: list[tuple[str | None, bool]] = []

    async def answer(self, text: str | None = None, show_alert: bool = False) -> None:
        self.answers.append((text, show_alert))


class _Bot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: object) -> None:
        self.sent.append((chat_id, text))


@pytest.mark.parametrize(("code", "sends"), [("HR", True), ("ZZ", False), ("XK", True)])
async def test_check_my_city_asks_the_status_only_for_a_real_country(
    code: str, sends: bool
) -> None:
    query, bot = _Query(data.eligibility_check(code)), _Bot()
    update = SimpleNamespace(callback_query=query, effective_chat=SimpleNamespace(id=7))
    await eligibility.check_from_answer(update, SimpleNamespace(bot=bot))  # type: ignore[arg-type]
    if sends:
        assert query.answers == [(None, False)] and len(bot.sent) == 1
        assert country_name(code) in bot.sent[0][1]
    else:
        assert query.answers == [(eligibility.OUT_OF_DATE, True)] and bot.sent == []
