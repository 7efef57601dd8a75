"""`faq check` and `faq ask`: exit codes, file:line output, JSON lines."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from faq.commands import ask_command, check_command
from faq.matcher import DEFAULT_THRESHOLDS

VALID = Path(__file__).parent / "data" / "faq_fixtures" / "valid"
SHIPPED = Path(__file__).resolve().parent.parent / "faq" / "data"


def _broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(VALID, folder)
    topics = folder / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace(
            "    alternatives:\n      - deadline?", "    alternativs:\n      - deadline?", 1
        ),
        encoding="utf-8",
    )
    return folder


def test_check_is_clean_on_shipped_data() -> None:
    out = io.StringIO()
    code = check_command(SHIPPED, DEFAULT_THRESHOLDS, out)
    assert code == 0, out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("FAQ OK:")


def test_check_fails_with_file_and_line_on_broken_copy(tmp_path: Path) -> None:
    out = io.StringIO()
    code = check_command(_broken_copy(tmp_path), DEFAULT_THRESHOLDS, out)
    lines = out.getvalue().splitlines()
    assert code == 1
    assert any(
        line.endswith('did you mean "alternatives"?') and "topics.yaml:5:" in line for line in lines
    ), lines
    assert lines[-1].startswith("FAQ invalid:")


def test_check_fails_when_self_test_fails(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    shutil.copytree(VALID, folder)
    topics = folder / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace(
            "      - hi bot\n", "      - closing date of call\n", 1
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    assert check_command(folder, DEFAULT_THRESHOLDS, out) == 1
    assert '"closing date of call" of entry "greeting"' in out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("FAQ needs work:")


def test_ask_json_lines_have_the_documented_shape() -> None:
    out = io.StringIO()
    code = ask_command(
        VALID,
        ["hi, when is the deadline", "", "  ", "bitcoin price"],
        True,
        DEFAULT_THRESHOLDS,
        out,
    )
    assert code == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert list(row) == [
            "question",
            "decision",
            "id",
            "score",
            "suggestions",
            "semantic",
            "out_of_scope",
            "asks_for_work",
            "country",
            "candidates",
        ]
        assert len(row["candidates"]) <= 3
        assert all(list(c) == ["id", "score"] for c in row["candidates"])
        assert row["out_of_scope"] is None and row["asks_for_work"] is False
        assert row["decision"] in ("answer", "suggest", "fallback")
        assert -1.0 <= row["semantic"] <= 1.0
        assert isinstance(row["score"], int | float)
        assert isinstance(row["suggestions"], list)
    assert rows[0]["decision"] == "answer" and rows[0]["id"] == "deadline"
    assert rows[0]["candidates"][0] == {"id": "deadline", "score": rows[0]["score"]}
    assert len(rows[0]["candidates"]) == 3
    assert rows[0]["semantic"] > rows[1]["semantic"]  # the deadline question means more here
    assert rows[1]["decision"] == "fallback" and rows[1]["id"] is None


def test_ask_human_output_names_the_outcome() -> None:
    out = io.StringIO()
    assert ask_command(VALID, ["thanks"], False, DEFAULT_THRESHOLDS, out) == 0
    assert "→ answer thanks" in out.getvalue()


def test_ask_human_output_says_a_question_is_not_english() -> None:
    out = io.StringIO()
    assert ask_command(VALID, ["Wann ist die Frist?"], False, DEFAULT_THRESHOLDS, out) == 0
    assert "→ not English" in out.getvalue() and "I don't know" not in out.getvalue()


def test_ask_on_invalid_folder_prints_problems_and_exits_1(tmp_path: Path) -> None:
    out = io.StringIO()
    assert ask_command(_broken_copy(tmp_path), ["hi"], True, DEFAULT_THRESHOLDS, out) == 1
    assert "topics.yaml:5:" in out.getvalue()


def test_a_syntax_error_is_reported_alone_not_with_knock_on_related_ids(tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    shutil.copytree(SHIPPED, folder)
    programme = folder / "programme.yaml"
    lines = programme.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[6] == "    question: What is the Twinning Learning Programme?\n"
    lines[6] = "    question: [What is the Twinning Learning Programme?\n"
    programme.write_text("".join(lines), encoding="utf-8")
    out = io.StringIO()
    assert check_command(folder, DEFAULT_THRESHOLDS, out) == 1
    printed = out.getvalue().splitlines()
    assert len(printed) == 3, printed
    assert printed[0].endswith(
        "programme.yaml:7: YAML syntax error: the '[' opened on this line is not closed before "
        "line 8, where the parser gave up (expected ',' or ']', but got ':'); close it with ']', "
        "or put the whole value in quotes if the '[' is meant as text"
    ), printed[0]
    assert "not an entry id" not in out.getvalue()
    assert printed[1].startswith('9 "related" id(s) were not checked')
    assert printed[1].endswith("those checks run once every file reads.")
    assert printed[2].startswith("FAQ invalid: 1 problem(s) in 1 file(s);")
