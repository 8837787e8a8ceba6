"""HS 2022 chapters, headings and subheadings: which codes exist and what their wording is.

The tables ship with the project (``data/hs2022_headings.csv`` for chapters and headings,
``data/hs2022_subheadings.csv`` for the 6-digit subheadings), derived from the World Customs
Organization's Harmonized System 2022 as published in the public-domain (PDDL) dataset
``harmonized-system`` (UN Comtrade rendering of the texts). A national tariff line (8–10
digits) is accepted when its chapter and heading exist; finer checks belong to the tariff
measures themselves. The wording serves the description check of the broker review: a
line's description is compared with the texts of its heading.

``python -m tariff_tables.nomenclature REFERENCE_CSV`` rewrites both tables from a copy of
the dataset; the test suite compares them with the reference, so they never drift.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DATA_FILE = DATA_DIR / "hs2022_headings.csv"
SUBHEADINGS_FILE = DATA_DIR / "hs2022_subheadings.csv"
HS_EDITION = "HS2022"
SOURCE = (
    "World Customs Organization, Harmonized System 2022 nomenclature, public-domain (PDDL) "
    "dataset 'harmonized-system' version 2022.0 (UN Comtrade)"
)
#: How an HS code may be written: 6 to 10 digits, with dots or spaces anywhere (removed by
#: :func:`normalise`). Stated as is in the OpenAPI document.
WRITTEN_PATTERN = r"^[.\s]*(?:[0-9][.\s]*){6,10}$"
_WRITTEN = re.compile(WRITTEN_PATTERN)
# 99 / 9999 / 999999 "commodities not specified according to kind" is a statistical code of
# trade datasets, not part of the HS: it cannot be declared.
_NOT_HS = frozenset({"99", "9999", "999999"})

_HEADINGS_HEADER = """\
# HS 2022 chapters (level 2) and headings (level 4) with their wording, from the World Customs
# Organization's Harmonized System 2022 nomenclature as published in the public-domain (PDDL)
# dataset 'harmonized-system' version 2022.0 (UN Comtrade rendering of the texts).
# valid_from 2022-01-01; used to check that an HS code's chapter and heading exist and to
# compare a line's description with its heading. Excluded: 99 / 9999 "commodities not
# specified according to kind", a statistical code of trade datasets that is not part of the
# HS and cannot be declared. Regenerate: python -m tariff_tables.nomenclature REFERENCE_CSV
"""
_SUBHEADINGS_HEADER = """\
# HS 2022 subheadings (6 digits) with their wording, from the same public-domain (PDDL)
# dataset 'harmonized-system' version 2022.0 as hs2022_headings.csv. valid_from 2022-01-01.
# Regenerate: python -m tariff_tables.nomenclature REFERENCE_CSV
"""


@dataclass(frozen=True)
class _Tables:
    chapters: frozenset[str]
    headings: frozenset[str]
    texts: dict[str, str]
    subheadings: dict[str, tuple[str, ...]]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    chapters: set[str] = set()
    headings: set[str] = set()
    texts: dict[str, str] = {}
    for row in _rows(DATA_FILE):
        (chapters if row["level"] == "2" else headings).add(row["code"])
        texts[row["code"]] = row["description"]
    under: dict[str, list[str]] = defaultdict(list)
    for row in _rows(SUBHEADINGS_FILE):
        texts[row["code"]] = row["description"]
        under[row["code"][:4]].append(row["code"])
    subs = {heading: tuple(codes) for heading, codes in under.items()}
    return _Tables(frozenset(chapters), frozenset(headings), texts, subs)


def normalise(code: str) -> str:
    """Strip the dots and spaces people write in HS codes (``6109.10.00`` → ``61091000``)."""
    return re.sub(r"[.\s]", "", code or "")


def check(code: str) -> str | None:
    """Return None when ``code`` is a plausible HS code, else the reason it is not."""
    if not _WRITTEN.match(code or ""):
        return "must be 6 to 10 digits"
    digits = normalise(code)
    tables = _tables()
    if digits[:2] not in tables.chapters:
        return f"HS chapter {digits[:2]} does not exist in {HS_EDITION}"
    if digits[:4] not in tables.headings:
        return f"HS heading {digits[:4]} does not exist in {HS_EDITION}"
    return None


def chapters() -> frozenset[str]:
    return _tables().chapters


def headings() -> frozenset[str]:
    return _tables().headings


def description(code: str) -> str | None:
    """The HS 2022 wording of a chapter (2 digits), heading (4) or subheading (6)."""
    return _tables().texts.get(normalise(code))


def subheadings(heading: str) -> tuple[str, ...]:
    """The 6-digit subheadings of a 4-digit heading, in code order."""
    return _tables().subheadings.get(normalise(heading)[:4], ())


def exists(prefix: str) -> bool:
    """True when an HS prefix of 2, 4 or 6 digits names a chapter, heading or subheading,
    or when a longer national prefix (7–10 digits) lies under an existing subheading."""
    digits = normalise(prefix)
    if not digits.isdigit() or len(digits) < 2:
        return False
    if len(digits) in (2, 4, 6):
        return digits in _tables().texts
    if len(digits) in (3, 5):
        return False
    return digits[:6] in _tables().texts


# -- regeneration from the public dataset --------------------------------------------------


def reference_tables(reference_csv: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(level, code, description) rows of chapters and headings, and (code, description)
    rows of subheadings, as the shipped tables hold them, read from the dataset's CSV."""
    with reference_csv.open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["hscode"] not in _NOT_HS]
    headings = [
        (r["level"], r["hscode"], r["description"]) for r in rows if r["level"] in ("2", "4")
    ]
    subs = [(r["hscode"], r["description"]) for r in rows if r["level"] == "6"]
    return headings, subs


def _write(path: Path, header: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def write_tables(reference_csv: Path) -> None:
    """Rewrite the shipped tables from a copy of the public dataset (a maintenance step)."""
    headings, subs = reference_tables(reference_csv)
    _write(DATA_FILE, _HEADINGS_HEADER, ("level", "code", "description"), headings)
    _write(SUBHEADINGS_FILE, _SUBHEADINGS_HEADER, ("code", "description"), subs)
    _tables.cache_clear()


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    write_tables(Path(sys.argv[1]))
