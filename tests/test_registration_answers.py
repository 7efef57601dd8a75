"""Typed answers in /register: names, population, email, and telling a question apart."""

from __future__ import annotations

import pytest

from bot.registration.answers import (
    AnswerError,
    check_email,
    check_text,
    is_plausible_population,
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
        ("50 million", 50_000_000),  # parsed; asked back as unlikely
        # The ways people write an approximation: the number is kept.
        ("about 37k", 37_000),
        ("approx. 37 000", 37_000),
        ("approximately 37,000", 37_000),
        ("ca. 37000", 37_000),
        ("c. 37000", 37_000),
        ("circa 37.000", 37_000),
        ("around 37,000", 37_000),
        ("roughly 1.2 million", 1_200_000),
        ("~37k", 37_000),
        ("≈ 37000", 37_000),
        ("± 37 000", 37_000),
        ("37.5k", 37_500),
        ("37 thousand", 37_000),
        ("37,5 thousand", 37_500),
        ("over 37000", 37_000),
        ("37000+", 37_000),
        ("37 000 approx.", 37_000),
        ("some 37 000 inhabitants", 37_000),
        ("about 37k people", 37_000),
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
        pytest.param("about", "as a number", id="approximately-nothing"),
        pytest.param("20 billion", "more people than live on Earth", id="absurd"),
        pytest.param("20000000000", "more people than live on Earth", id="absurd-digits"),
    ],
)
def test_population_refused(text: str, sentence: str) -> None:
    with pytest.raises(AnswerError, match=sentence):
        parse_population(text)


@pytest.mark.parametrize(
    ("population", "plausible"),
    [
        (1, False),
        (3, False),
        (99, False),
        (100, True),
        (37_000, True),
        (40_000_000, True),
        (40_000_001, False),
        (50_000_000, False),
    ],
)
def test_an_unlikely_population_is_asked_back(population: int, plausible: bool) -> None:
    assert is_plausible_population(population) is plausible


@pytest.mark.parametrize(
    ("text", "digits", "sentence"),
    [
        pytest.param("about 37k", False, "looks like a number", id="name-approximate-number"),
        pytest.param("about 37k", True, "looks like a number", id="city-approximate-number"),
        pytest.param("37,5 thousand", True, "looks like a number", id="role-number"),
        pytest.param("R2D2", True, "looks like a number", id="mostly-digits"),
        pytest.param("x", False, "one letter is not enough", id="one-letter"),
        pytest.param("A.", True, "one letter is not enough", id="one-letter-and-dot"),
        pytest.param("Ana 2", False, "without digits", id="digit-in-a-name"),
    ],
)
def test_names_and_roles_must_look_like_them(text: str, digits: bool, sentence: str) -> None:
    with pytest.raises(AnswerError) as caught:
        check_text(text, "the contact person's name", digits=digits)
    assert sentence in str(caught.value)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Ana Silva", False),
        ("Jo", False),
        ("Head of Unit 3", True),
        ("Paris 15e", True),
        ("Climate officer", True),
        ("CEO", True),
        ("Marie-Ève O'Neill", False),
    ],
)
def test_names_and_roles_that_look_like_them_are_taken(text: str, digits: bool) -> None:
    assert check_text(text, "the name", digits=digits) == text


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
