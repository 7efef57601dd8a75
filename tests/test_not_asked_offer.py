"""What "Not what I asked" offers, and the callback data of the buttons it and a country answer
carry."""

from __future__ import annotations

import re

import pytest

from faq.matcher import MatchResult, MatchThresholds
from handlers import callback_data as data
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
