"""Every function, class and module constant of the bot is used somewhere (code or tests)."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# faq/ is left out until its own clean-up (matcher and semantic) lands.
CHECKED = ("bot", "handlers")
# Called by a framework, never by name in our code: a base class's hook or a validator.
HOOKS = frozenset({"handle_data", "do_process_update", "_check_combinations"})


def _python_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not {".venv", "node_modules", "build"} & set(path.relative_to(ROOT).parts)
    ]


def _defined(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            names.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
    return [name for name in names if not name.startswith("__") and name not in HOOKS]


def test_no_symbol_is_defined_and_never_used() -> None:
    files = _python_files()
    words = Counter(re.findall(r"\w+", "\n".join(path.read_text() for path in files)))
    unused = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        if path.relative_to(ROOT).parts[0] in CHECKED
        for name in _defined(ast.parse(path.read_text()))
        if words[name] <= 1
    ]
    assert unused == []
