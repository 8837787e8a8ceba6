"""Shared set-up for the declarations tests: make the hypothesis strategies and golden cases
importable, and locate the official China customs reference files beside the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

#: tests/unit/declarations -> repo root is parents[3]; the shared folder sits beside it.
REFERENCE = _HERE.parents[2] / ".." / "shared" / "reference" / "ceb-202205"


@pytest.fixture(scope="session")
def ceb_dir() -> Path:
    if not (REFERENCE / "ceb-import.xsd").is_file():
        pytest.skip(f"official CEB 202205 schemas not found at {REFERENCE.resolve()}")
    return REFERENCE
