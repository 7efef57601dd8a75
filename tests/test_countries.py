"""Country names in many languages, with typos, to codes; English names back from codes."""

from __future__ import annotations

import pytest

from faq.countries import (
    CountryMatch,
    country_name,
    is_country_code,
    match_country,
    suggest_allowance,
    typo_allowance,
)

NAMED = [
    ("Deutschland", "DE"),
    ("España", "ES"),
    ("espana", "ES"),
    ("Polska", "PL"),
    ("Czech Republic", "CZ"),
    ("Czechia", "CZ"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("UK", "GB"),
    ("United Kingdom", "GB"),
    ("Great Britain", "GB"),
    ("Britain", "GB"),
    ("the Netherlands", "NL"),
    ("Nederland", "NL"),
    ("Holland", "NL"),
    ("Sverige", "SE"),
    ("Italia", "IT"),
    ("Portugal", "PT"),
    ("Portgual", "PT"),
    ("Germny", "DE"),
    ("Grece", "GR"),
    ("Ελλάδα", "GR"),
    ("Österreich", "AT"),
    ("  österreich! ", "AT"),
    ("Kosovo", "XK"),
    ("North Macedonia", "MK"),
    ("Macedonia", "MK"),
    ("Moldova", "MD"),
    ("Bosnia", "BA"),
    ("Switzerland", "CH"),
    ("Schweiz", "CH"),
    ("Canada", "CA"),
    ("South Korea", "KR"),
    ("Faroe Islands", "FO"),
    # The United Kingdom's constituent countries (not in CLDR's territories) and their typos.
    ("Wales", "GB"),
    ("Scotland", "GB"),
    ("England", "GB"),
    ("Northern Ireland", "GB"),
    ("Scottland", "GB"),
    ("Ireland", "IE"),
    ("Republic of Korea", "KR"),
    ("Korea, Republic of", "KR"),
    ("Republic of Moldova", "MD"),
    # Typos within one edit of a name under 8 letters, two of a longer one, and no rival close.
    ("Frnace", "FR"),
    ("Polnd", "PL"),
    ("Swedn", "SE"),
    ("Sweeden", "SE"),
    ("Lituania", "LT"),
]


@pytest.mark.parametrize(("text", "code"), NAMED)
def test_names_are_matched(text: str, code: str) -> None:
    assert match_country(text).code == code


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        pytest.param("", (), id="empty"),
        pytest.param("asdfgh", (), id="gibberish"),
        pytest.param("korea", ("KP", "KR"), id="two-koreas"),
        pytest.param("no", ("NO",), id="short-word"),
        pytest.param("Austrai", ("AU", "AT"), id="typo-of-two"),
    ],
)
def test_unsure_input_gives_suggestions(text: str, suggested: tuple[str, ...]) -> None:
    match = match_country(text)
    assert match.code is None
    assert len(match.suggestions) <= 4
    assert set(suggested) <= set(match.suggestions)


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        pytest.param("asdf", (), id="gibberish-suggests-nothing"),
        pytest.param("qwerty", (), id="more-gibberish"),
        pytest.param("Atlantis", (), id="no-country-close"),
        pytest.param("korea", ("KP", "KR"), id="two-names-alike"),
        # Both one edit away: no guess, and the European one first.
        pytest.param("Austrai", ("AT", "AU"), id="tie-prefers-europe"),
    ],
)
def test_suggestions_are_only_the_close_countries(text: str, suggested: tuple[str, ...]) -> None:
    assert match_country(text) == CountryMatch(None, suggested)


@pytest.mark.parametrize(
    ("name", "matched", "suggested"),
    [
        ("spain", 1, 1),  # under 8 letters: one edit to match, one to suggest
        ("sweden", 1, 2),  # 6 or 7 letters: one to match, two to suggest
        ("portugal", 2, 3),  # 8 letters or more: two to match, three to suggest
        ("north macedonia", 2, 3),  # spaces do not count
    ],
)
def test_how_far_a_typo_may_be(name: str, matched: int, suggested: int) -> None:
    assert (typo_allowance(name), suggest_allowance(name)) == (matched, suggested)


@pytest.mark.parametrize(
    ("code", "name"),
    [("CZ", "Czechia"), ("TR", "Türkiye"), ("XK", "Kosovo"), ("GB", "United Kingdom")],
)
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


@pytest.mark.parametrize(
    ("code", "known"), [("DE", True), ("XK", True), ("EU", False), ("de", False)]
)
def test_is_country_code(code: str, known: bool) -> None:
    assert is_country_code(code) is known


def test_unknown_code_has_no_name() -> None:
    with pytest.raises(KeyError):
        country_name("ZZ")


def test_every_name_maps_back_to_its_code() -> None:
    wrong = [
        code
        for code in ("DE", "FR", "XK", "TR", "MK", "BA")
        if match_country(country_name(code)).code != code
    ]
    assert not wrong
