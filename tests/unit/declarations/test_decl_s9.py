"""UPU S9 receptacle identifiers: the decoded real examples, building, and every check rule
refused with its reason (/work/notes/research/posts.md §1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from declarations import s9

OFFICES = {"USJFKK", "AUSYDX", "DEFRAA", "USDFWA", "CNCKGA", "PLWAWA"}


def test_tagtrak_example_decodes_field_by_field():
    """TagTrak: ``USJFKK AUSYDX A CB 7 0089 045 1 0 0002``, weight "in 0.1 Kg increments"."""
    rid = s9.parse("USJFKKAUSYDXACB70089045100002")
    assert (rid.origin, rid.destination, rid.category, rid.subclass) == (
        "USJFKK",
        "AUSYDX",
        "A",
        "CB",
    )
    assert (rid.year_digit, rid.despatch_number, rid.serial) == (7, 89, 45)
    assert (rid.is_last, rid.is_registered, rid.weight_kg) == (True, False, Decimal("0.2"))
    assert rid.mail_class == "C"
    assert rid.despatch_id == "USJFKKAUSYDXACB70089"
    assert rid.grouped == "USJFKK AUSYDX A CB 7 0089 045 1 0 0002"
    assert str(rid) == "USJFKKAUSYDXACB70089045100002"
    s9.verify(rid, offices=OFFICES, despatch_year=2017, weight_kg=Decimal("0.2"))


def test_tagtrak_example_with_its_spaces_reads_the_same():
    assert s9.parse("USJFKK AUSYDX A CB 7 0089 045 1 0 0002") == s9.parse(
        "USJFKKAUSYDXACB70089045100002"
    )


def test_icargo_example_decodes_to_120_kg():
    """iCargo's MAILBAG_ID: Frankfurt to Dallas, airmail CA, despatch 1200, 120.0 kg."""
    rid = s9.parse("DEFRAAUSDFWAACA01200120001200")
    assert (rid.origin, rid.destination, rid.category, rid.subclass) == (
        "DEFRAA",
        "USDFWA",
        "A",
        "CA",
    )
    assert (rid.year_digit, rid.despatch_number, rid.serial) == (0, 1200, 120)
    assert (rid.last, rid.registered, rid.weight_kg) == ("0", "0", Decimal("120.0"))
    s9.verify(rid, offices=OFFICES, despatch_year=2020, weight_kg=Decimal("120"))


def test_icargo_test_id_with_receptacle_000_is_refused():
    """iCargo's test data has receptacle serial 000; the project numbers from 001."""
    with pytest.raises(s9.S9Error) as exc:
        s9.parse("DEFRAAUSDFWAAUN24809000000008")
    assert (exc.value.reason, exc.value.field) == ("bad_receptacle_serial", "serial")
    assert "'000'" in exc.value.message


def test_build_gives_the_synthetic_rail_example():
    """The notes' example: Chongqing to Warszawa, surface CC, 2026, 0001/001, 25.0 kg."""
    rid = s9.build(
        origin="CNCKGA",
        destination="PLWAWA",
        category="C",
        subclass="CC",
        year=2026,
        despatch_number=1,
        serial=1,
        weight_kg=Decimal("25.0"),
    )
    assert str(rid) == "CNCKGAPLWAWACCC60001001000250"
    assert s9.parse(str(rid)) == rid


@pytest.mark.parametrize(
    ("kg", "field"),
    [
        ("0.04", "0000"),
        ("0.05", "0001"),
        ("0.25", "0003"),
        ("24.96", "0250"),
        ("25.049", "0250"),
        ("25.05", "0251"),
        ("999.9", "9999"),
        ("999.94", "9999"),
    ],
)
def test_weight_is_tenths_of_a_kg_rounded_half_up(kg, field):
    assert f"{s9.weight_units(Decimal(kg)):04d}" == field


GOOD = "CNCKGAPLWAWACCC60001001000250"


def _with(pos: int, text: str) -> str:
    """GOOD with ``text`` at 1-based position ``pos``."""
    return GOOD[: pos - 1] + text + GOOD[pos - 1 + len(text) :]


#: A refused identifier for each structural reason, and the field it names.
STRUCTURAL = [
    (GOOD[:-1], "length", "s9"),
    (GOOD + "0", "length", "s9"),
    (_with(1, "C1"), "office_format", "origin"),
    (_with(3, "ck"), "office_format", "origin"),
    (_with(7, "PL1"), "office_format", "destination"),
    (_with(7, "CNCKGA"), "same_office", "destination"),
    (_with(13, "E"), "bad_category", "category"),
    (_with(14, "c-"), "bad_subclass", "subclass"),
    (_with(16, "X"), "bad_year", "year"),
    (_with(17, "0000"), "bad_despatch_number", "despatch_number"),
    (_with(17, "00A1"), "bad_despatch_number", "despatch_number"),
    (_with(21, "000"), "bad_receptacle_serial", "serial"),
    (_with(24, "2"), "bad_last_flag", "last"),
    (_with(25, "5"), "bad_registered_flag", "registered"),
    (_with(26, "02X0"), "bad_weight", "weight"),
]


@pytest.mark.parametrize(("text", "reason", "field"), STRUCTURAL)
def test_each_structural_rule_is_refused_with_its_reason(text, reason, field):
    with pytest.raises(s9.S9Error) as exc:
        s9.parse(text)
    assert (exc.value.reason, exc.value.field) == (reason, field)
    assert exc.value.message.endswith(s9.REASONS[reason])


def test_indicators_take_0_1_and_9():
    for flag in "019":
        assert s9.parse(_with(24, flag)).last == flag
        assert s9.parse(_with(25, flag)).registered == flag


def test_unknown_or_closed_office_is_refused():
    rid = s9.parse(GOOD)
    with pytest.raises(s9.S9Error) as exc:
        s9.verify(rid, offices={"CNCKGA"})
    assert (exc.value.reason, exc.value.field) == ("unknown_office", "destination")
    assert "PLWAWA" in exc.value.message


def test_subclass_outside_code_list_117_is_refused():
    rid = s9.parse(_with(14, "ZZ"))
    with pytest.raises(s9.S9Error) as exc:
        s9.verify(rid)
    assert exc.value.reason == "bad_subclass"
    s9.verify(rid, subclasses={"ZZ"})  # a table that holds it accepts it


def test_year_digit_must_be_the_despatch_year():
    rid = s9.parse(GOOD)
    s9.verify(rid, despatch_year=2026)
    with pytest.raises(s9.S9Error) as exc:
        s9.verify(rid, despatch_year=2027)
    assert exc.value.reason == "year_mismatch"
    assert "year digit 6, year 2027" in exc.value.message


def test_weight_must_be_the_weighed_gross_weight():
    rid = s9.parse(GOOD)
    s9.verify(rid, weight_kg=Decimal("25.04"))
    with pytest.raises(s9.S9Error) as exc:
        s9.verify(rid, weight_kg=Decimal("25.05"))
    assert exc.value.reason == "weight_mismatch"
    assert "25.0 kg in the id, weighed 25.05 kg" in exc.value.message


@pytest.mark.parametrize("kg", ["1000", "999.95", "-0.1"])
def test_weight_beyond_999_9_kg_is_refused(kg):
    with pytest.raises(s9.S9Error) as exc:
        s9.weight_units(Decimal(kg))
    assert exc.value.reason == "weight_range"


@pytest.mark.parametrize(
    ("number", "serial", "reason"),
    [
        (0, 1, "bad_despatch_number"),
        (10000, 1, "bad_despatch_number"),
        (1, 1000, "bad_receptacle_serial"),
    ],
)
def test_build_refuses_numbers_outside_their_positions(number, serial, reason):
    with pytest.raises(s9.S9Error) as exc:
        s9.build(
            origin="CNCKGA",
            destination="PLWAWA",
            category="C",
            subclass="CC",
            year=2026,
            despatch_number=number,
            serial=serial,
            weight_kg=Decimal("1"),
        )
    assert exc.value.reason == reason


def _receptacles(*flags: tuple[int, bool], number: int = 1) -> list[s9.ReceptacleId]:
    return [
        s9.build(
            origin="CNCKGA",
            destination="PLWAWA",
            category="C",
            subclass="CC",
            year=2026,
            despatch_number=number,
            serial=serial,
            weight_kg=Decimal("10"),
            last=last,
        )
        for serial, last in flags
    ]


def test_a_despatch_has_one_last_receptacle_the_highest():
    s9.check_despatch(_receptacles((1, False), (2, False), (3, True)))


@pytest.mark.parametrize(
    ("ids", "reason"),
    [
        (_receptacles((1, False), (2, False)), "last_flag"),
        (_receptacles((1, True), (2, True)), "last_flag"),
        (_receptacles((1, False), (2, True), (3, False)), "last_flag"),
        (_receptacles((1, False), (1, True)), "duplicate_serial"),
        (_receptacles((1, False)) + _receptacles((2, True), number=2), "mixed_despatch"),
    ],
)
def test_despatch_rules_are_refused_with_their_reason(ids, reason):
    with pytest.raises(s9.S9Error) as exc:
        s9.check_despatch(ids)
    assert exc.value.reason == reason


def test_every_reason_has_a_test():
    tested = {reason for _, reason, _ in STRUCTURAL}
    tested |= {"unknown_office", "year_mismatch", "weight_mismatch", "weight_range"}
    tested |= {"mixed_despatch", "duplicate_serial", "last_flag"}
    assert tested == set(s9.REASONS)
