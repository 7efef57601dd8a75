"""Packaging metadata: installs without deprecation warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_license_is_an_spdx_expression_with_a_backend_that_reads_it() -> None:
    project = tomllib.loads(PYPROJECT.read_text())
    # A `license = {text = ...}` table is deprecated and warns on every install.
    assert project["project"]["license"] == "MIT"
    backend = project["build-system"]["requires"]
    assert "setuptools>=77" in backend  # the first setuptools that reads SPDX strings
