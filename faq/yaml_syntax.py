"""Explain a YAML syntax error at the line to fix, which is not always where the parser stopped."""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, StreamMark, YAMLError
from ruamel.yaml.scanner import ScannerError
from ruamel.yaml.tokens import (
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
)

_CLOSERS = {"[": "]", "{": "}", '"': '"', "'": "'"}


def describe_syntax_error(error: MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line to fix and one sentence saying what is wrong there and what to do."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = (error.problem or error.context or "invalid YAML").strip()
    opener = _unclosed_opener(error, text)
    if opener is not None and opener.line + 1 < line:
        # An unclosed bracket or quote makes the parser read on until something cannot belong
        # to it, often many lines later; the admin has to fix the line where it was opened.
        char = _char_at(text, opener)
        close = _CLOSERS[char]
        fix = (
            f"close it with {close!r} at the end of the text, or remove it"
            if char in "\"'"
            else f"close it with {close!r}, or put the whole value in quotes if the {char!r} "
            "is meant as text"
        )
        where = (
            "is never closed (the parser read on to the end of the file)"
            if "end of stream" in what
            else f"is not closed before line {line}, where the parser gave up ({what})"
        )
        message = f"YAML syntax error: the {char!r} opened on this line {where}; {fix}"
        return opener.line + 1, message
    started = error.context_mark.line + 1 if error.context_mark is not None else line
    if error.problem and error.context and started < line:
        return line, (
            f"YAML syntax error: {what}, {error.context.strip()} that starts at line {started}; "
            f"check the brackets, quotes, colons and indentation from line {started} to this line"
        )
    return line, (
        f"YAML syntax error: {what}; check the indentation, colons and quotes near this line"
    )


def _char_at(text: str, mark: StreamMark) -> str:
    lines = text.splitlines()
    row = lines[mark.line] if mark.line < len(lines) else ""
    return row[mark.column] if mark.column < len(row) else ""


def _unclosed_opener(error: MarkedYAMLError, text: str) -> StreamMark | None:
    """Where the bracket or quote the parser was still inside when it failed was opened."""
    if error.context_mark is not None and _char_at(text, error.context_mark) in _CLOSERS:
        return error.context_mark
    if not isinstance(error, ScannerError):
        return None
    # The scanner fails on a character that cannot start a token inside a flow collection
    # without saying where that collection began, so the tokens before the failure are replayed.
    open_marks: list[StreamMark] = []
    try:
        for token in YAML(typ="rt").scan(text):
            if isinstance(token, (FlowSequenceStartToken, FlowMappingStartToken)):
                open_marks.append(token.start_mark)
            elif isinstance(token, (FlowSequenceEndToken, FlowMappingEndToken)) and open_marks:
                open_marks.pop()
    except YAMLError:
        return open_marks[-1] if open_marks else None
    return None
