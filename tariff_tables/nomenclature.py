"""HS 2022 chapters and headings, to check that a declared HS code can exist.

The table ships with the project (``data/hs2022_headings.csv``, codes only). A national
tariff line (8–10 digits) is accepted when its chapter and heading exist; finer checks
belong to the tariff measures themselves.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "hs2022_headings.csv"
HS_EDITION = "HS2022"
_HS_PATTERN = re.compile(r"^\d{6,10}$")


@lru_cache(maxsize=1)
def _codes() -> tuple[frozenset[str], frozenset[str]]:
    chapters: set[str] = set()
    headings: set[str] = set()
    with DATA_FILE.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines):
            (chapters if row["level"] == "2" else headings).add(row["code"])
    return frozenset(chapters), frozenset(headings)


def normalise(code: str) -> str:
    """Strip the dots and spaces people write in HS codes (``6109.10.00`` → ``61091000``)."""
    return re.sub(r"[.\s]", "", code or "")


def check(code: str) -> str | None:
    """Return None when ``code`` is a plausible HS code, else the reason it is not."""
    digits = normalise(code)
    if not _HS_PATTERN.match(digits):
        return "must be 6 to 10 digits"
    chapters, headings = _codes()
    if digits[:2] not in chapters:
        return f"HS chapter {digits[:2]} does not exist in {HS_EDITION}"
    if digits[:4] not in headings:
        return f"HS heading {digits[:4]} does not exist in {HS_EDITION}"
    return None


def chapters() -> frozenset[str]:
    return _codes()[0]


def headings() -> frozenset[str]:
    return _codes()[1]
