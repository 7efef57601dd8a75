"""`faq check` renders every entry in every phase: clean on the shipped FAQ, and a variant that
cannot be sent is reported with file, line, entry and phase."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from faq.call import CallPhase
from faq.commands import check_command
from faq.loader import build_knowledge_base, load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS
from faq.model import CallSettings, DatedVariant, Entry, SourceLocation
from faq.rendercheck import SAMPLE_NOW, render_every_phase, sample_calls

SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"


def test_there_is_one_sample_call_in_each_phase() -> None:
    samples = sample_calls("C")
    assert {call.phase(SAMPLE_NOW) for call in samples.values()} == set(CallPhase)
    assert all(call.phase(SAMPLE_NOW) is phase for phase, call in samples.items())


def test_the_shipped_faq_renders_in_every_phase() -> None:
    assert render_every_phase(load_knowledge_base(SHIPPED)) == []
    out = io.StringIO()
    assert check_command(SHIPPED, DEFAULT_THRESHOLDS, out) == 0
    assert "rendered in 4 phases and 20 date variants (0 failing)" in out.getvalue()


def test_a_date_variant_that_cannot_be_sent_names_its_day() -> None:
    broken = Entry(
        "broken",
        "Q?",
        ("a", "b", "c", "d", "e"),
        "Fine.",
        ("T",),
        location=SourceLocation("faq/data/x.yaml", 7),
        dated=(DatedVariant("closed", date(2024, 9, 16), "<b>unclosed"),),
    )
    problems = [
        str(p) for p in render_every_phase(build_knowledge_base([broken], CallSettings("C")))
    ]
    assert problems == [
        'faq/data/x.yaml:7: entry "broken" in phase "closed" from 2024-09-16: Telegram would '
        "refuse it: " + problems[0].split("Telegram would refuse it: ", 1)[1]
    ]


def test_a_variant_that_cannot_be_sent_names_file_line_entry_and_phase() -> None:
    broken = Entry(
        "broken",
        "Q?",
        ("a", "b", "c", "d", "e"),
        "Fine.",
        ("T",),
        location=SourceLocation("faq/data/x.yaml", 7),
        by_phase=(("closed", "<b>unclosed"), ("open", "{unknown}")),
    )
    kb = build_knowledge_base([broken], CallSettings("C"))
    problems = [str(problem) for problem in render_every_phase(kb)]
    assert len(problems) == 2
    assert problems[0].startswith('faq/data/x.yaml:7: entry "broken" in phase "open": ')
    assert problems[1].startswith('faq/data/x.yaml:7: entry "broken" in phase "closed": ')
    assert "Telegram would refuse it" in problems[1]


def test_an_other_call_answer_that_cannot_be_sent_says_so() -> None:
    broken = Entry(
        "broken",
        "Q?",
        ("a", "b", "c", "d", "e"),
        "Fine.",
        ("T",),
        location=SourceLocation("faq/data/x.yaml", 7),
        by_phase=(("other_call", "<b>unclosed"),),
    )
    problems = [
        str(p) for p in render_every_phase(build_knowledge_base([broken], CallSettings("C")))
    ]
    assert problems
    assert all("with other dates than the facts' call" in p for p in problems)
    assert any('in phase "open" with other dates' in p for p in problems)
