"""The shipped FAQ against the facts file: every source it cites is listed there, every programme
answer cites one, and every figure an answer states appears in a fact of a source it cites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faq.loader import load_knowledge_base
from faq.model import ABOUT_PROGRAMME, PHASE_KEYS, Entry, KnowledgeBase
from faq.telegram_html import parse_telegram_html

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "faq" / "data"
# The FAQ's ground truth, carried beside it (a clone has nothing outside the repo).
FACTS = ROOT / "faq" / "knowledge" / "twinning-programme.md"
SOURCE_LINE = re.compile(r"^- ([A-Z][A-Z0-9-]*)[: ]\s*(.*)$")
CITATION = re.compile(r"\[([A-Z0-9, -]+)\]")
# Figures an answer may state: amounts, counts and dates; each must be found in a cited fact.
FIGURE = re.compile(r"\b\d+(?:[.,]\d+)?\b")
# Figures that are not facts: list numbering, "1–2" kept whole below, B2 and Pillar II.
NOT_FACTS = {"1", "2"}


def _facts_text() -> str:
    if not FACTS.is_file():
        pytest.fail(f"the facts file is missing at {FACTS}; restore it from git")
    return FACTS.read_text(encoding="utf-8")


def facts_sources() -> dict[str, str]:
    """Source id -> the rest of its line in the facts file's Sources list."""
    text = _facts_text().split("## Sources", 1)[1]
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = SOURCE_LINE.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def facts_by_source() -> dict[str, str]:
    """Source id -> the text of every fact (bullet, with its sub-bullets) that cites it."""
    body = _facts_text().split("## Sources", 1)[0]
    bullets: list[str] = []
    for line in body.splitlines():
        if line.startswith("- "):
            bullets.append(line)
        elif bullets and line.startswith(" "):
            bullets[-1] += " " + line.strip()
    cited: dict[str, str] = {}
    for bullet in bullets:
        ids = {part.strip() for group in CITATION.findall(bullet) for part in group.split(",")}
        for source_id in ids:
            cited[source_id] = cited.get(source_id, "") + "\n" + bullet
    return cited


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(SHIPPED)


def test_the_catalogue_matches_the_facts_files_sources(kb: KnowledgeBase) -> None:
    listed = facts_sources()
    assert kb.sources, "the shipped FAQ has no sources catalogue"
    for source in kb.sources:
        assert source.id in listed, f"{source.id} is not in the facts file's Sources"
        if source.url is None:
            assert source.id == "EC", f"{source.id} has an address in the facts file"
        else:
            bare = source.url.removeprefix("https://").removeprefix("http://")
            assert bare in listed[source.id], f"{source.id}: {source.url} is not its address"
    assert {s.id for s in kb.sources} == set(listed), "the catalogue should list every source"


def _phases(entry: Entry) -> list[str | None]:
    return [None, *(phase for phase in PHASE_KEYS if entry.has_variant(phase))]


def test_every_programme_answer_cites_a_source(kb: KnowledgeBase) -> None:
    uncited = [
        f"{entry.id} ({phase or 'default'})"
        for entry in kb.entries
        if entry.about == ABOUT_PROGRAMME
        for phase in _phases(entry)
        if not (entry.sources_for(phase) if phase else entry.sources)
    ]
    assert not uncited, f"programme answers without sources: {uncited}"
    assert [e.id for e in kb.entries if e.about != ABOUT_PROGRAMME] == [
        "who-are-you",
        "contact",
        "privacy",
        "pre-registration",
        "notifications",
        "greeting",
        "thanks",
        "goodbye",
    ]


def _figures(text: str) -> set[str]:
    plain = parse_telegram_html(re.sub(r"\{[a-z_]+\}", " ", text))[0]
    plain = re.sub(r"\b(?:B2|Cohort \d|Pillar II|1–2 city)\b", " ", plain)
    return {figure for figure in FIGURE.findall(plain) if figure not in NOT_FACTS}


def test_every_figure_stands_on_a_cited_source(kb: KnowledgeBase) -> None:
    facts = facts_by_source()
    # Facts cited by the Countries section heading lines are marked in the heading, not bullets.
    facts["SB"] = facts.get("SB", "") + _facts_text().split("## Countries", 1)[1]
    facts["EU-R"] = facts["SB"]
    unsupported = []
    for entry in (e for e in kb.entries if e.about == ABOUT_PROGRAMME):
        for phase in _phases(entry):
            text = entry.answer_for(phase) if phase else entry.answer
            ids = entry.sources_for(phase) if phase else entry.sources
            cited = "\n".join(facts.get(source_id, "") for source_id in ids)
            cited = cited.replace("-", " ").replace("–", " ")
            for figure in sorted(_figures(text)):
                if not re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", cited):
                    unsupported.append(f"{entry.id} ({phase or 'default'}): {figure}")
    assert not unsupported, f"figures no cited source states: {unsupported}"
