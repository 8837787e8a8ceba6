import csv

import pytest
from support import REFERENCE

from tariff_tables import nomenclature

HS_CSV = REFERENCE / "hs2022" / "harmonized-system.csv"
needs_reference = pytest.mark.skipif(
    not HS_CSV.exists(), reason="shared/reference/hs2022 is not present"
)


@needs_reference
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


@needs_reference
def test_shipped_wording_is_the_datasets_word_for_word():
    headings, subs = nomenclature.reference_tables(HS_CSV)
    assert len(headings) == 96 + 1228 and len(subs) == 5612  # less the 99 codes
    for _level, code, text in headings:
        assert nomenclature.description(code) == text, code
    for code, text in subs:
        assert nomenclature.description(code) == text, code


def test_wording_of_a_heading_and_its_subheadings():
    assert nomenclature.description("6109") == (
        "T-shirts, singlets and other vests; knitted or crocheted"
    )
    assert (
        nomenclature.description("61") == "Apparel and clothing accessories; knitted or crocheted"
    )
    assert nomenclature.subheadings("6109.10.00") == ("610910", "610990")
    assert nomenclature.description("610910") == (
        "T-shirts, singlets and other vests; of cotton, knitted or crocheted"
    )
    assert nomenclature.description("9999") is None
    assert nomenclature.subheadings("7700") == ()


@pytest.mark.parametrize(
    "prefix, exists",
    [
        ("85", True),
        ("8507", True),
        ("850760", True),
        ("85076000", True),
        ("8507600010", True),
        ("850799", False),  # no such subheading
        ("77", False),
        ("850", False),  # odd lengths name nothing in the HS
        ("", False),
        ("85a7", False),
    ],
)
def test_exists(prefix, exists):
    assert nomenclature.exists(prefix) is exists


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
