"""Personal data is masked in logged questions: emails, phone numbers, long id-like numbers."""

from __future__ import annotations

import pytest

from bot.storage.questions import mask_personal_data

MASKED = [
    # Email addresses.
    ("write to ana.silva+twin@porto.example.pt please", "write to [email] please"),
    ("A.B@sub.city.gov.eu?", "[email]?"),
    # Phone numbers: international and local formats.
    ("call +32 2 123 45 67 today", "call [phone] today"),
    ("call +32 (0)2 123 45 67", "call [phone]"),
    ("0032 2 123 45 67", "[phone]"),
    ("mobile 0471/12.34.56", "mobile [phone]"),
    ("(02) 555-0199 office", "[phone] office"),
    ("0471123456", "[phone]"),
    ("555-0199", "[phone]"),
    ("12 34 56 78", "[phone]"),
    ("+48 512 345 678", "[phone]"),
    ("512 345 678", "[phone]"),  # 3-3-3 groups: a phone in PL, ES, PT; no city is that big
    ("tel:+351912345678.", "tel:[phone]."),
    # Long id-like numbers.
    ("my id is 12345678", "my id is [number]"),
    ("ref ID123456789", "ref ID[number]"),
    ("IBAN BE71 0961 2345 6769 ok", "IBAN [number] ok"),
    ("BE71096123456769", "[number]"),
    ("BE71 0961 2345 6769 EUR", "[number] EUR"),
]

KEPT = [
    # Years, dates, ranges and the quantities a city would give.
    "we have 120000 inhabitants",
    "120 000 inhabitants",
    "1.200.000 or 1,200,000 or 1 200 000",
    "a budget of 2500000 EUR",
    "EUR 1,500,000.50",
    "in 2024 and 2025",
    "the 2024-2025 cohort, or 2025/26",
    "deadline 12.03.2025 or 2025-03-12 or 12/3/2025",
    "(120000 inhabitants)",
    "postcode 1000, zip 90210",
    "in 2024, 120000 people",
    "CO2 by 2030",
    "",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_mask_personal_data(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_mask_personal_data_keeps_years_dates_and_quantities(text: str) -> None:
    assert mask_personal_data(text) == text
