import csv

import pytest
from support import REFERENCE

from tariff_tables import nomenclature

HS_CSV = REFERENCE / "hs2022" / "harmonized-system.csv"


@pytest.mark.skipif(not HS_CSV.exists(), reason="shared/reference/hs2022 is not present")
def test_shipped_table_matches_the_hs2022_nomenclature():
    with HS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ref_chapters = {r["hscode"] for r in rows if r["level"] == "2"} - {"99"}
    ref_headings = {r["hscode"] for r in rows if r["level"] == "4"} - {"9999"}
    assert nomenclature.chapters() == ref_chapters
    assert nomenclature.headings() == ref_headings
    # every 6-digit subheading of the reference passes the check
    subheadings = [r["hscode"] for r in rows if r["level"] == "6" and r["hscode"] != "999999"]
    assert len(subheadings) > 5000
    assert all(nomenclature.check(code) is None for code in subheadings)


@pytest.mark.parametrize(
    "code, problem",
    [
        ("610910", None),
        ("6109.10.00", None),
        ("8517130000", None),
        ("7700 00", "chapter 77"),
        ("990000", "chapter 99"),
        ("010700", "heading 0107"),
        ("6109", "6 to 10"),
        ("", "6 to 10"),
    ],
)
def test_check(code, problem):
    result = nomenclature.check(code)
    assert (result is None) if problem is None else (problem in result)
