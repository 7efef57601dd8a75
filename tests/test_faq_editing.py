"""faq.editing: a phrasing added keeps every other byte, bad edits write nothing, edits queue."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.settings import BUNDLED_FAQ_DIR
from faq.editing import EditRefused, PhrasingAdded, add_phrasing
from faq.loader import load_knowledge_base

ANIMALS = """\
# Test entries: comments, blank lines, quotes and a block scalar must survive an edit.
entries:
  # The first entry.
  - id: unicorn-colour
    question: "What colour is the sandbox unicorn?"
    alternatives:
      - 'unicorn colour'   # single-quoted, with a comment
      - "colour of the unicorn"
      - tell me the unicorn's colour

      # a comment after a blank line, inside the list
      - which colour has the unicorn
      - unicorn hue
    # a comment between keys
    answer: |
      The sandbox unicorn is <b>violet</b>.

      It has always been.
    sources: []
    about: bot
    tags: [Testing]

  - id: dragon-size
    question: How big is the sandbox dragon?
    alternatives: [dragon size, dragon height, how large is the dragon, dragon bulk, dragon length]
    answer: >-
      The dragon is
      <i>enormous</i>.
    sources: []
    about: bot
    tags:
      - Testing
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small FAQ folder: the shipped call.yaml and the animals file."""
    target = tmp_path / "faq"
    target.mkdir()
    shutil.copy(BUNDLED_FAQ_DIR / "call.yaml", target / "call.yaml")
    shutil.copy(BUNDLED_FAQ_DIR / "sources.yaml", target / "sources.yaml")
    (target / "animals.yaml").write_text(ANIMALS, encoding="utf-8")
    return target


def _added(result: object) -> PhrasingAdded:
    assert isinstance(result, PhrasingAdded), result
    return result


def _alternatives(folder: Path, entry_id: str) -> list[str]:
    return list(load_knowledge_base(folder).entry(entry_id).alternatives)


def test_an_added_phrasing_is_the_only_line_that_changes(folder: Path) -> None:
    before = (folder / "animals.yaml").read_bytes()
    result = _added(add_phrasing(folder, "unicorn-colour", "  is the  unicorn purple "))
    after = (folder / "animals.yaml").read_bytes()
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(new_lines) == len(old_lines) + 1
    added = new_lines.pop(result.line - 1)
    assert added == b"      - is the unicorn purple\n"  # same indent and plain style as the list
    assert new_lines == old_lines  # every other byte as it was
    assert old_lines[result.line - 2] == b"      - unicorn hue\n"  # right after the last one
    assert result.file == "animals.yaml"
    assert _alternatives(folder, "unicorn-colour")[-1] == "is the unicorn purple"


def test_a_flow_list_gets_the_phrasing_before_its_bracket(folder: Path) -> None:
    before = (folder / "animals.yaml").read_text(encoding="utf-8")
    _added(add_phrasing(folder, "dragon-size", "dragon weight"))
    after = (folder / "animals.yaml").read_text(encoding="utf-8")
    assert after == before.replace("dragon length]", "dragon length, dragon weight]")


@pytest.mark.parametrize(
    "phrasing",
    [
        "unicorn: what colour",  # a colon would make a mapping
        "yes",  # would read back as true
        "2024",  # would read back as a number
        '"quoted" unicorn',
        "unicorn #1 colour",
        "- unicorn",
        "[unicorn] mane colour",
        "unicorn colour \\ shade",
        "Einhornfarbe, bitte",
    ],
)
def test_phrasings_yaml_would_misread_are_quoted_and_read_back_exactly(
    folder: Path, phrasing: str
) -> None:
    _added(add_phrasing(folder, "unicorn-colour", phrasing))
    assert _alternatives(folder, "unicorn-colour")[-1] == phrasing


def test_a_single_quoted_list_gets_a_single_quoted_phrasing(folder: Path) -> None:
    path = folder / "animals.yaml"
    path.write_text(ANIMALS.replace("- unicorn hue", "- 'unicorn hue'"), encoding="utf-8")
    result = _added(add_phrasing(folder, "unicorn-colour", "the unicorn's shade"))
    line = path.read_text(encoding="utf-8").splitlines()[result.line - 1]
    assert line == "      - 'the unicorn''s shade'"


def test_windows_line_ends_and_a_missing_final_newline_are_kept(folder: Path) -> None:
    path = folder / "animals.yaml"
    dragon = ANIMALS[: ANIMALS.index("  - id: dragon-size")] + (
        "  - id: dragon-size\n"
        "    question: How big is the sandbox dragon?\n"
        "    answer: The dragon is <i>enormous</i>.\n"
        "    sources: []\n    about: bot\n"
        "    tags: [Testing]\n"
        "    alternatives:\n"
        "      - dragon size\n      - dragon height\n      - dragon length\n"
        "      - dragon bulk\n      - dragon width"  # the file ends here, with no newline
    )
    text = dragon.replace("\n", "\r\n")
    path.write_bytes(text.encode())
    _added(add_phrasing(folder, "dragon-size", "dragon weight"))
    assert path.read_bytes() == (text + "\r\n      - dragon weight\r\n").encode()


@pytest.mark.parametrize(
    ("entry_id", "phrasing", "kind", "says"),
    [
        ("no-such-entry", "unicorn mane", "unknown_entry", 'no entry "no-such-entry"'),
        ("unicorn-colour", "   ", "empty", "empty"),
        ("unicorn-colour", "unicorn " * 30, "too_long", "characters"),
        ("unicorn-colour", "UNICORN   Colour", "duplicate", 'of entry "unicorn-colour"'),
        ("unicorn-colour", "Dragon size?", "duplicate", 'of entry "dragon-size"'),
        ("unicorn-colour", "what colour is the sandbox unicorn", "duplicate", "unicorn-colour"),
        ("unicorn-colour", "???", "invalid", "no letters or digits"),
    ],
)
def test_a_refused_edit_says_why_in_one_sentence_and_leaves_the_file(
    folder: Path, entry_id: str, phrasing: str, kind: str, says: str
) -> None:
    path = folder / "animals.yaml"
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    result = add_phrasing(folder, entry_id, phrasing)
    assert isinstance(result, EditRefused), result
    assert result.kind == kind
    assert says in result.reason
    assert result.reason.endswith(".") and result.reason.count(". ") == 0  # one sentence
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in folder.iterdir()) == ["animals.yaml", "call.yaml", "sources.yaml"]


def test_an_edit_is_refused_when_another_file_makes_the_folder_invalid(folder: Path) -> None:
    broken = folder / "broken.yaml"
    broken.write_text(
        ANIMALS.replace("unicorn", "pony")
        .replace("dragon", "wyvern")
        .replace("alternatives:\n      - 'pony colour'", "alternativs:\n      - 'pony colour'"),
        encoding="utf-8",
    )
    path = folder / "animals.yaml"
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    result = add_phrasing(folder, "unicorn-colour", "unicorn mane")
    assert isinstance(result, EditRefused) and result.kind == "invalid"
    assert "broken.yaml:" in result.reason and "alternativs" in result.reason
    assert "faq-edit-" not in result.reason  # the admin's file name, not the scratch copy
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_a_file_that_cannot_be_written_is_reported_and_left(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "animals.yaml"
    before = path.read_bytes()

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("faq.editing.os.replace", refuse)
    result = add_phrasing(folder, "unicorn-colour", "unicorn mane")
    assert isinstance(result, EditRefused) and result.kind == "io"
    assert "Permission denied" in result.reason
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["animals.yaml", "call.yaml", "sources.yaml"]


def test_the_file_keeps_its_permissions(folder: Path) -> None:
    path = folder / "animals.yaml"
    path.chmod(0o640)
    _added(add_phrasing(folder, "unicorn-colour", "unicorn mane"))
    assert path.stat().st_mode & 0o777 == 0o640


def test_concurrent_edits_lose_none_of_each_other(folder: Path) -> None:
    words = ["mane", "horn", "tail", "hooves", "wings", "eyes"]
    results: list[object] = []

    def add(word: str) -> None:
        results.append(add_phrasing(folder, "unicorn-colour", f"unicorn {word} colour"))

    threads = [threading.Thread(target=add, args=(word,)) for word in words]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(result, PhrasingAdded) for result in results), results
    kept = _alternatives(folder, "unicorn-colour")
    assert sorted(kept[-len(words) :]) == sorted(f"unicorn {word} colour" for word in words)
    YAML(typ="rt").load((folder / "animals.yaml").read_text(encoding="utf-8"))


def test_a_phrasing_answered_by_its_own_entry_is_clean(folder: Path) -> None:
    result = _added(add_phrasing(folder, "unicorn-colour", "shade of the sandbox unicorn"))
    assert result.decision == "answer" and result.answered_by == "unicorn-colour"
    assert result.clean and result.competing_entry is None
    # The returned knowledge base is the edited one, ready to be checked or shown.
    assert "shade of the sandbox unicorn" in result.knowledge.entry("unicorn-colour").alternatives


def test_a_phrasing_that_lands_on_another_entry_names_it(folder: Path) -> None:
    result = _added(add_phrasing(folder, "unicorn-colour", "how large is the sandbox dragon"))
    assert not result.clean
    assert result.competing_entry == "dragon-size"
    assert any("dragon-size" in problem for problem in result.self_test_problems)


def test_the_shipped_faq_takes_a_phrasing_and_stays_valid(faq_copy: Path) -> None:
    before = (faq_copy / "costs.yaml").read_bytes()
    entry = next(
        e for e in load_knowledge_base(faq_copy).entries if e.location.file.endswith("costs.yaml")
    )
    result = _added(add_phrasing(faq_copy, entry.id, "does taking part cost our town money"))
    after = (faq_copy / "costs.yaml").read_bytes()
    assert len(after) == len(before) + len(result.phrasing) + len(b"      - \n")
    assert result.phrasing in load_knowledge_base(faq_copy).entry(entry.id).alternatives
