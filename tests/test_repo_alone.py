"""A clone stands alone: the tests read nothing outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# An absolute work path, or the team's shared/ folder that a user's clone does not have.
OUTSIDE = re.compile(r"/work/|\.\./shared|[\"']shared[\"/']")
PARENTS = re.compile(r"parents\[(\d+)\]")


def _reaches_outside(path: Path, line: str) -> bool:
    """True when the line names a path past the repo's root (Path.parents beyond its depth)."""
    depth = len(path.relative_to(ROOT).parts) - 1
    if "__file__" in line and any(int(n) > depth for n in PARENTS.findall(line)):
        return True
    return OUTSIDE.search(line) is not None


def test_no_test_reads_outside_the_repo() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _reaches_outside(path, line)
    ]
    assert not offending, "tests reaching outside the repo:\n" + "\n".join(offending)


def test_the_repo_carries_its_references() -> None:
    facts = ROOT / "faq" / "knowledge" / "twinning-programme.md"
    api = ROOT / "tests" / "reference" / "telegram-bot-api"
    assert "## Sources" in facts.read_text(encoding="utf-8")
    assert (api / "api.json").stat().st_size > 100_000
    assert "MIT" in (api / "LICENSE").read_text(encoding="utf-8")
