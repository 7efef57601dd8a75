"""Typed answers in /register: names, population, email, and telling a question apart."""

from __future__ import annotations

import pytest

from bot.registration.answers import (
    AnswerError,
    check_email,
    check_text,
    looks_like_question,
    parse_population,
)

CITY = "the city's name"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lyon", "Lyon"),
        ("  Perth & Kinross  ", "Perth & Kinross"),
        ("Saint-Étienne", "Saint-Étienne"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Θεσσαλονίκη", "Θεσσαλονίκη"),
        ("Lyon 🇫🇷", "Lyon 🇫🇷"),
        ("a" * 100, "a" * 100),
    ],
)
def test_text_accepted(text: str, expected: str) -> None:
    assert check_text(text, CITY) == expected


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        pytest.param("", "Please type the city's name.", id="empty"),
        pytest.param("   ", "Please type the city's name.", id="blank"),
        pytest.param("🏙️🌍", "in letters", id="emoji-only"),
        pytest.param("?!...", "in letters", id="punctuation"),
        pytest.param("12345", "in letters", id="digits"),
        pytest.param("a" * 101, "The city's name can have at most 100 characters", id="101-chars"),
        pytest.param("<b>Lyon</b>", "without < or >", id="html"),
        pytest.param("Lyon\x00", "on one line", id="control"),
        pytest.param("Lyon\nParis", "on one line", id="newline"),
    ],
)
def test_text_refused(text: str, sentence: str) -> None:
    with pytest.raises(AnswerError) as caught:
        check_text(text, CITY)
    assert sentence in str(caught.value)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")


def test_max_chars_is_a_parameter() -> None:
    with pytest.raises(AnswerError, match="at most 10 characters; this one has 11"):
        check_text("a" * 11, "the role", max_chars=10)


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("120000", 120_000),
        ("120,000", 120_000),
        ("120 000", 120_000),
        ("120\u00a0000", 120_000),
        ("120.000", 120_000),
        ("120'000", 120_000),
        ("1.234.567", 1_234_567),
        ("120k", 120_000),
        ("120 K", 120_000),
        ("1.2 million", 1_200_000),
        ("1,2 Mio", 1_200_000),
        ("2m", 2_000_000),
        ("~5000", 5_000),
        ("5000 inhabitants", 5_000),
        ("1", 1),
        ("40000000", 40_000_000),
    ],
)
def test_population_parsed(text: str, population: int) -> None:
    assert parse_population(text) == population


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        pytest.param("0", "at least 1", id="zero"),
        pytest.param("-5000", "cannot be negative", id="negative"),
        pytest.param("a lot", "as a number", id="words"),
        pytest.param("", "as a number", id="empty"),
        pytest.param("12 apples", "as a number", id="unknown-unit"),
        pytest.param("120.5", "whole number", id="fraction"),
        pytest.param("12,34,567", "whole number", id="odd-grouping"),
        pytest.param("40000001", "over 40 million", id="absurd"),
        pytest.param("50 million", "over 40 million", id="absurd-unit"),
    ],
)
def test_population_refused(text: str, sentence: str) -> None:
    with pytest.raises(AnswerError, match=sentence):
        parse_population(text)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("anna@lyon.fr", "anna@lyon.fr"),
        ("  Anna.Smith@Lyon.FR ", "Anna.Smith@lyon.fr"),
        ("climat+twin@ville.example.eu", "climat+twin@ville.example.eu"),
    ],
)
def test_email_accepted(text: str, normalized: str) -> None:
    assert check_email(text) == normalized


@pytest.mark.parametrize("text", ["", "anna", "anna@", "anna@lyon", "an na@lyon.fr", "a@@b.eu"])
def test_email_refused(text: str) -> None:
    with pytest.raises(AnswerError, match="valid email address"):
        check_email(text)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Paris", False),
        ("Perth & Kinross", False),
        ("Will Smith", False),
        ("May Lee", False),
        ("Whatever", False),
        ("", False),
        ("Can we apply?", True),
        ("how much does it cost", True),
        ("What", True),
        ("what's the deadline", True),
        ("WHO can apply", True),
        ("Is it free", True),
        ("Will it be online", True),
        ("Lyon?", True),
        ("¿Podemos participar", True),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert looks_like_question(text) is question
