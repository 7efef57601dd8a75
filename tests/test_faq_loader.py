"""Loader and validator: the valid fixture loads; each broken copy names file, line and fault."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from faq.loader import FaqValidationError, Problem, directory_fingerprint, load_knowledge_base

VALID = Path(__file__).parent / "data" / "faq_fixtures" / "valid"
TOPICS = "topics.yaml"


@pytest.fixture
def faq_dir(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(VALID, target)
    return target


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(folder)
    return caught.value.problems


def test_valid_fixture_loads_with_all_fields() -> None:
    kb = load_knowledge_base(VALID)
    assert [e.id for e in kb.entries][:3] == ["deadline", "call-opening", "costs-covered"]
    deadline = kb.entry("deadline")
    assert deadline.question == "When is the deadline for the call?"
    assert len(deadline.alternatives) == 5
    assert deadline.links_for(None)[0].url == "https://example.org/programme"
    assert deadline.related == ("call-opening",)
    assert deadline.location.file.endswith("topics.yaml")
    assert deadline.location.line == 3
    assert kb.call.name == "Test call (Cohort 9)"
    assert kb.call.opens == date(2024, 4, 8)
    assert kb.call.deadline is None
    assert kb.tags() == ["Commitment", "Costs", "Dates", "Eligibility", "This Bot"]
    assert [e.id for e in kb.entries_with_tag("Dates")] == ["deadline", "call-opening"]
    with pytest.raises(KeyError):
        kb.entry("nope")


BROKEN = [
    pytest.param(
        TOPICS,
        "    tags: [Dates]\n    sources: [T1]",
        "    tags: [Dates\n    sources: [T1]",
        13,
        "YAML syntax error: the '[' opened on this line is not closed before line 14",
        id="yaml-syntax",
    ),
    pytest.param(
        TOPICS,
        "    alternatives:\n      - deadline?",
        "    alternativs:\n      - deadline?",
        5,
        'unknown key "alternativs" in entry "deadline"; did you mean "alternatives"?',
        id="typo-key",
    ),
    pytest.param(
        TOPICS,
        "    answer: |\n      You're welcome!\n",
        "",
        97,
        'entry "thanks" has no "answer"',
        id="missing-answer",
    ),
    pytest.param(
        TOPICS,
        "  - id: language",
        "  - id: greeting",
        83,
        'duplicate id "greeting": it is already used at',
        id="duplicate-id",
    ),
    pytest.param(
        TOPICS,
        "related: [deadline]",
        "related: [deadlin]",
        29,
        '"related" in entry "call-opening" names "deadlin", which is not an entry id; '
        'did you mean "deadline"?',
        id="unknown-related",
    ),
    pytest.param(
        TOPICS,
        "related: [deadline]",
        "related: [call-opening]",
        29,
        'entry "call-opening" lists itself in "related"',
        id="self-related",
    ),
    pytest.param(
        TOPICS,
        "is <b>{call_deadline}</b>",
        "is <b>{call_date}</b>",
        11,
        "unknown placeholder {call_date}",
        id="unknown-placeholder",
    ),
    pytest.param(
        TOPICS,
        "is <b>{call_deadline}</b>",
        "is <b>{call_deadline</b>",
        11,
        "stray brace",
        id="malformed-brace",
    ),
    pytest.param(
        TOPICS,
        "      - closing date of the call\n",
        "",
        5,
        'entry "deadline" has 4 alternatives; write at least 5',
        id="few-alternatives",
    ),
    pytest.param(
        TOPICS,
        "url: https://example.org/funding",
        "url: ftp://example.org/funding",
        45,
        'url "ftp://example.org/funding" of link 1 in entry "costs-covered" is not a web address',
        id="bad-url",
    ),
    pytest.param(
        TOPICS,
        "      - funding?",
        "      - deadline?",
        37,
        '"deadline?" in entry "costs-covered" repeats a phrasing already in entry "deadline"',
        id="duplicate-phrasing",
    ),
    pytest.param(
        TOPICS,
        "  - id: language",
        "  - id: Language_Entry",
        50,
        'id "Language_Entry" is not valid',
        id="bad-id",
    ),
    pytest.param(
        TOPICS,
        "    question: What is the working language?",
        "    question: 42",
        51,
        '"question" in entry "language" must be text, not a number',
        id="wrong-type",
    ),
    pytest.param(
        TOPICS,
        "    tags: [Costs]",
        "    tags: [A Tag Far Too Long For Any Button]",
        41,
        'tag "A Tag Far Too Long For Any Button"',
        id="long-tag",
    ),
    pytest.param(
        TOPICS,
        "      Hello! Ask me anything about the call.\n    tags: [This Bot]\n",
        "      Hello! Ask me anything about the call.\n    tags: [This Bot]\n    browse: maybe\n",
        94,
        '"browse" in entry "greeting" must be true or false, not text "maybe"',
        id="bad-browse",
    ),
    pytest.param(
        "call.yaml",
        "opens: 2024-04-08",
        "opens: 8 April",
        3,
        '"opens" in the "call" section is "8 April", not a date',
        id="bad-date",
    ),
    pytest.param(
        "call.yaml",
        "opens: 2024-04-08",
        "opens: 2024-04-31",
        3,
        "an impossible date (day is out of range for month)",
        id="impossible-date",
    ),
    pytest.param(
        "call.yaml",
        "deadline: null",
        "deadline: 2024-01-01",
        4,
        "is before the opening date",
        id="deadline-before-opening",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "line", "message"), BROKEN)
def test_broken_copy_reports_file_line_and_fault(
    faq_dir: Path, name: str, old: str, new: str, line: int, message: str
) -> None:
    _edit(faq_dir, name, old, new)
    problems = _problems(faq_dir)
    matching = [p for p in problems if message in p.message]
    assert matching, f"no problem mentions {message!r}; got: {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.file.endswith(name)
    assert problem.line == line, str(problem)
    assert str(problem) == f"{problem.file}:{problem.line}: {problem.message}"


def test_offer_human_puts_the_person_button_on_the_entry(faq_dir: Path) -> None:
    _edit(
        faq_dir,
        TOPICS,
        "    related: [call-opening]\n",
        "    related: [call-opening]\n    offer: human\n",
    )
    kb = load_knowledge_base(faq_dir)
    assert kb.entry("deadline").offer == "human"
    assert kb.entry("call-opening").offer is None


@pytest.mark.parametrize(
    ("value", "found"), [("humn", '"humn"'), ("", "empty"), ("[human]", "a list")]
)
def test_an_unknown_offer_is_one_sentence_with_file_and_line(
    faq_dir: Path, value: str, found: str
) -> None:
    _edit(
        faq_dir,
        TOPICS,
        "    related: [call-opening]\n",
        f"    related: [call-opening]\n    offer: {value}\n",
    )
    # The entry is then left out, so "related: [deadline]" elsewhere is a knock-on problem.
    (problem,) = [p for p in _problems(faq_dir) if "offer" in p.message]
    assert (problem.file.rsplit("/", 1)[-1], problem.line) == (TOPICS, 16), str(problem)
    assert problem.message == (
        f'"offer" in entry "deadline" is {found}; write "offer: human" to put the "Reach a '
        'person" button under the answer, or remove the key'
    )


def test_entries_with_browse_false_are_answerable_but_not_browsed(faq_dir: Path) -> None:
    _edit(
        faq_dir,
        TOPICS,
        "      Hello! Ask me anything about the call.\n    tags: [This Bot]\n",
        "      Hello! Ask me anything about the call.\n    tags: [Small talk]\n    browse: false\n",
    )
    _edit(
        faq_dir,
        TOPICS,
        "      You're welcome!\n    tags: [This Bot]\n",
        "      You're welcome!\n    tags: [This Bot]\n    browse: false\n",
    )
    kb = load_knowledge_base(faq_dir)
    assert not kb.entry("greeting").browse and kb.entry("who-are-you").browse
    assert "Small talk" not in kb.tags() and "This Bot" in kb.tags()
    assert [e.id for e in kb.entries_with_tag("This Bot")] == ["who-are-you"]
    assert kb.entries_with_tag("Small talk") == []


def test_bad_html_is_reported(faq_dir: Path) -> None:
    _edit(faq_dir, TOPICS, "<i>no grant</i>", "<i>no grant</b>")
    problems = _problems(faq_dir)
    assert any(
        p.line == 39 and 'Telegram would refuse the answer of entry "costs-covered"' in p.message
        for p in problems
    ), [str(p) for p in problems]


def test_answer_over_4096_characters_is_reported(faq_dir: Path) -> None:
    _edit(faq_dir, TOPICS, "You're welcome!", "Welcome! " * 460)
    problems = _problems(faq_dir)
    assert any(
        'the answer of entry "thanks"' in p.message and "Telegram allows 4096" in p.message
        for p in problems
    ), [str(p) for p in problems]


def test_all_problems_are_reported_at_once(faq_dir: Path) -> None:
    _edit(faq_dir, TOPICS, "    alternatives:\n      - deadline?", "    alternativs:\n      - x")
    _edit(faq_dir, TOPICS, "related: [deadline]", "related: [nowhere]")
    _edit(faq_dir, "call.yaml", "opens: 2024-04-08", "opens: soon")
    problems = _problems(faq_dir)
    text = "\n".join(str(p) for p in problems)
    assert "alternativs" in text
    assert '"nowhere"' in text
    assert '"soon"' in text


def test_top_level_must_be_entries_or_call(faq_dir: Path) -> None:
    (faq_dir / "extra.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (faq_dir / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (faq_dir / "typo.yaml").write_text("entires:\n  - id: x\n", encoding="utf-8")
    problems = _problems(faq_dir)
    by_file: dict[str, str] = {}
    for p in problems:
        by_file[Path(p.file).name] = by_file.get(Path(p.file).name, "") + p.message + "\n"
    assert "must be a mapping" in by_file["extra.yaml"]
    assert "the file is empty" in by_file["empty.yaml"]
    assert 'did you mean "entries"?' in by_file["typo.yaml"]


def test_second_call_file_and_missing_call_are_errors(faq_dir: Path, tmp_path: Path) -> None:
    shutil.copy(faq_dir / "call.yaml", faq_dir / "zz-call.yaml")
    problems = _problems(faq_dir)
    assert any('a second "call:" section' in p.message for p in problems)
    (faq_dir / "call.yaml").unlink()
    (faq_dir / "zz-call.yaml").unlink()
    problems = _problems(faq_dir)
    assert any("no file defines the call" in p.message for p in problems)


def test_missing_folder_is_one_clear_problem(tmp_path: Path) -> None:
    problems = _problems(tmp_path / "absent")
    assert len(problems) == 1
    assert "does not exist" in problems[0].message


def test_fingerprint_changes_when_a_file_changes(faq_dir: Path) -> None:
    before = directory_fingerprint(faq_dir)
    assert [name for name, _, _ in before] == ["call.yaml", "sources.yaml", TOPICS]
    _edit(faq_dir, TOPICS, "Hello! Ask me", "Hello there! Ask me")
    assert directory_fingerprint(faq_dir) != before
    assert directory_fingerprint(faq_dir) == directory_fingerprint(faq_dir)


def _line_of(folder: Path, name: str, needle: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


NEW_KEYS = [
    pytest.param(
        "      closed: |",
        "      closd: |",
        "closd:",
        '"closd" in "by_phase" in entry "eligible-countries" is not a phase; use '
        'to_be_announced, opens_soon, open, closed, other_call; did you mean "closed"?',
        id="bad-phase",
    ),
    pytest.param(
        "is closed; cities",
        "is <b>closed; cities",
        "closed: |",
        'Telegram would refuse the "closed" answer of entry "eligible-countries"',
        id="bad-html-in-variant",
    ),
    pytest.param(
        "open until {call_deadline}",
        "open until {call_end}",
        "answer: |",
        'the "open" answer of entry "eligible-countries" uses unknown placeholder {call_end}',
        id="unknown-placeholder-in-variant",
    ),
    pytest.param(
        "sources: [T1, T-NEWS]",
        "sources: [T1, T-NEW]",
        "sources: [T1, T-NEW]",
        'source "T-NEW" in entry "call-opening" is not in the sources catalogue; '
        'did you mean "T-NEWS"?',
        id="unknown-source",
    ),
    pytest.param(
        "        sources: [T2]",
        "        sources: [T3]",
        "sources: [T3]",
        'source "T3" in the "open" answer of entry "eligible-countries" is not in the sources '
        "catalogue",
        id="unknown-source-in-variant",
    ),
    pytest.param(
        "    sources: [T1, T-NEWS]",
        "    sources: []",
        "sources: []",
        '"sources" in entry "call-opening" is empty; list the ids of the sources its facts '
        'stand on (e.g. [N1, N6]), or if it states no programme fact write "about: bot"',
        id="empty-sources-of-a-programme-entry",
    ),
    pytest.param(
        "    sources: [T1, T-NEWS]\n",
        "",
        "  - id: call-opening",
        'entry "call-opening" has no "sources"; add "sources:" with the ids of the sources',
        id="forgotten-sources",
    ),
    pytest.param(
        "    about: bot\n",
        "    about: robot\n",
        "about: robot",
        '"about" in entry "greeting" is "robot"; write one of programme, bot, small-talk',
        id="bad-about",
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "message"), NEW_KEYS)
def test_new_keys_report_one_sentence_with_file_and_line(
    faq_dir: Path, old: str, new: str, needle: str, message: str
) -> None:
    _edit(faq_dir, TOPICS, old, new)
    problems = _problems(faq_dir)
    matching = [p for p in problems if message in p.message]
    assert matching, f"no problem mentions {message!r}; got: {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.file.endswith(TOPICS)
    # The reported line holds the fault (the nearest such line before any later entry).
    candidates = [
        n for n, line in enumerate((faq_dir / TOPICS).read_text().splitlines(), 1) if needle in line
    ]
    assert problem.line in candidates, (str(problem), candidates)


def test_catalogue_problems_name_file_and_line(faq_dir: Path) -> None:
    _edit(faq_dir, "sources.yaml", "url: https://example.org/funding", "url: example.org")
    _edit(faq_dir, "sources.yaml", "  T-NEWS:", "  t-news:")
    problems = _problems(faq_dir)
    by_message = {p.message.split(";")[0]: p for p in problems if p.file.endswith("sources.yaml")}
    bad_url = by_message['url "example.org" of source "T2" is not a web address']
    assert bad_url.line == _line_of(faq_dir, "sources.yaml", "url: example.org")
    bad_id = by_message['source id "t-news" is not valid']
    assert bad_id.line == _line_of(faq_dir, "sources.yaml", "t-news:")


def test_a_folder_without_a_catalogue_is_one_problem(faq_dir: Path) -> None:
    (faq_dir / "sources.yaml").unlink()
    problems = _problems(faq_dir)
    assert [p.message for p in problems if "catalogue" in p.message] == [
        'no file defines the sources catalogue; add sources.yaml with "sources:" (id: title '
        "and url) for the ids the entries list"
    ]


def test_sources_become_links_once_sources_first() -> None:
    kb = load_knowledge_base(VALID)
    costs = kb.entry("costs-covered")
    assert costs.sources == ("T2",)
    assert [link.url for link in costs.links_for(None)] == [
        "https://example.org/funding",
        "https://example.org/travel",
    ]
    opening = kb.entry("call-opening")
    assert [(link.title, link.url) for link in opening.links_for(None)] == [
        ("Programme page", "https://example.org/programme"),
        ("A news item with no address", None),
    ]
    countries = kb.entry("eligible-countries")
    assert countries.answer_for("closed").startswith("The {call_name} is closed")
    assert countries.answer_for("opens_soon") == countries.answer
    assert [link.url for link in countries.links_for("open")] == ["https://example.org/funding"]
    assert [link.url for link in countries.links_for("closed")] == ["https://example.org/programme"]
    assert kb.entry("greeting").about == "bot" and kb.entry("greeting").sources == ()


def test_while_a_file_is_unreadable_only_its_syntax_error_is_a_problem(faq_dir: Path) -> None:
    # A second file whose entry names an entry of topics.yaml, which is then broken.
    (faq_dir / "more.yaml").write_text(
        "entries:\n"
        "  - id: more\n"
        "    question: Is there more to know?\n"
        "    alternatives: [what else, anything else, more please, tell me more, other facts]\n"
        "    answer: More.\n"
        "    tags: [Dates]\n"
        "    sources: [T1]\n"
        "    related: [deadline, deadlin]\n",
        encoding="utf-8",
    )
    _edit(faq_dir, TOPICS, "    tags: [Dates]\n", "    tags: [Dates\n")
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(faq_dir)
    problems = caught.value.problems
    assert [(p.file.rsplit("/", 1)[-1], p.line) for p in problems] == [(TOPICS, 13)], problems
    assert "not closed before line 14" in problems[0].message
    (note,) = caught.value.notes
    assert note.startswith('2 "related" id(s) were not checked') and TOPICS in note
    assert "those checks run once every file reads" in str(caught.value)


UNCLOSED = [
    pytest.param(
        "      - last day: [to submit",
        "the '[' opened on this line is not closed before line 11, where the parser gave up "
        "(found character '|' that cannot start any token); close it with ']', or put the "
        "whole value in quotes if the '[' is meant as text",
        id="flow-sequence",
    ),
    pytest.param(
        "      - last day: {to submit",
        "the '{' opened on this line is not closed before line 11, where the parser gave up "
        "(found character '|' that cannot start any token); close it with '}', or put the "
        "whole value in quotes if the '{' is meant as text",
        id="flow-mapping",
    ),
    pytest.param(
        '      - "last day to submit the application',
        "the '\"' opened on this line is never closed (the parser read on to the end of the "
        "file); close it with '\"' at the end of the text, or remove it",
        id="unclosed-quote",
    ),
]


@pytest.mark.parametrize(("broken", "message"), UNCLOSED)
def test_an_unclosed_bracket_or_quote_is_reported_where_it_was_opened(
    faq_dir: Path, broken: str, message: str
) -> None:
    # The parser reads on past line 8 and stops lines later (at "answer: |" or the file's end);
    # the admin is sent to line 8, where the bracket or quote was opened.
    _edit(faq_dir, TOPICS, "      - last day to submit the application", broken)
    (problem,) = _problems(faq_dir)
    assert (problem.file.rsplit("/", 1)[-1], problem.line) == (TOPICS, 8), str(problem)
    assert problem.message == f"YAML syntax error: {message}"


def test_a_bracket_closed_on_its_own_line_keeps_the_line_the_parser_stopped_at(
    faq_dir: Path,
) -> None:
    _edit(faq_dir, TOPICS, "      - last day to submit the application", "      - [last, |day]")
    (problem,) = _problems(faq_dir)
    assert problem.line == 8 and "not closed" not in problem.message, str(problem)
    assert "found character '|' that cannot start any token" in problem.message


def test_once_every_file_reads_an_unknown_related_id_is_a_problem_again(faq_dir: Path) -> None:
    _edit(faq_dir, TOPICS, "related: [deadline]", "related: [deadlin]")
    with pytest.raises(FaqValidationError) as caught:
        load_knowledge_base(faq_dir)
    assert caught.value.notes == ()
    assert any("not an entry id" in p.message for p in caught.value.problems)


NOTE = "  deadline: null\n"


@pytest.mark.parametrize(
    ("days", "line", "message"),
    [
        (
            "  deadline_note_days: [2024-05-31, 31 May]\n",
            6,
            'item 2 of "deadline_note_days" in the "call" section is "31 May", not a day; write '
            "it as YYYY-MM-DD between 2020 and 2100 (e.g. 2024-05-31)",
        ),
        (
            "  deadline_note_days:\n    - 2024-05-31\n    - 1999-06-07\n",
            8,
            'item 2 of "deadline_note_days" in the "call" section is "1999-06-07", not a day',
        ),
        (
            "  deadline_note_days: 2024-05-31\n",
            6,
            '"deadline_note_days" in the "call" section must list the days the note is true of',
        ),
        (
            "  deadline_note_days: []\n",
            6,
            '"deadline_note_days" in the "call" section must list the days the note is true of',
        ),
    ],
    ids=["not-a-day", "out-of-range", "not-a-list", "empty"],
)
def test_a_bad_deadline_note_day_is_one_sentence_with_file_and_line(
    faq_dir: Path, days: str, line: int, message: str
) -> None:
    _edit(faq_dir, "call.yaml", NOTE, NOTE + "  deadline_note: sources differed\n" + days)
    (problem,) = [p for p in _problems(faq_dir) if "deadline_note_days" in p.message]
    assert problem.file.endswith("call.yaml") and problem.line == line, str(problem)
    assert message in problem.message


def test_deadline_note_days_are_read_and_absent_means_any_deadline(faq_dir: Path) -> None:
    assert load_knowledge_base(faq_dir).call.deadline_note_days is None
    _edit(faq_dir, "call.yaml", NOTE, NOTE + "  deadline_note_days: [2024-06-07, '2024-05-31']\n")
    days = load_knowledge_base(faq_dir).call.deadline_note_days
    assert days == (date(2024, 6, 7), date(2024, 5, 31))


def test_the_shipped_call_notes_only_the_two_published_deadlines() -> None:
    shipped = Path(__file__).resolve().parent.parent / "faq" / "data"
    call = load_knowledge_base(shipped).call
    assert call.deadline_note_days == (date(2024, 5, 31), date(2024, 6, 7))
