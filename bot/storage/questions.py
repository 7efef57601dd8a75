"""The log of questions the FAQ did not answer outright, and of suggestion presses (no user)."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from bot.storage.records import Record

MAX_QUESTION_CHARS = 1000
KEPT_CANDIDATES = 3

Decision = Literal["answer", "suggest", "fallback", "chosen", "none", "not_english", "wrong"]


class LoggedQuestion(Record):
    """A question, what was decided (or pressed), and its best candidates with their scores.

    "chosen" and "none" record a press under a "Did you mean" suggestion: `chosen_entry` is the
    entry the person pressed ("chosen"), or None when they pressed "None of these" ("none").
    "wrong" records "Not what I asked" under an uncertain answer: `chosen_entry` is the entry
    that answered it, wrongly.
    """

    label: ClassVar[str] = "logged question"

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    decision: Decision
    candidates: tuple[tuple[str, float], ...] = Field(default=(), max_length=KEPT_CANDIDATES)
    asked_at: AwareDatetime
    chosen_entry: str | None = None


# What people type can hold personal data the log must not keep (it has no user id, so
# /deletedata cannot reach it). The rule, in order:
# 1. an email address becomes [email];
# 2. an IBAN-like code (two capitals, two digits, groups of four) becomes [number];
# 3. a run of digits, optionally grouped by single spaces, dots, commas, slashes, hyphens or
#    a parenthesised area code, is kept when it has fewer than 6 digits, when it is a
#    quantity (no leading 0, plain or grouped in threes, at most 7 digits before any
#    decimals: populations such as 120000 or 1 200 000 stay readable), a date or a range of
#    years; otherwise it becomes [phone] when it starts with + or 0, has an area code in
#    brackets or is made of several groups, and [number] when it is one long run.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?(?=[A-Z]{0,3}\d)[A-Z0-9]{4}){2,7}(?: ?\d{1,3})?\b")
DIGIT_RUN = re.compile(r"(?<!\d)[+(]?\d(?:\d|(?:[ .,/\-–\u00a0\u202f]|\) ?| ?\()(?=\d))*")
QUANTITY = re.compile(
    r"(?P<whole>[1-9]\d*|[1-9]\d{0,2}(?P<sep>[ .,\u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*)"
    r"(?:[.,]\d{1,2})?"
)
YEARS = re.compile(r"(?:19|20)\d\d(?:[-–/ ](?:19|20)?\d\d)*")
DAY_FIRST_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](?:19|20)?\d\d")
ISO_DATE = re.compile(r"(?:19|20)\d\d([./-])(\d{1,2})\1(\d{1,2})")
MIN_MASKED_DIGITS = 6
MAX_QUANTITY_DIGITS = 7


def mask_personal_data(text: str) -> str:
    """The text with email addresses, phone numbers and long id-like numbers masked."""
    text = EMAIL.sub("[email]", text)
    text = IBAN.sub("[number]", text)
    return DIGIT_RUN.sub(lambda match: _mask_digit_run(match.group()), text)


def _mask_digit_run(run: str) -> str:
    if run.startswith("(") and ")" not in run:
        return "(" + _mask_digit_run(run[1:])
    digits = sum(char.isdigit() for char in run)
    if digits < MIN_MASKED_DIGITS:
        return run
    if run.startswith("+") or "(" in run:
        return "[phone]"
    if _is_quantity(run) or _is_date_or_years(run):
        return run
    return "[phone]" if run.startswith("0") or not run.isdigit() else "[number]"


def _is_quantity(run: str) -> bool:
    match = QUANTITY.fullmatch(run)
    return match is not None and sum(c.isdigit() for c in match["whole"]) <= MAX_QUANTITY_DIGITS


def _is_date_or_years(run: str) -> bool:
    if YEARS.fullmatch(run) or ISO_DATE.fullmatch(run):
        return True
    match = DAY_FIRST_DATE.fullmatch(run)
    if match is None:
        return False
    first, second = int(match[1]), int(match[2])
    return min(first, second) >= 1 and (first <= 12 or second <= 12) and max(first, second) <= 31
