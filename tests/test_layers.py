"""The layering: which packages may import which, and no import cycles at run time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "faq", "handlers")
# The composition root: the one module that wires handlers into the application.
COMPOSITION_ROOT = "bot.app"
# Modules that stand above every package (they assemble or start the whole), as nodes of their own.
ENTRY_POINTS = frozenset({COMPOSITION_ROOT, "bot.cli"})


def module_name(path: Path) -> str:
    """The dotted name of a source file under ROOT."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imported_names(node: ast.AST, current: str, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = current.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        yield prefix
        yield from (f"{prefix}.{alias.name}" for alias in node.names)


def _walk_runtime(nodes: list[ast.stmt], top_level: bool) -> Iterator[tuple[ast.AST, bool]]:
    """Every import statement, with whether it runs when the module is imported."""
    for node in nodes:
        if _is_type_checking_block(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, top_level
        for child_field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, child_field, None)
            if isinstance(children, list):
                nested_top = top_level and not isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                )
                yield from _walk_runtime(
                    [c for c in children if isinstance(c, ast.stmt | ast.ExceptHandler)],  # type: ignore[misc]
                    nested_top,
                )


@cache
def source_modules() -> dict[str, Path]:
    """Every module of the three packages by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


@cache
def imports_of(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(imports run at import time, every import anywhere) of a module, as dotted names."""
    path = source_modules()[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    at_import: set[str] = set()
    anywhere: set[str] = set()
    for node, top_level in _walk_runtime(tree.body, True):
        for name in _imported_names(node, module, is_package):
            anywhere.add(name)
            if top_level:
                at_import.add(name)
    return frozenset(at_import), frozenset(anywhere)


def _ours(name: str) -> str | None:
    """The module of ours that an imported name refers to, if any."""
    modules = source_modules()
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_scan_sees_every_package_and_known_imports() -> None:
    modules = source_modules()
    assert {"bot.app", "faq.loader", "handlers.faq", "bot.storage.store"} <= set(modules)
    at_import, _ = imports_of("bot.app")
    assert "handlers" in {_top(name) for name in at_import}


@pytest.mark.parametrize("module", sorted(m for m in source_modules() if m.startswith("faq")))
def test_faq_imports_neither_telegram_nor_the_bot(module: str) -> None:
    _, anywhere = imports_of(module)
    forbidden = {name for name in anywhere if _top(name) in ("telegram", "bot", "handlers")}
    assert not forbidden, f"{module} imports {sorted(forbidden)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in source_modules() if m.startswith("bot.registration"))
)
def test_registration_logic_imports_neither_telegram_nor_handlers(module: str) -> None:
    _, anywhere = imports_of(module)
    forbidden = {name for name in anywhere if _top(name) in ("telegram", "handlers")}
    assert not forbidden, f"{module} imports {sorted(forbidden)}"


# The announcement logic that is pure: dates, reminder times, texts, the .ics (not the scheduler
# nor what a confirmed change does, which run on the JobQueue and the outbox).
PURE_ANNOUNCEMENT_MODULES = ("dates", "reminders", "texts", "ics")


@pytest.mark.parametrize("name", PURE_ANNOUNCEMENT_MODULES)
def test_announcement_logic_imports_neither_telegram_nor_handlers(name: str) -> None:
    _, anywhere = imports_of(f"bot.announcements.{name}")
    forbidden = {n for n in anywhere if _top(n) in ("telegram", "handlers") or n == "bot.context"}
    assert not forbidden, f"bot.announcements.{name} imports {sorted(forbidden)}"


@pytest.mark.parametrize("module", sorted(source_modules()))
def test_tinydb_is_used_only_inside_bot_storage(module: str) -> None:
    _, anywhere = imports_of(module)
    if any(_top(name) == "tinydb" for name in anywhere):
        assert module.startswith("bot.storage"), f"{module} imports tinydb"


@pytest.mark.parametrize("module", sorted(m for m in source_modules() if m.startswith("bot")))
def test_only_the_composition_root_under_bot_imports_handlers(module: str) -> None:
    _, anywhere = imports_of(module)
    if module != COMPOSITION_ROOT:
        assert not any(_top(name) == "handlers" for name in anywhere), (
            f"{module} imports handlers; only {COMPOSITION_ROOT} may"
        )


def _package_of(module: str) -> str:
    """The package a module belongs to, for the package-level picture."""
    if module in ENTRY_POINTS:
        return module
    parts = module.split(".")
    if parts[0] == "bot" and len(parts) > 2:
        return ".".join(parts[:2])
    if parts[0] == "bot" and len(parts) == 2 and (ROOT / "bot" / parts[1]).is_dir():
        return module
    return parts[0]


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for successor in sorted(graph.get(node, ())):
            cycle = visit(successor)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_no_module_imports_another_in_a_circle_at_import_time() -> None:
    graph: dict[str, set[str]] = {}
    for module in source_modules():
        at_import, _ = imports_of(module)
        graph[module] = {t for name in at_import if (t := _ours(name)) and t != module}
        # Importing a submodule runs its package's __init__ first; that is no cycle of ours.
        graph[module] -= {p for p in graph[module] if module.startswith(p + ".")}
    assert _find_cycle(graph) is None, f"import cycle: {' -> '.join(_find_cycle(graph) or [])}"


def test_no_package_imports_another_in_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for module in source_modules():
        _, anywhere = imports_of(module)
        source = _package_of(module)
        targets = {_package_of(t) for name in anywhere if (t := _ours(name))}
        graph.setdefault(source, set()).update(targets - {source})
    cycle = _find_cycle(graph)
    assert cycle is None, f"package cycle: {' -> '.join(cycle or [])}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None
