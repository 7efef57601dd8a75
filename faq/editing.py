"""Admin edits of the FAQ files: add a phrasing to an entry, keeping every other byte as it was."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from faq.loader import FaqValidationError, Problem, load_knowledge_base
from faq.matcher import DEFAULT_THRESHOLDS, MatchThresholds, match_question
from faq.model import KnowledgeBase
from faq.normalize import simplify_text
from faq.selftest import Competing, Misrouted, self_test

MAX_PHRASING_CHARS = 200
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][^\n]*")
# Characters that would make a plain scalar mean something else (a comment, a mapping, a flow).
_PLAIN_UNSAFE = re.compile(r": |:$| #|[\[\]{},]|\t")


@dataclass(frozen=True)
class PhrasingAdded:
    """The phrasing is in the entry's file and the folder is valid; how the matcher now reads it."""

    entry_id: str
    phrasing: str
    file: str
    line: int
    knowledge: KnowledgeBase
    # What the matcher does with the new phrasing on the edited FAQ, and the entry it answers.
    decision: str
    answered_by: str | None
    # Another entry the phrasing lands on or competes with; None when it is clearly its own.
    competing_entry: str | None
    # Self-test findings that involve the edited entry (each names file, line and the fix).
    self_test_problems: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """True when the phrasing is answered by its own entry with no close rival."""
        answered = self.decision == "answer" and self.answered_by == self.entry_id
        return answered and self.competing_entry is None and not self.self_test_problems


@dataclass(frozen=True)
class EditRefused:
    """Nothing was written: `reason` is one sentence saying what is wrong and what to do."""

    reason: str
    kind: Literal["unknown_entry", "empty", "too_long", "duplicate", "invalid", "io"]


EditResult = PhrasingAdded | EditRefused


def clean_phrasing(text: str) -> str:
    """The phrasing as it would be stored: one line, single spaces, no outer spaces."""
    return " ".join(text.split())


def add_phrasing(
    folder: Path,
    entry_id: str,
    phrasing: str,
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
) -> EditResult:
    """Add `phrasing` to the entry's alternatives in its YAML file, if the FAQ stays valid."""
    folder = Path(folder)
    phrasing = clean_phrasing(phrasing)
    if not phrasing:
        return EditRefused("The phrasing is empty; give the words people asked with.", "empty")
    if len(phrasing) > MAX_PHRASING_CHARS:
        return EditRefused(
            f"The phrasing is {len(phrasing)} characters, over the {MAX_PHRASING_CHARS} a "
            "phrasing may have; add a shorter version by hand.",
            "too_long",
        )
    with _folder_lock(folder):
        return _add_locked(folder, entry_id, phrasing, thresholds)


def _add_locked(
    folder: Path, entry_id: str, phrasing: str, thresholds: MatchThresholds
) -> EditResult:
    located = _find_entry(folder, entry_id)
    if isinstance(located, EditRefused):
        return located
    path, text, alternatives = located
    duplicate = _existing_phrasing(folder, phrasing)
    if duplicate is not None:
        return EditRefused(
            f'"{phrasing}" is already a phrasing of entry "{duplicate}"; nothing was changed.',
            "duplicate",
        )
    edited, line = _spliced(text, alternatives, phrasing)
    if not _is_exactly_one_more(text, edited, entry_id, phrasing):
        return EditRefused(
            f"{path.name} is laid out in a way this edit cannot follow safely; add the "
            "phrasing by hand.",
            "invalid",
        )
    try:
        knowledge = _validated(folder, path.name, edited)
    except FaqValidationError as error:
        first = error.problems[0]
        return EditRefused(
            f"The FAQ would not be valid with this phrasing ({first}); nothing was changed.",
            "invalid",
        )
    try:
        _write_atomically(path, edited)
    except OSError as error:
        return EditRefused(
            f"{path.name} could not be written ({error.strerror}); check the FAQ folder's "
            "permissions and try again.",
            "io",
        )
    return _checked(knowledge, entry_id, phrasing, path.name, line, thresholds)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder, so concurrent edits (threads or processes) queue."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _find_entry(folder: Path, entry_id: str) -> tuple[Path, str, SequenceNode] | EditRefused:
    """The file holding the entry, its text and the node of its alternatives."""
    unknown = EditRefused(
        f'The FAQ has no entry "{entry_id}" (it may have been renamed); send /unanswered again.',
        "unknown_entry",
    )
    mention = re.compile(r"\bid:\s*['\"]?" + re.escape(entry_id) + r"['\"]?\s*(?:#.*)?$", re.M)
    for path in _yaml_files(folder):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not mention.search(text):
            continue  # composing every file is slow; only those naming the id are read as YAML
        try:
            root = YAML(typ="rt").compose(text)
        except (YAMLError, ValueError):
            continue
        node = _entry_node(root, entry_id)
        if node is None:
            continue
        alternatives = _value(node, "alternatives")
        if not isinstance(alternatives, SequenceNode) or not alternatives.value:
            return EditRefused(
                f'Entry "{entry_id}" in {path.name} has no list of alternatives to add to; fix '
                "the file first.",
                "invalid",
            )
        return path, text, alternatives
    return unknown


def _value(mapping: Node, key: str) -> Node | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return None


def _entry_node(root: Node | None, entry_id: str) -> MappingNode | None:
    entries = _value(root, "entries") if root is not None else None
    if not isinstance(entries, SequenceNode):
        return None
    for node in entries.value:
        found = _value(node, "id")
        if isinstance(found, ScalarNode) and found.value.strip() == entry_id:
            assert isinstance(node, MappingNode)  # _value found a key in it
            return node
    return None


def _existing_phrasing(folder: Path, phrasing: str) -> str | None:
    """The entry already holding this phrasing (ignoring case, spaces and punctuation)."""
    wanted = simplify_text(phrasing)
    for path in _yaml_files(folder):
        try:
            document = YAML(typ="safe").load(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError, ValueError):
            continue  # an unreadable file fails validation later, with its line
        entries = document.get("entries") if isinstance(document, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            listed = entry.get("alternatives")
            texts = [entry.get("question"), *(listed if isinstance(listed, list) else [])]
            if any(isinstance(t, str) and simplify_text(t) == wanted for t in texts):
                return str(entry.get("id"))
    return None


def _scalar(phrasing: str, like: ScalarNode) -> str:
    """The phrasing as a YAML scalar: plain when that reads back the same, else quoted."""
    if like.style == "'" and "\\" not in phrasing:
        return "'" + phrasing.replace("'", "''") + "'"
    if like.style != '"' and _PLAIN_SAFE.fullmatch(phrasing) and not _PLAIN_UNSAFE.search(phrasing):
        try:
            if YAML(typ="safe").load(f"- {phrasing}\n") == [phrasing]:
                return phrasing
        except (YAMLError, ValueError):
            pass
    # JSON's double-quoted strings are valid YAML double-quoted scalars.
    return json.dumps(phrasing, ensure_ascii=False)


def _spliced(text: str, alternatives: SequenceNode, phrasing: str) -> tuple[str, int]:
    """The text with the phrasing after the last alternative, and the 1-based line it is on."""
    last = alternatives.value[-1]
    scalar = _scalar(phrasing, last) if isinstance(last, ScalarNode) else json.dumps(phrasing)
    if alternatives.flow_style:
        # "[a, b]": the new item goes just before the closing bracket.
        close = text.rindex("]", 0, alternatives.end_mark.index)
        before = text[:close].rstrip(" ")
        return before + f", {scalar}" + text[close:], alternatives.end_mark.line + 1
    newline = "\r\n" if "\r\n" in text else "\n"
    end = last.end_mark
    if end.column == 0 and end.index > 0 and text[end.index - 1] == "\n":
        insert_at = end.index  # a block scalar ends at the start of the next line
    else:
        found = text.find("\n", end.index)
        insert_at = len(text) if found == -1 else found + 1
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = text[line_start : last.start_mark.index]
    if not re.fullmatch(r" *- +", prefix):
        prefix = " " * max(alternatives.start_mark.column, 0) + "- "
    head = text[:insert_at]
    if head and not head.endswith("\n"):
        head += newline
    line = head.count("\n") + 1
    return head + prefix + scalar + newline + text[insert_at:], line


def _is_exactly_one_more(before: str, after: str, entry_id: str, phrasing: str) -> bool:
    """True when the edited file reads as the old one with just this alternative appended."""
    try:
        old = YAML(typ="safe").load(before)
        new = YAML(typ="safe").load(after)
    except (YAMLError, ValueError):
        return False
    expected: Any = deepcopy(old)
    entries = expected.get("entries") if isinstance(expected, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and str(entry.get("id", "")).strip() == entry_id:
            entry["alternatives"].append(phrasing)
            break
    else:
        return False
    return bool(new == expected)


def _validated(folder: Path, file_name: str, edited: str) -> KnowledgeBase:
    """Load a copy of the folder with the edited file in place; FaqValidationError if invalid."""
    with tempfile.TemporaryDirectory(prefix="faq-edit-") as scratch:
        copy = Path(scratch)
        for path in folder.iterdir():
            if path.is_file() and path.suffix in (".yaml", ".yml"):
                shutil.copy2(path, copy / path.name)
        (copy / file_name).write_bytes(edited.encode("utf-8"))
        try:
            return load_knowledge_base(copy)
        except FaqValidationError as error:
            # Problems name the scratch copy; admins know the file by its own name.
            raise FaqValidationError(
                [Problem(_shown(p.file, copy), p.line, p.message) for p in error.problems]
            ) from None


def _shown(file: str, copy: Path) -> str:
    return Path(file).name if file.startswith(str(copy)) else file


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file in one rename, so a reader or a crash never sees half of it."""
    mode = path.stat().st_mode
    # ".tmp", not ".yaml": the folder watch and the loader must never see a half-written copy.
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    with suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself survives a power cut
        finally:
            os.close(folder)


def _checked(
    knowledge: KnowledgeBase,
    entry_id: str,
    phrasing: str,
    file_name: str,
    line: int,
    thresholds: MatchThresholds,
) -> PhrasingAdded:
    """Ask the new phrasing and run the self-test on the edited FAQ; name any rival entry."""
    result = match_question(phrasing, knowledge, thresholds)
    competing: str | None = None
    if result.decision == "answer" and result.entry_id != entry_id:
        competing = result.entry_id
    elif result.decision != "answer":
        others = [cid for cid, _ in result.candidates if cid != entry_id]
        competing = others[0] if others else None
    report = self_test(knowledge, thresholds)
    problems: list[str] = []
    findings: list[Misrouted | Competing] = [*report.misrouted, *report.competing]
    for finding in findings:
        if _involves(finding, entry_id):
            problems.append(str(finding))
            if competing is None and finding.phrasing == phrasing:
                competing = _rival_of(finding, entry_id)
    return PhrasingAdded(
        entry_id=entry_id,
        phrasing=phrasing,
        file=file_name,
        line=line,
        knowledge=knowledge,
        decision=result.decision,
        answered_by=result.entry_id,
        competing_entry=competing,
        self_test_problems=tuple(problems),
    )


def _involves(finding: Misrouted | Competing, entry_id: str) -> bool:
    if isinstance(finding, Misrouted):
        return entry_id in (finding.entry_id, finding.got_id)
    return entry_id in (finding.entry_id, finding.other_id)


def _rival_of(finding: Misrouted | Competing, entry_id: str) -> str | None:
    if isinstance(finding, Misrouted):
        return finding.got_id if finding.got_id != entry_id else None
    return finding.other_id if finding.other_id != entry_id else finding.entry_id
