"""The rules of the postal channel besides S9: IMPC codes, legs per mode, category and mode,
delivery bill forms, the weight tolerance; and the reviewed offices and lanes data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from declarations import impc, mail_codes, postal_network
from declarations.despatch import (
    BILL_FORMS,
    LEG_FIELDS,
    category_problem,
    leg_problems,
    weight_problem,
    weight_tolerance,
)


@pytest.mark.parametrize("code", ["CNBJSA", "DEFRAA", "USJFKK", "KZALAA", "MNALTZ", "AUSYDX"])
def test_impc_codes_have_country_location_qualifier(code):
    parts = impc.parse(code)
    assert (parts.country, parts.location, parts.qualifier) == (code[:2], code[2:5], code[5])


@pytest.mark.parametrize("code", ["CNBJS", "CNBJSAA", "cnbjsa", "CN1JSA", "CNBJS-", ""])
def test_not_impc_codes(code):
    with pytest.raises(impc.ImpcError):
        impc.parse(code)


def test_each_mode_takes_its_own_leg_fields():
    assert leg_problems("air", {"flight": "CA931", "airport_of_loading": "PVG"}) == {}
    assert leg_problems("rail", {"train": "X8012", "wagon": "TGHU 123456 7"}) == {}
    assert leg_problems("road", {"truck": "M 123 XY 75"}) == {}
    assert leg_problems("sea", {"vessel": "COSCO TAURUS", "voyage": "041W"}) == {}


def test_a_required_field_missing_and_another_modes_field_are_refused():
    problems = leg_problems("rail", {"train": "X8012", "flight": "CA931"})
    assert problems == {
        "wagon": ["required for a rail leg"],
        "flight": ["a field of air legs; a rail leg takes train, wagon, seal, consignment_note"],
    }
    assert leg_problems("sea", {"vessel": "COSCO TAURUS"}) == {"voyage": ["required for a sea leg"]}
    assert set(leg_problems("air", {"flight": "CA931", "seal": "S1"})) == {"seal"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flight", "CA 931"),
        ("flight", "ca931"),
        ("flight", "CA93155"),
        ("airport_of_loading", "PVGX"),
        ("air_waybill", "999-1234567"),
    ],
)
def test_values_of_the_wrong_form_are_refused(field, value):
    problems = leg_problems("air", {"flight": "CA931", field: value})
    assert list(problems) == [field] and repr(value) in problems[field][0]


def test_leg_fields_table_covers_every_mode_once():
    assert set(LEG_FIELDS) == {"air", "rail", "road", "sea"}


@pytest.mark.parametrize(
    ("category", "mode", "fits"),
    [
        ("A", "air", True),
        ("B", "air", True),
        ("C", "rail", True),
        ("C", "sea", True),
        ("D", "road", True),
        ("A", "rail", False),
        ("C", "air", False),
        ("B", "sea", False),
    ],
)
def test_category_and_mode(category, mode, fits):
    assert (category_problem(category, mode) is None) == fits


def test_category_problem_names_the_category_and_the_modes():
    assert category_problem("C", "air") == (
        "category C (Surface mail / non-priority mail) travels by rail or road or sea, not by air"
    )


def test_delivery_bill_per_category():
    """DOMAIN.md §8: CN 38 air mail, CN 41 S.A.L., CN 37 surface (C, and D by surface)."""
    assert BILL_FORMS == {"A": "CN38", "B": "CN41", "C": "CN37", "D": "CN37"}


def test_weight_tolerance_is_0_1_kg_or_1_percent():
    assert weight_tolerance(Decimal("5")) == Decimal("0.1")
    assert weight_tolerance(Decimal("30")) == Decimal("0.30")
    # 25 parcels of 1.2 kg and a 0.25 kg bag: 30.25 kg expected, 0.3025 kg allowed
    assert weight_problem(Decimal("30.55"), Decimal("30"), Decimal("0.25")) is None
    assert weight_problem(Decimal("29.95"), Decimal("30"), Decimal("0.25")) is None
    problem = weight_problem(Decimal("30.56"), Decimal("30"), Decimal("0.25"))
    assert problem == (
        "30.56 kg declared, but the parcels weigh 30 kg and the empty receptacle 0.25 kg: "
        "30.25 kg, more than 0.3025 kg apart"
    )
    assert weight_problem(Decimal("3.8"), Decimal("3.6"), Decimal("0.1")) is None
    assert weight_problem(Decimal("3.81"), Decimal("3.6"), Decimal("0.1")) is not None


def test_mail_codes_table_names_a_source_for_every_code():
    codes = mail_codes.load()
    assert set(codes.categories) == {"A", "B", "C", "D"}
    assert {"CA", "CB", "CC", "CD", "CE", "CF", "UN"} <= set(codes.subclasses)
    assert all(c.source for c in [*codes.categories.values(), *codes.subclasses.values()])
    assert codes.subclasses["UN"].reviewed is False  # test data only
    assert codes.class_name("CC") == "Parcels"


# -- network data --------------------------------------------------------------------------


def test_offices_are_impc_codes_with_a_zone_and_a_source():
    rows = postal_network.offices()
    codes = [o.code for o in rows]
    assert len(codes) == len(set(codes))
    for office in rows:
        impc.parse(office.code)
        assert postal_network.is_timezone(office.timezone)
        assert "code list 108b" in office.source or "S9 examples" in office.source
        assert office.reviewed is False  # from a snapshot, to be checked against 108b
    assert {"CNBJSA", "CNCKGA", "LTVNOA", "PLWAWA", "DEFRAA", "KZALAA"} <= set(codes)
    assert "CNPEKA" not in codes  # Beijing is CNBJSA in the IMPC list


def test_every_rail_lane_names_a_crossing_that_carries_mail():
    crossings = postal_network.crossings()
    rail = [lane for lane in postal_network.lanes() if lane.mode == "rail"]
    assert rail
    for lane in rail:
        assert crossings[lane.border_crossing].carries_mail, lane.code
        assert "chinapost" in lane.source or "globaltimes" in lane.source, lane.code


def test_erenhot_and_suifenhe_are_sourced_for_freight_only():
    crossings = postal_network.crossings()
    assert {c for c, x in crossings.items() if x.carries_mail} == {
        "ALASHANKOU",
        "KHORGOS",
        "MANZHOULI",
        "PINGXIANG",
    }
    assert not crossings["ERENHOT"].carries_mail and not crossings["SUIFENHE"].carries_mail


def test_the_khorgos_lane_is_the_dongguan_vilnius_train():
    lane = next(x for x in postal_network.lanes() if x.code == "CNDGGA-LTVNOA-RAIL-KHORGOS")
    assert lane.gateway == "Vilnius"
    assert "4687-1.htm" in lane.source


@pytest.mark.parametrize(
    ("args", "problems"),
    [
        (
            ("CNDGGA", "LTVNOA", "rail", ""),
            {"border_crossing": ["a rail lane names its border crossing"]},
        ),
        (
            ("CNSHAA", "DEFRAA", "air", "KHORGOS"),
            {"border_crossing": ["an air lane crosses no land border"]},
        ),
        (
            ("CNDGGA", "XXABCA", "rail", "KHORGOS"),
            {"destination_office": ["'XXABCA' is not an office of exchange in the office table"]},
        ),
        (
            ("CNDGGA", "CNDGGA", "road", ""),
            {"destination_office": ["a lane joins two different offices"]},
        ),
        (
            ("CNDGGA", "LTVNOA", "rail", "NOWHERE"),
            {
                "border_crossing": [
                    "'NOWHERE' is not one of ALASHANKOU, KHORGOS, MANZHOULI, PINGXIANG, "
                    "ERENHOT, SUIFENHE"
                ]
            },
        ),
        (
            ("CNDGGA", "LTVNOA", "canal", ""),
            {"mode": ["'canal' is not one of air, rail, road, sea"]},
        ),
    ],
)
def test_lane_problems(args, problems):
    offices = {o.code for o in postal_network.offices()}
    assert postal_network.lane_problems(*args, offices) == problems


def test_road_lanes_may_name_a_crossing():
    offices = {o.code for o in postal_network.offices()}
    assert postal_network.lane_problems("CNMLXA", "RUOVBB", "road", "MANZHOULI", offices) == {}
    assert postal_network.lane_problems("CNMLXA", "RUOVBB", "road", "", offices) == {}
