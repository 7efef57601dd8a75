"""Load the FAQ folder into a KnowledgeBase, reporting every problem with its file and line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from rapidfuzz import process
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from faq.countries import is_country_code
from faq.eligibility import (
    DEFAULT_CLIMATE_NEUTRAL_BY,
    DEFAULT_EXCLUDED,
    CityStatus,
    CountryGroup,
    EligibilityRules,
)
from faq.matcher import build_index
from faq.message_parts import MAX_MESSAGE_CHARS
from faq.model import (
    ABOUT_KINDS,
    ABOUT_PROGRAMME,
    ANSWER_KEYS,
    OFFER_KINDS,
    OTHER_CALL,
    PHASE_EARLIEST_DAY,
    CallSettings,
    DatedVariant,
    Entry,
    KnowledgeBase,
    Link,
    Source,
    SourceLocation,
)
from faq.normalize import simplify_text
from faq.placeholders import (
    LONGEST_DATE,
    LONGEST_DEADLINE_NOTE,
    LONGEST_STATUS,
    PLACEHOLDERS,
    placeholder_names,
    render_with_values,
)
from faq.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_length
from faq.yaml_syntax import describe_syntax_error

ENTRY_KEYS = (
    "id",
    "question",
    "alternatives",
    "answer",
    "by_phase",
    "by_date",
    "tags",
    "sources",
    "about",
    "links",
    "related",
    "browse",
    "offer",
)
REQUIRED_ENTRY_KEYS = ("id", "question", "alternatives", "answer", "tags", "sources")
LINK_KEYS = ("title", "url")
SOURCE_KEYS = ("title", "url", "published")
SOURCE_ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
SOURCES_FILE = "sources.yaml"
CALL_KEYS = (
    "name",
    "opens",
    "deadline",
    "url",
    "deadline_note",
    "deadline_note_days",
    "facts_call_days",
)
MAX_DEADLINE_NOTE_CHARS = 160
# A `from:` or `published:` day outside these years is a typo, not a fact of this programme.
EARLIEST_DAY = date(2020, 1, 1)
LATEST_DAY = date(2100, 12, 31)
ELIGIBILITY_KEYS = (
    "checked_on",
    "sources",
    "countries",
    "excluded_statuses",
    "climate_neutral_by",
)
REQUIRED_ELIGIBILITY_KEYS = ("checked_on", "sources", "countries")
COUNTRY_GROUP_KEYS = tuple(group.value for group in CountryGroup)
REQUIRED_COUNTRY_GROUPS = (CountryGroup.EU.value, CountryGroup.ASSOCIATED.value)
EXCLUDABLE_STATUSES = tuple(s.value for s in CityStatus if s is not CityStatus.NONE)
TOP_LEVEL_KEYS = ("entries", "call", "eligibility", "sources")
_Section = TypeVar("_Section")
DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_CHARS = 40
MIN_ALTERNATIVES = 5
MAX_TAGS = 3
MAX_TAG_CHARS = 24
MAX_RELATED = 3
MAX_CALLBACK_BYTES = 64
ENTRY_CALLBACK_PREFIX = "faq:"
TAG_CALLBACK_PREFIX = "faqtag:"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the FAQ folder, with where it is."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FaqValidationError(Exception):
    """The FAQ folder is invalid; `problems` lists every problem found, `notes` what was not
    checked because of them."""

    def __init__(self, problems: list[Problem], notes: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join([*(str(problem) for problem in problems), *notes]))
        self.problems = problems
        self.notes = notes


def directory_fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, modification times and sizes of the folder's YAML files (cheap change check)."""
    try:
        files = sorted(directory.glob("*.yaml"))
    except OSError:
        return ()
    fingerprint = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        fingerprint.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(fingerprint)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _did_you_mean(key: str, allowed: tuple[str, ...]) -> str:
    best = process.extractOne(key, allowed, score_cutoff=70)
    return f'; did you mean "{best[0]}"?' if best else f"; allowed keys: {', '.join(allowed)}"


def _line(node: Any, key: Any = None, *, value: bool = False) -> int:
    """1-based line of a mapping key (or its value), list item, or the node itself."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(node, CommentedSeq):
            return int(lc.item(key)[0]) + 1
        position = lc.value(key) if value else lc.key(key)
        return int(position[0]) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return int(lc.line) + 1


@dataclass
class _RawEntry:
    entry: Entry
    file: str
    line: int
    node: Any
    related_lines: tuple[int, ...]
    phrasing_lines: tuple[int, ...]
    answer_line: int
    source_lines: tuple[int, ...] = ()
    variant_lines: tuple[tuple[str, int], ...] = ()
    phase_source_lines: tuple[tuple[str, tuple[int, ...]], ...] = ()
    dated_lines: tuple[tuple[int, tuple[int, ...]], ...] = ()  # answer line, source lines


@dataclass(frozen=True)
class _EntryName:
    """An entry's id where it is written, whether or not the rest of the entry is valid."""

    id: str
    file: str
    line: int


def _entry_name(node: Any, file: str) -> _EntryName | None:
    raw_id = node.get("id") if isinstance(node, dict) else None
    if not isinstance(raw_id, str) or not raw_id.strip():
        return None
    return _EntryName(raw_id.strip(), file, _line(node, "id", value=True))


@dataclass(frozen=True)
class _Variant:
    phase: str
    text: str
    line: int
    sources: tuple[tuple[str, int], ...] = ()  # empty: the entry's own sources apply
    starts: date | None = None  # from this day on only (a date variant)
    phase_key: str | None = None  # None: a date variant of the default answer


class _Collector:
    """Accumulates problems for one run of the loader."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))


def _read_yaml(path: Path, file: str, problems: _Collector) -> Any:
    yaml = YAML(typ="rt")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(file, 1, "the file is not UTF-8 text; save it as UTF-8")
        return None
    except OSError as error:
        problems.add(file, 1, f"the file cannot be read ({error.strerror}); check its permissions")
        return None
    try:
        return yaml.load(text)
    except MarkedYAMLError as error:
        problems.add(file, *describe_syntax_error(error, text))
    except YAMLError as error:
        problems.add(file, 1, f"YAML syntax error: {error}; check the file's structure")
    except ValueError as error:
        # ruamel builds dates while parsing: an impossible one (2024-13-40) raises ValueError.
        problems.add(
            file,
            _impossible_date_line(text),
            f"an impossible date ({error}); write dates as YYYY-MM-DD, e.g. 2024-04-08",
        )
    return None


def _impossible_date_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        for found in DATE_LIKE.finditer(line.split("#")[0]):
            try:
                date(*(int(part) for part in found.groups()))
            except ValueError:
                return number
    return 1


def _text_field(node: Any, key: str, where: str, file: str, problems: _Collector) -> str | None:
    value = node.get(key)
    line = _line(node, key, value=True)
    if value is None:
        problems.add(file, line, f'"{key}" {where} is empty; write the text after "{key}:"')
        return None
    if not isinstance(value, str):
        problems.add(
            file, line, f'"{key}" {where} must be text, not {_kind(value)}; put it in quotes'
        )
        return None
    if not value.strip():
        problems.add(file, line, f'"{key}" {where} is empty; write the text after "{key}:"')
        return None
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _text_list(
    node: Any, key: str, where: str, file: str, problems: _Collector
) -> list[tuple[str, int]] | None:
    value = node.get(key)
    line = _line(node, key, value=True)
    if value is None:
        problems.add(file, line, f'"{key}" {where} is empty; list the items under "{key}:"')
        return None
    if not isinstance(value, list):
        problems.add(
            file,
            line,
            f'"{key}" {where} must be a list ("- item" lines or [a, b]), not {_kind(value)}',
        )
        return None
    items: list[tuple[str, int]] = []
    for position, item in enumerate(value):
        item_line = _line(value, position)
        if not isinstance(item, str):
            problems.add(
                file,
                item_line,
                f'item {position + 1} of "{key}" {where} must be text, not {_kind(item)}; '
                "put it in quotes",
            )
        elif not item.strip():
            problems.add(file, item_line, f'item {position + 1} of "{key}" {where} is empty')
        else:
            items.append((item.strip(), item_line))
    return items


def _check_keys(
    node: Any, allowed: tuple[str, ...], where: str, file: str, problems: _Collector
) -> None:
    for key in node:
        if key not in allowed:
            problems.add(
                file,
                _line(node, key),
                f'unknown key "{key}" {where}{_did_you_mean(str(key), allowed)}',
            )


def _parse_links(node: Any, where: str, file: str, problems: _Collector) -> tuple[Link, ...]:
    value = node.get("links")
    if "links" not in node or value is None:
        return ()
    if not isinstance(value, list):
        problems.add(
            file,
            _line(node, "links", value=True),
            f'"links" {where} must be a list of title/url pairs, not {_kind(value)}',
        )
        return ()
    links: list[Link] = []
    for position, item in enumerate(value):
        item_line = _line(value, position)
        label = f"link {position + 1} {where}"
        if not isinstance(item, dict):
            problems.add(file, item_line, f"{label} must have a title and a url, not {_kind(item)}")
            continue
        _check_keys(item, LINK_KEYS, f"in {label}", file, problems)
        title = _text_field(item, "title", f"of {label}", file, problems)
        url = _text_field(item, "url", f"of {label}", file, problems)
        if url is not None:
            parts = urlsplit(url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in url.strip():
                problems.add(
                    file,
                    _line(item, "url", value=True),
                    f'url "{url}" of {label} is not a web address; start it with https://',
                )
                url = None
        if title is not None and url is not None:
            links.append(Link(title.strip(), url.strip()))
    return tuple(links)


def _parse_entry(
    node: Any, position: int, entries_node: Any, file: str, problems: _Collector
) -> _RawEntry | None:
    line = _line(entries_node, position)
    if not isinstance(node, dict):
        problems.add(
            file,
            line,
            f"entry {position + 1} must be a mapping of id, question, alternatives, answer..., "
            f"not {_kind(node)}",
        )
        return None
    raw_id = node.get("id")
    name = f'"{raw_id}"' if isinstance(raw_id, str) and raw_id else f"number {position + 1}"
    where = f"in entry {name}"
    _check_keys(node, ENTRY_KEYS, where, file, problems)
    for key in REQUIRED_ENTRY_KEYS:
        if key not in node:
            hint = (
                " with the ids of the sources its facts stand on (e.g. [N1, N6]), or "
                '"sources: []" and "about: bot" if it states no programme fact'
                if key == "sources"
                else ""
            )
            problems.add(file, line, f'entry {name} has no "{key}"; add "{key}:"{hint}')
    problems_before = len(problems.problems)
    entry_id = _text_field(node, "id", where, file, problems) if "id" in node else None
    if entry_id is not None:
        entry_id = entry_id.strip()
        id_line = _line(node, "id", value=True)
        if len(entry_id) > MAX_ID_CHARS or not ID_PATTERN.match(entry_id):
            problems.add(
                file,
                id_line,
                f'id "{entry_id}" is not valid; use up to {MAX_ID_CHARS} lowercase letters, '
                "digits and single hyphens, e.g. costs-covered",
            )
        elif len((ENTRY_CALLBACK_PREFIX + entry_id).encode()) > MAX_CALLBACK_BYTES:
            problems.add(file, id_line, f'id "{entry_id}" is too long for a Telegram button')
    question = _text_field(node, "question", where, file, problems) if "question" in node else None
    alternatives = (
        _text_list(node, "alternatives", where, file, problems) if "alternatives" in node else None
    )
    if alternatives is not None and len(alternatives) < MIN_ALTERNATIVES:
        problems.add(
            file,
            _line(node, "alternatives"),
            f"entry {name} has {len(alternatives)} alternatives; write at least "
            f"{MIN_ALTERNATIVES} other ways people ask it, including very short ones",
        )
    answer = _text_field(node, "answer", where, file, problems) if "answer" in node else None
    tags = _parse_tags(node, where, file, problems) if "tags" in node else None
    links = _parse_links(node, where, file, problems)
    related = _parse_related(node, where, file, problems)
    browse = _parse_browse(node, where, file, problems)
    offer = _parse_offer(node, where, file, problems)
    sources = _parse_source_ids(node, where, file, problems) if "sources" in node else None
    about = _parse_about(node, where, file, problems)
    if sources == [] and about == ABOUT_PROGRAMME:
        problems.add(
            file,
            _line(node, "sources"),
            f'"sources" {where} is empty; list the ids of the sources its facts stand on '
            '(e.g. [N1, N6]), or if it states no programme fact write "about: bot" or '
            '"about: small-talk"',
        )
    variants = _parse_by_phase(node, where, about, file, problems)
    variants += _parse_by_date(node, where, about, file, problems)
    undated = [v for v in variants if v.starts is None]
    dated = [v for v in variants if v.starts is not None]
    if len(problems.problems) > problems_before or None in (entry_id, question, answer):
        return None
    if alternatives is None or tags is None or related is None or sources is None:
        return None
    assert entry_id is not None and question is not None and answer is not None
    entry = Entry(
        id=entry_id,
        question=question.strip(),
        alternatives=tuple(text for text, _ in alternatives),
        answer=answer.strip("\n"),
        tags=tuple(tags),
        links=links,
        related=tuple(rid for rid, _ in related),
        location=SourceLocation(file, line),
        browse=browse,
        offer=offer,
        sources=tuple(source_id for source_id, _ in sources),
        about=about,
        by_phase=tuple((v.phase, v.text.strip("\n")) for v in undated),
        phase_sources=tuple(
            (v.phase, tuple(sid for sid, _ in v.sources)) for v in undated if v.sources
        ),
        dated=tuple(
            DatedVariant(
                v.phase_key,
                v.starts,
                v.text.strip("\n"),
                tuple(sid for sid, _ in v.sources),
            )
            for v in dated
            if v.starts is not None
        ),
    )
    return _RawEntry(
        entry=entry,
        file=file,
        line=line,
        node=node,
        related_lines=tuple(rline for _, rline in related),
        phrasing_lines=(
            _line(node, "question", value=True),
            *(aline for _, aline in alternatives),
        ),
        answer_line=_line(node, "answer", value=True),
        source_lines=tuple(source_line for _, source_line in sources),
        variant_lines=tuple((v.phase, v.line) for v in undated),
        phase_source_lines=tuple(
            (v.phase, tuple(sline for _, sline in v.sources)) for v in undated if v.sources
        ),
        dated_lines=tuple((v.line, tuple(sline for _, sline in v.sources)) for v in dated),
    )


def _parse_source_ids(
    node: Any, where: str, file: str, problems: _Collector
) -> list[tuple[str, int]] | None:
    if node.get("sources") is None:
        problems.add(
            file,
            _line(node, "sources", value=True),
            f'"sources" {where} is empty; write a list of source ids such as [N1, N6], '
            'or [] with "about: bot" for an entry that states no programme fact',
        )
        return None
    items = _text_list(node, "sources", where, file, problems)
    if items is None:
        return None
    seen: set[str] = set()
    for source_id, source_line in items:
        if source_id in seen:
            problems.add(
                file, source_line, f'"sources" {where} lists "{source_id}" twice; keep one'
            )
        seen.add(source_id)
    return items


def _parse_about(node: Any, where: str, file: str, problems: _Collector) -> str:
    value = node.get("about", ABOUT_PROGRAMME)
    if isinstance(value, str) and value.strip() in ABOUT_KINDS:
        return value.strip()
    problems.add(
        file,
        _line(node, "about", value=True),
        f'"about" {where} is "{value}"; write one of {", ".join(ABOUT_KINDS)} '
        '("programme", the default, needs sources)',
    )
    return ABOUT_PROGRAMME


VARIANT_KEYS = ("answer", "sources", "from")


def _parse_by_phase(
    node: Any, where: str, about: str, file: str, problems: _Collector
) -> list[_Variant]:
    if "by_phase" not in node:
        return []
    value = node.get("by_phase")
    line = _line(node, "by_phase", value=True)
    phases = ", ".join(ANSWER_KEYS)
    if not isinstance(value, dict) or not value:
        found = "empty" if not value else _kind(value)
        problems.add(
            file,
            line,
            f'"by_phase" {where} must map phases ({phases}) to answers, not {found}; '
            'remove "by_phase" if the answer is the same in every phase',
        )
        return []
    variants: list[_Variant] = []
    for key in value:
        key_line = _line(value, key)
        if key not in ANSWER_KEYS:
            best = process.extractOne(str(key), ANSWER_KEYS, score_cutoff=60)
            hint = f'; did you mean "{best[0]}"?' if best else ""
            problems.add(
                file,
                key_line,
                f'"{key}" in "by_phase" {where} is not a phase; use {phases}{hint}',
            )
            continue
        if isinstance(value[key], list):
            variants += _parse_variant_list(value, str(key), where, about, file, problems)
            continue
        variant = _parse_variant(value, str(key), where, about, file, problems)
        if variant is not None:
            variants.append(variant)
    return variants


def _parse_variant_list(
    value: Any, key: str, where: str, about: str, file: str, problems: _Collector
) -> list[_Variant]:
    """A phase's answers as a list: at most one without "from:", the others each from a day."""
    items = value[key]
    variants: list[_Variant] = []
    for position in range(len(items)):
        variant = _parse_variant(items, position, where, about, file, problems, phase=key)
        if variant is not None:
            variants.append(variant)
    _check_gates(variants, f'"by_phase: {key}" {where}', file, problems)
    if key == OTHER_CALL and variants and all(v.starts is not None for v in variants):
        problems.add(
            file,
            _line(value, key),
            f'"by_phase: {OTHER_CALL}" {where} has no answer without "from:"; add one, shown '
            "before its first day (the call's other dates may be set on any day)",
        )
    return variants


def _parse_by_date(
    node: Any, where: str, about: str, file: str, problems: _Collector
) -> list[_Variant]:
    """The default answer's date variants: a list of answers, each with its "from:" day."""
    if "by_date" not in node:
        return []
    items = node.get("by_date")
    if not isinstance(items, list) or not items:
        problems.add(
            file,
            _line(node, "by_date", value=True),
            f'"by_date" {where} must be a list of answers, each with "from: YYYY-MM-DD" and '
            '"answer:"; remove "by_date" if the answer does not change with the date',
        )
        return []
    variants: list[_Variant] = []
    for position in range(len(items)):
        variant = _parse_variant(items, position, where, about, file, problems, phase=None)
        if variant is None:
            continue
        if variant.starts is None:
            problems.add(
                file,
                variant.line,
                f'answer {position + 1} of "by_date" {where} has no "from:"; write the day it '
                'is true from (YYYY-MM-DD), or move it to "answer:"',
            )
            continue
        variants.append(variant)
    _check_gates(variants, f'"by_date" {where}', file, problems)
    return variants


def _check_gates(variants: list[_Variant], label: str, file: str, problems: _Collector) -> None:
    undated = [v for v in variants if v.starts is None]
    for extra in undated[1:]:
        problems.add(
            file,
            extra.line,
            f'{label} has more than one answer without "from:"; give this one the day it is '
            "true from (YYYY-MM-DD)",
        )
    seen: set[date] = set()
    for variant in variants:
        if variant.starts is not None and variant.starts in seen:
            problems.add(
                file,
                variant.line,
                f"{label} has two answers from {variant.starts.isoformat()}; keep one",
            )
        if variant.starts is not None:
            seen.add(variant.starts)


def _parse_variant(
    value: Any,
    key: Any,
    where: str,
    about: str,
    file: str,
    problems: _Collector,
    *,
    phase: str | None = "",
) -> _Variant | None:
    """One phase's answer: text, or a mapping of its answer, the sources it stands on and the
    day it is shown from. `key` indexes `value`; `phase` is given for an item of a list."""
    item = value[key]
    in_list = phase != ""
    phase_key = phase if in_list else str(key)
    if in_list:
        section = f'"by_phase: {phase}"' if phase is not None else '"by_date"'
        label = f"in answer {key + 1} of {section} {where}"
    else:
        label = f'in "by_phase: {key}" {where}'
    if not isinstance(item, dict):
        if in_list:
            problems.add(
                file,
                _line(value, key),
                f'answer {key + 1} of {section} {where} must be a mapping of "answer:" '
                f'(and "from:", "sources:"), not {_kind(item)}',
            )
            return None
        text = _text_field(value, key, f'in "by_phase" {where}', file, problems)
        return None if text is None else _Variant(key, text, _line(value, key, value=True))
    _check_keys(item, VARIANT_KEYS, label, file, problems)
    if "answer" not in item:
        problems.add(file, _line(value, key), f'{label.removeprefix("in ")} has no "answer"')
        return None
    starts = _parse_gate(item, label, file, problems) if "from" in item else None
    if "from" in item and starts is None:
        return None
    text = _text_field(item, "answer", label, file, problems)
    sources = _parse_source_ids(item, label, file, problems) if "sources" in item else []
    if "sources" in item and sources == [] and about == ABOUT_PROGRAMME:
        problems.add(
            file,
            _line(item, "sources"),
            f'"sources" {label} is empty; list the ids its facts stand on, or remove '
            '"sources:" to use the entry\'s',
        )
    if text is None or sources is None:
        return None
    return _Variant(
        phase_key or "",
        text,
        _line(item, "answer", value=True),
        tuple(sources),
        starts,
        phase_key,
    )


def _parse_gate(item: Any, label: str, file: str, problems: _Collector) -> date | None:
    """The "from:" day of a date variant: a real date within this programme's years."""
    before = len(problems.problems)
    day = _parse_date(item, "from", label, file, problems, nullable=False)
    if day is None:
        if len(problems.problems) == before:
            problems.add(
                file,
                _line(item, "from", value=True),
                f'"from" {label} is empty; write the day the answer is true from (YYYY-MM-DD)',
            )
        return None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        problems.add(
            file,
            _line(item, "from", value=True),
            f'"from" {label} is {day.isoformat()}; write a day between '
            f"{EARLIEST_DAY.year} and {LATEST_DAY.year}, the day the fact is dated",
        )
        return None
    return day


def _parse_tags(node: Any, where: str, file: str, problems: _Collector) -> list[str] | None:
    tags = _text_list(node, "tags", where, file, problems)
    if tags is None:
        return None
    if not 1 <= len(tags) <= MAX_TAGS:
        problems.add(
            file,
            _line(node, "tags"),
            f'"tags" {where} has {len(tags)} labels; give 1 to {MAX_TAGS} topic labels',
        )
    for tag, tag_line in tags:
        if len(tag) > MAX_TAG_CHARS:
            problems.add(
                file,
                tag_line,
                f'tag "{tag}" {where} is {len(tag)} characters long; keep tags to '
                f"{MAX_TAG_CHARS} characters",
            )
        elif len((TAG_CALLBACK_PREFIX + tag).encode()) > MAX_CALLBACK_BYTES:
            problems.add(
                file,
                tag_line,
                f'tag "{tag}" {where} is too long for a Telegram button '
                f"({MAX_CALLBACK_BYTES} bytes with its prefix); shorten it",
            )
    return [tag for tag, _ in tags]


def _parse_browse(node: Any, where: str, file: str, problems: _Collector) -> bool:
    value = node.get("browse", True)
    if isinstance(value, bool):
        return value
    if value is None:
        found = "empty"
    else:
        found = f'text "{value}"' if isinstance(value, str) else _kind(value)
    problems.add(
        file,
        _line(node, "browse", value=True),
        f'"browse" {where} must be true or false, not {found}; write "browse: false" to keep '
        "the entry out of /faq's topics (it is still answered when asked)",
    )
    return True


def _parse_offer(node: Any, where: str, file: str, problems: _Collector) -> str | None:
    if "offer" not in node:
        return None
    value = node.get("offer")
    if isinstance(value, str) and value.strip() in OFFER_KINDS:
        return value.strip()
    found = f'"{value}"' if isinstance(value, str) else "empty" if value is None else _kind(value)
    problems.add(
        file,
        _line(node, "offer", value=value is not None),  # an empty value has no line of its own
        f'"offer" {where} is {found}; write "offer: human" to put the "Reach a person" button '
        "under the answer, or remove the key",
    )
    return None


def _parse_related(
    node: Any, where: str, file: str, problems: _Collector
) -> list[tuple[str, int]] | None:
    if "related" not in node or node.get("related") is None:
        return []
    related = _text_list(node, "related", where, file, problems)
    if related is None:
        return None
    if len(related) > MAX_RELATED:
        problems.add(
            file,
            _line(node, "related"),
            f'"related" {where} lists {len(related)} ids; keep at most {MAX_RELATED}',
        )
    return [(rid.strip(), rline) for rid, rline in related]


def _parse_call(node: Any, top: Any, file: str, problems: _Collector) -> CallSettings | None:
    line = _line(top, "call")
    if not isinstance(node, dict):
        problems.add(
            file, line, 'the "call" section must be a mapping with name, opens and deadline'
        )
        return None
    before = len(problems.problems)
    _check_keys(node, CALL_KEYS, 'in the "call" section', file, problems)
    if "name" not in node:
        problems.add(
            file, line, 'the "call" section has no "name"; add e.g. "name: Twin Cities call"'
        )
        name = None
    else:
        name = _text_field(node, "name", 'in the "call" section', file, problems)
    dates = {key: _parse_call_date(node, key, file, problems) for key in ("opens", "deadline")}
    opens, deadline = dates["opens"], dates["deadline"]
    if (
        opens is not None
        and deadline is not None
        and _day_and_time(deadline) < _day_and_time(opens)
    ):
        problems.add(
            file,
            _line(node, "deadline", value=True),
            f"the deadline ({deadline.isoformat()}) is before the opening date "
            f"({opens.isoformat()}); correct one of them",
        )
    url = node.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        problems.add(
            file,
            _line(node, "url", value=True),
            f'"url" in the "call" section is "{url}"; write the call page\'s full https:// '
            "address or null",
        )
    note = ""
    if node.get("deadline_note") is not None:
        text = _text_field(node, "deadline_note", 'in the "call" section', file, problems)
        note = " ".join((text or "").split())
        if len(note) > MAX_DEADLINE_NOTE_CHARS:
            problems.add(
                file,
                _line(node, "deadline_note", value=True),
                f'"deadline_note" in the "call" section is {len(note)} characters; keep it to '
                f"{MAX_DEADLINE_NOTE_CHARS}, it is shown beside the deadline on phones",
            )
    note_days = _parse_note_days(node, file, problems) if "deadline_note_days" in node else None
    facts_days = (
        _parse_note_days(node, file, problems, key="facts_call_days")
        if "facts_call_days" in node
        else None
    )
    if len(problems.problems) > before or name is None:
        return None
    return CallSettings(
        name=name.strip(),
        opens=opens,
        deadline=deadline,
        url=url.strip() if url else None,
        deadline_note=note,
        deadline_note_days=note_days,
        facts_call_days=facts_days,
    )


def _parse_note_days(
    node: Any, file: str, problems: _Collector, *, key: str = "deadline_note_days"
) -> tuple[date, ...] | None:
    """A list of days in the "call" section: `deadline_note_days` or `facts_call_days`."""
    where = 'in the "call" section'
    value = node.get(key)
    if not isinstance(value, list) or not value:
        what, without = (
            ("the note is true of", "show the note beside any deadline")
            if key == "deadline_note_days"
            else ("of the call the facts describe", 'never show "other_call" answers')
        )
        problems.add(
            file,
            _line(node, key, value=True),
            f'"{key}" {where} must list the days {what}, e.g. '
            f"[2024-05-31, 2024-06-07]; remove the key to {without}",
        )
        return None
    days: list[date] = []
    for position, item in enumerate(value):
        day: date | None = None
        if type(item) is date:
            day = item
        elif isinstance(item, str):
            with suppress(ValueError):
                day = date.fromisoformat(item.strip())
        if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
            problems.add(
                file,
                _line(value, position),
                f'item {position + 1} of "{key}" {where} is "{item}", not a day; write it as '
                f"YYYY-MM-DD between {EARLIEST_DAY.year} and {LATEST_DAY.year} (e.g. 2024-05-31)",
            )
        else:
            days.append(day)
    return tuple(dict.fromkeys(days))


def _parse_sources(node: Any, top: Any, file: str, problems: _Collector) -> tuple[Source, ...]:
    line = _line(top, "sources")
    if not isinstance(node, dict) or not node:
        problems.add(
            file,
            line,
            'the "sources" section must map source ids (N1, EC...) to a title and url, '
            f"not {_kind(node) if node else 'empty'}",
        )
        return ()
    sources: list[Source] = []
    for key in node:
        key_line = _line(node, key)
        where = f'of source "{key}"'
        if not isinstance(key, str) or not SOURCE_ID_PATTERN.match(key):
            problems.add(
                file,
                key_line,
                f'source id "{key}" is not valid; use capital letters, digits and hyphens '
                "as in the facts file (N1, EC, EU-R)",
            )
            continue
        item = node[key]
        if not isinstance(item, dict):
            problems.add(
                file,
                key_line,
                f'source "{key}" must have a title and a url (or url: null), not '
                f"{_kind(item) if item is not None else 'nothing'}",
            )
            continue
        _check_keys(item, SOURCE_KEYS, f'in source "{key}"', file, problems)
        if "title" not in item:
            problems.add(file, key_line, f'source "{key}" has no "title"; add "title:"')
            continue
        title = _text_field(item, "title", where, file, problems)
        url = item.get("url")
        if url is not None:
            parts = urlsplit(str(url).strip())
            if (
                not isinstance(url, str)
                or parts.scheme not in ("http", "https")
                or not parts.netloc
                or " " in url.strip()
            ):
                problems.add(
                    file,
                    _line(item, "url", value=True),
                    f'url "{url}" {where} is not a web address; start it with https:// '
                    "or write null when the source has none",
                )
                continue
        published = _parse_date(item, "published", where, file, problems)
        if published is not None and not EARLIEST_DAY.year - 10 <= published.year <= 2100:
            problems.add(
                file,
                _line(item, "published", value=True),
                f'"published" {where} is {published.isoformat()}; write the day it was '
                "published (YYYY-MM-DD), or leave it out when not known",
            )
        if title is not None:
            sources.append(Source(key, title.strip(), url.strip() if url else None, published))
    return tuple(sources)


def _resolve_sources(
    raws: list[_RawEntry],
    catalogue: tuple[Source, ...] | None,
    folder: str,
    problems: _Collector,
    unreadable: Sequence[str] = (),
) -> None:
    """Check every source id against the catalogue and put the sources' links on each entry."""
    cited = any(raw.entry.sources or raw.entry.phase_sources or raw.entry.dated for raw in raws)
    if catalogue is None:
        if cited and unreadable:
            problems.notes.append(
                "The entries' source ids were not checked, since the sources catalogue may be in "
                f"{', '.join(unreadable)}; those checks run once every file reads."
            )
        elif cited:
            problems.add(
                folder,
                0,
                f'no file defines the sources catalogue; add {SOURCES_FILE} with "sources:" '
                "(id: title and url) for the ids the entries list",
            )
        return
    by_id = {source.id: source for source in catalogue}
    for raw in raws:
        links: list[Link] = []
        for source_id, source_line in zip(raw.entry.sources, raw.source_lines, strict=True):
            source = by_id.get(source_id)
            if source is None:
                problems.add(
                    raw.file,
                    source_line,
                    f'source "{source_id}" in entry "{raw.entry.id}" is not in the sources '
                    f"catalogue{_did_you_mean_source(source_id, by_id)}, or add it to "
                    f"{SOURCES_FILE}",
                )
            else:
                links.append(source.link)
        phase_links = tuple(
            (phase, _merged_links(_cited(raw, phase, ids, lines, by_id, problems), ()))
            for (phase, ids), (_, lines) in zip(
                raw.entry.phase_sources, raw.phase_source_lines, strict=True
            )
        )
        dated = tuple(
            replace(
                variant,
                links=_merged_links(
                    _cited(raw, _gate_label(variant), variant.sources, lines, by_id, problems),
                    (),
                )
                if variant.sources
                else None,
            )
            for variant, (_, lines) in zip(raw.entry.dated, raw.dated_lines, strict=True)
        )
        raw.entry = replace(
            raw.entry,
            shown_links=_merged_links(links, raw.entry.links),
            phase_links=phase_links,
            dated=dated,
        )
        _check_source_dates(raw, by_id, problems)


def _gate_label(variant: DatedVariant) -> str:
    return f"{variant.phase or 'default'} from {variant.starts.isoformat()}"


def _check_source_dates(raw: _RawEntry, by_id: dict[str, Source], problems: _Collector) -> None:
    """Refuse an answer linking a source published after the earliest day it can be shown."""
    entry = raw.entry
    first_day = min(PHASE_EARLIEST_DAY.values())
    shown: list[tuple[str, date, tuple[str, ...], int]] = [
        ("the answer", first_day, entry.sources, raw.answer_line)
    ]
    lines = dict(raw.variant_lines)
    for phase, _ in entry.by_phase:
        shown.append(
            (
                f'the "{phase}" answer',
                PHASE_EARLIEST_DAY[phase],
                entry.sources_for(phase),
                lines[phase],
            )
        )
    for variant, (line, _) in zip(entry.dated, raw.dated_lines, strict=True):
        floor = PHASE_EARLIEST_DAY[variant.phase] if variant.phase else first_day
        if variant.sources:
            ids = variant.sources
        elif variant.phase is not None:
            ids = entry.sources_for(variant.phase)
        else:
            ids = entry.sources
        shown.append(
            (f'the "{_gate_label(variant)}" answer', max(floor, variant.starts), ids, line)
        )
    for what, day, ids, line in shown:
        for source in (by_id[sid] for sid in ids if sid in by_id):
            if source.published is None or source.published <= day:
                continue
            problems.add(
                raw.file,
                line,
                f'{what} of entry "{entry.id}" can be shown from {day.isoformat()} but links '
                f'source "{source.id}", published {source.published.isoformat()}; cite it in a '
                f'date variant ("from: {source.published.isoformat()}") instead',
            )


def _cited(
    raw: _RawEntry,
    phase: str,
    ids: tuple[str, ...],
    lines: tuple[int, ...],
    by_id: dict[str, Source],
    problems: _Collector,
) -> list[Link]:
    links: list[Link] = []
    for source_id, source_line in zip(ids, lines, strict=True):
        source = by_id.get(source_id)
        if source is None:
            problems.add(
                raw.file,
                source_line,
                f'source "{source_id}" in the "{phase}" answer of entry "{raw.entry.id}" is not '
                f"in the sources catalogue{_did_you_mean_source(source_id, by_id)}, or add it "
                f"to {SOURCES_FILE}",
            )
        else:
            links.append(source.link)
    return links


def _did_you_mean_source(source_id: str, by_id: dict[str, Source]) -> str:
    best = process.extractOne(source_id, list(by_id), score_cutoff=60)
    return f'; did you mean "{best[0]}"?' if best else "; use an id listed there"


def _merged_links(first: Iterable[Link], then: Iterable[Link]) -> tuple[Link, ...]:
    """The sources' links, then the entry's own links, each address (or bare title) once."""
    merged: list[Link] = []
    seen: set[str] = set()
    for link in (*first, *then):
        key = link.url.rstrip("/") if link.url else f"title:{link.title}"
        if key not in seen:
            seen.add(key)
            merged.append(link)
    return tuple(merged)


def _day_and_time(value: date | datetime) -> datetime:
    # Only to compare two call.yaml values: a bare date counts from midnight.
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, datetime.min.time())


def _parse_call_date(
    node: Any, key: str, file: str, problems: _Collector
) -> date | datetime | None:
    value = node.get(key)
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) > len("YYYY-MM-DD"):
        with suppress(ValueError):
            return datetime.fromisoformat(value.strip())
        problems.add(
            file,
            _line(node, key, value=True),
            f'"{key}" in the "call" section is "{value}", not a date and time; write it as '
            "YYYY-MM-DD or YYYY-MM-DD HH:MM (e.g. 2024-05-31 17:00), or null while to be announced",
        )
        return None
    return _parse_date(node, key, 'in the "call" section', file, problems)


def _parse_date(
    node: Any, key: str, where: str, file: str, problems: _Collector, *, nullable: bool = True
) -> date | None:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[attr-defined]
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(
        file,
        _line(node, key, value=True),
        f'"{key}" {where} is "{value}", not a date; write it as YYYY-MM-DD '
        "(e.g. 2024-04-08)" + (" or null while to be announced" if nullable else ""),
    )
    return None


def _parse_eligibility(
    node: Any, top: Any, file: str, problems: _Collector
) -> EligibilityRules | None:
    where = 'in the "eligibility" section'
    if not isinstance(node, dict):
        problems.add(
            file,
            _line(top, "eligibility"),
            'the "eligibility" section must be a mapping with '
            + ", ".join(REQUIRED_ELIGIBILITY_KEYS),
        )
        return None
    before = len(problems.problems)
    _check_keys(node, ELIGIBILITY_KEYS, where, file, problems)
    for key in REQUIRED_ELIGIBILITY_KEYS:
        if key not in node:
            problems.add(file, _line(top, "eligibility"), f'"{key}" is missing {where}; add it')
    checked_on = _parse_date(node, "checked_on", where, file, problems, nullable=False)
    if "checked_on" in node and checked_on is None and len(problems.problems) == before:
        problems.add(
            file,
            _line(node, "checked_on"),
            f'"checked_on" {where} is empty; write the date the country list was checked',
        )
    sources = _text_list(node, "sources", where, file, problems) if "sources" in node else None
    if sources is not None and not sources:
        problems.add(file, _line(node, "sources"), f'"sources" {where} is empty; list source ids')
    groups = _parse_country_groups(node, where, file, problems) if "countries" in node else None
    excluded = _parse_excluded_statuses(node, where, file, problems)
    year = _parse_year(node, where, file, problems)
    if len(problems.problems) > before:
        return None
    assert checked_on is not None and sources is not None and groups is not None
    return EligibilityRules(
        groups=groups,
        checked_on=checked_on,
        sources=tuple(text for text, _ in sources),
        excluded_statuses=excluded,
        climate_neutral_by=year,
    )


def _parse_country_groups(
    node: Any, where: str, file: str, problems: _Collector
) -> dict[str, CountryGroup] | None:
    countries = node.get("countries")
    line = _line(node, "countries", value=True)
    if not isinstance(countries, dict):
        problems.add(
            file,
            line,
            f'"countries" {where} must be a mapping of {", ".join(COUNTRY_GROUP_KEYS)}, '
            f"not {_kind(countries) if countries is not None else 'empty'}",
        )
        return None
    _check_keys(countries, COUNTRY_GROUP_KEYS, 'in "countries"', file, problems)
    for key in REQUIRED_COUNTRY_GROUPS:
        if key not in countries:
            problems.add(file, line, f'"countries" has no "{key}"; list its country codes')
    groups: dict[str, CountryGroup] = {}
    first_line: dict[str, int] = {}
    for group in CountryGroup:
        if group.value not in countries:
            continue
        codes = _text_list(countries, group.value, 'in "countries"', file, problems)
        if codes is not None and not codes:
            problems.add(
                file,
                _line(countries, group.value),
                f'"{group.value}" in "countries" is empty; list its country codes or remove it',
            )
        for code, code_line in codes or ():
            if not is_country_code(code):
                hint = f'; write "{code.upper()}"' if is_country_code(code.upper()) else ""
                problems.add(
                    file,
                    code_line,
                    f'"{code}" in "{group.value}" is not an ISO 3166-1 alpha-2 country code '
                    f"(Kosovo is XK){hint}",
                )
            elif code in groups:
                problems.add(
                    file,
                    code_line,
                    f'"{code}" is listed twice: it is already in "{groups[code].value}" at '
                    f"{file}:{first_line[code]}; keep one",
                )
            else:
                groups[code] = group
                first_line[code] = code_line
    return groups


def _parse_excluded_statuses(
    node: Any, where: str, file: str, problems: _Collector
) -> frozenset[CityStatus]:
    if "excluded_statuses" not in node:
        return DEFAULT_EXCLUDED
    items = _text_list(node, "excluded_statuses", where, file, problems) or []
    excluded: set[CityStatus] = set()
    for text, item_line in items:
        if text in EXCLUDABLE_STATUSES:
            excluded.add(CityStatus(text))
        else:
            problems.add(
                file,
                item_line,
                f'"{text}" in "excluded_statuses" is not a city status; use '
                f"{', '.join(EXCLUDABLE_STATUSES)}",
            )
    return frozenset(excluded)


def _parse_year(node: Any, where: str, file: str, problems: _Collector) -> int:
    value = node.get("climate_neutral_by", DEFAULT_CLIMATE_NEUTRAL_BY)
    if isinstance(value, int) and not isinstance(value, bool) and 2030 <= value <= 2100:
        return value
    problems.add(
        file,
        _line(node, "climate_neutral_by", value=True),
        f'"climate_neutral_by" {where} must be a year such as 2050, not "{value}"',
    )
    return DEFAULT_CLIMATE_NEUTRAL_BY


def _check_cross_entry(
    raws: list[_RawEntry],
    names: list[_EntryName],
    problems: _Collector,
    unreadable: Sequence[str] = (),
) -> None:
    """Duplicate ids and "related" ids, over every entry written, valid or not.

    An entry with a problem of its own still exists for the others: "related" naming it is
    right, and saying otherwise would invite a wrong fix.
    """
    unchecked = 0
    first_by_id: dict[str, _EntryName] = {}
    for name in names:
        earlier = first_by_id.get(name.id)
        if earlier is not None:
            problems.add(
                name.file,
                name.line,
                f'duplicate id "{name.id}": it is already used at {earlier.file}:'
                f"{earlier.line}; give each entry its own id",
            )
        else:
            first_by_id[name.id] = name
    for raw in raws:
        seen: set[str] = set()
        for related_id, related_line in zip(raw.entry.related, raw.related_lines, strict=True):
            if related_id == raw.entry.id:
                problems.add(
                    raw.file,
                    related_line,
                    f'entry "{raw.entry.id}" lists itself in "related"; remove it',
                )
            elif related_id not in first_by_id and unreadable:
                unchecked += 1  # it may be an entry of the file that cannot be read
            elif related_id not in first_by_id:
                problems.add(
                    raw.file,
                    related_line,
                    f'"related" in entry "{raw.entry.id}" names "{related_id}", which is not an '
                    f"entry id{_did_you_mean_id(related_id, first_by_id)}",
                )
            elif related_id in seen:
                problems.add(
                    raw.file,
                    related_line,
                    f'"related" in entry "{raw.entry.id}" names "{related_id}" twice',
                )
            seen.add(related_id)
    if unchecked:
        problems.notes.append(
            f'{unchecked} "related" id(s) were not checked: they name no entry of the files that '
            f"read, but may name one in {', '.join(unreadable)}; those checks run once every file "
            "reads."
        )
    _check_duplicate_phrasings(raws, problems)


def _did_you_mean_id(entry_id: str, known: dict[str, _EntryName]) -> str:
    best = process.extractOne(entry_id, list(known), score_cutoff=70)
    return f'; did you mean "{best[0]}"?' if best else "; check the spelling"


def _check_duplicate_phrasings(raws: list[_RawEntry], problems: _Collector) -> None:
    seen: dict[str, tuple[_RawEntry, int]] = {}
    for raw in raws:
        for text, line in zip(raw.entry.phrasings, raw.phrasing_lines, strict=True):
            key = simplify_text(text)
            if not key:
                problems.add(
                    raw.file,
                    line,
                    f'"{text}" in entry "{raw.entry.id}" has no letters or digits; '
                    "write a real question",
                )
                continue
            if key in seen:
                other, other_line = seen[key]
                where = (
                    "the same entry"
                    if other is raw
                    else f'entry "{other.entry.id}" ({other.file}:{other_line})'
                )
                problems.add(
                    raw.file,
                    line,
                    f'"{text}" in entry "{raw.entry.id}" repeats a phrasing already in {where}; '
                    "remove one of them",
                )
            else:
                seen[key] = (raw, line)


def _check_answers(raw: _RawEntry, call_name: str, problems: _Collector) -> None:
    """The default answer and every phase's answer, each checked the same way."""
    _check_answer(raw, call_name, problems, None, raw.answer_line)
    for phase, line in raw.variant_lines:
        _check_answer(raw, call_name, problems, phase, line)
    for variant, (line, _) in zip(raw.entry.dated, raw.dated_lines, strict=True):
        _check_answer(raw, call_name, problems, variant.phase, line, variant)


def _check_answer(
    raw: _RawEntry,
    call_name: str,
    problems: _Collector,
    phase: str | None,
    line: int,
    variant: DatedVariant | None = None,
) -> None:
    entry = raw.entry
    text = entry.answer if phase is None else entry.answer_for(phase)
    what = "the answer" if phase is None else f'the "{phase}" answer'
    if variant is not None:
        text = variant.answer
        what = f'the "{_gate_label(variant)}" answer'
    try:
        names = placeholder_names(text)
    except ValueError as error:
        problems.add(
            raw.file,
            line,
            f'{what} of entry "{entry.id}" has a stray brace ({error}); write literal '
            "braces as {{ and }}",
        )
        return
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
        listed = ", ".join("{" + name + "}" for name in unknown)
        problems.add(
            raw.file,
            line,
            f'{what} of entry "{entry.id}" uses unknown placeholder {listed}; '
            f"use one of {known} (write literal braces as {{{{ and }}}})",
        )
        return
    values = {
        "call_name": call_name,
        "call_opens": LONGEST_DATE,
        "call_deadline": LONGEST_DATE,
        "call_status": LONGEST_STATUS,
        "deadline_note": LONGEST_DEADLINE_NOTE,
    }
    rendered = render_with_values(entry, values, phase=phase, variant=variant)
    try:
        plain, _ = parse_telegram_html(rendered)
    except TelegramHtmlError as error:
        problems.add(
            raw.file,
            line,
            f'Telegram would refuse {what} of entry "{entry.id}": {error.description}; '
            "use only <b> <i> <u> <s> <a href> <code> <pre> <blockquote> and write "
            "&lt; &gt; &amp; for < > &",
        )
        return
    length = utf16_length(plain)
    if length > MAX_MESSAGE_CHARS:
        problems.add(
            raw.file,
            line,
            f'{what} of entry "{entry.id}" is {length} characters with its links and the '
            f"longest live values; Telegram allows {MAX_MESSAGE_CHARS}: shorten it",
        )


def build_knowledge_base(
    entries: Iterable[Entry],
    call: CallSettings,
    eligibility: EligibilityRules | None = None,
    sources: Iterable[Source] = (),
) -> KnowledgeBase:
    """A knowledge base of these entries, with its matching index built once here."""
    kept = tuple(entries)
    return KnowledgeBase(
        entries=kept,
        call=call,
        index=build_index(kept),
        eligibility=eligibility,
        sources=tuple(sources),
    )


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Read and validate every *.yaml file of the folder; raise FaqValidationError listing all."""
    problems = _Collector()
    folder = _display_path(directory)
    if not directory.is_dir():
        raise FaqValidationError(
            [Problem(folder, 0, "the FAQ folder does not exist; point FAQ_DIR at faq/data")]
        )
    for stray in sorted(directory.glob("*.yml")):
        problems.add(
            _display_path(stray), 1, "this file is ignored: FAQ files must end in .yaml; rename it"
        )
    raws: list[_RawEntry] = []
    names: list[_EntryName] = []
    calls: list[tuple[CallSettings | None, str, int]] = []
    rules: list[tuple[EligibilityRules | None, str, int]] = []
    catalogues: list[tuple[tuple[Source, ...] | None, str, int]] = []
    files = sorted(directory.glob("*.yaml"))
    unreadable: list[str] = []
    for path in files:
        file = _display_path(path)
        document = _read_yaml(path, file, problems)
        if document is None and problems.problems and problems.problems[-1].file == file:
            unreadable.append(file)
            continue
        _load_document(document, file, raws, names, calls, rules, catalogues, problems)
    if not files:
        problems.add(
            folder, 0, "the FAQ folder has no .yaml files; add the FAQ files and call.yaml"
        )
    call = _single_call(calls, folder, problems)
    eligibility = _first_section(rules, "eligibility", problems)
    catalogue = _first_section(catalogues, "sources", problems)
    call_name = call.name if call is not None else "Twin Cities call (Cohort 2)"
    _check_cross_entry(raws, names, problems, unreadable)
    _resolve_sources(raws, catalogue if catalogues else None, folder, problems, unreadable)
    for raw in raws:
        _check_answers(raw, call_name, problems)
    if not raws and files and not unreadable:
        problems.add(folder, 0, 'no file has any entries; add entries under "entries:"')
    if problems.problems:
        raise FaqValidationError(problems.problems, tuple(problems.notes))
    assert call is not None
    return build_knowledge_base(
        tuple(raw.entry for raw in raws), call, eligibility, catalogue or ()
    )


def _load_document(
    document: Any,
    file: str,
    raws: list[_RawEntry],
    names: list[_EntryName],
    calls: list[tuple[CallSettings | None, str, int]],
    rules: list[tuple[EligibilityRules | None, str, int]],
    catalogues: list[tuple[tuple[Source, ...] | None, str, int]],
    problems: _Collector,
) -> None:
    if document is None:
        problems.add(file, 1, 'the file is empty; start it with "entries:" (or "call:")')
        return
    if not isinstance(document, dict):
        problems.add(
            file,
            1,
            'the file must be a mapping starting with "entries:" (or "call:"), '
            f"not {_kind(document)}",
        )
        return
    _check_keys(document, TOP_LEVEL_KEYS, "at the top of the file", file, problems)
    present = [key for key in TOP_LEVEL_KEYS if key in document]
    if not present:
        problems.add(
            file,
            1,
            'the file has none of "entries:", "call:", "eligibility:", "sources:" at the top; '
            "add one",
        )
        return
    if len(present) > 1:
        problems.add(
            file,
            _line(document, present[1]),
            f'a file holds one of "entries:", "call:", "eligibility:", "sources:", not both '
            f'"{present[0]}" and "{present[1]}"; move the call to call.yaml, the rules to '
            f"eligibility-rules.yaml and the sources to {SOURCES_FILE}",
        )
    if "sources" in document:
        catalogues.append(
            (
                _parse_sources(document["sources"], document, file, problems),
                file,
                _line(document, "sources"),
            )
        )
    if "eligibility" in document:
        rules.append(
            (
                _parse_eligibility(document["eligibility"], document, file, problems),
                file,
                _line(document, "eligibility"),
            )
        )
    if "call" in document:
        calls.append(
            (_parse_call(document["call"], document, file, problems), file, _line(document, "call"))
        )
    if "entries" in document:
        entries = document["entries"]
        line = _line(document, "entries")
        if entries is None or (isinstance(entries, list) and not entries):
            problems.add(file, line, '"entries" is empty; add entries or delete the file')
            return
        if not isinstance(entries, list):
            problems.add(
                file,
                line,
                f'"entries" must be a list of entries ("- id: ..."), not {_kind(entries)}',
            )
            return
        for position, node in enumerate(entries):
            raw = _parse_entry(node, position, entries, file, problems)
            if raw is not None:
                raws.append(raw)
            name = _entry_name(node, file)
            if name is not None:
                names.append(name)


def _single_call(
    calls: list[tuple[CallSettings | None, str, int]], folder: str, problems: _Collector
) -> CallSettings | None:
    if not calls:
        problems.add(
            folder,
            0,
            'no file defines the call; add call.yaml with "call:" and its name, opens, deadline',
        )
        return None
    return _first_section(calls, "call", problems)


def _first_section(
    found: list[tuple[_Section | None, str, int]], key: str, problems: _Collector
) -> _Section | None:
    """The first file's section; every later file with the same section is a problem."""
    if not found:
        return None
    first_file, first_line = found[0][1], found[0][2]
    for _, file, line in found[1:]:
        problems.add(
            file,
            line,
            f'a second "{key}:" section (the first is at {first_file}:{first_line}); keep only one',
        )
    return found[0][0]
