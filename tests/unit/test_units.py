"""The one unit table (tariff_tables.request.UNIT_ALIASES): UN/ECE Recommendation 20
codes (Revision 17, 2021) and the customs units they map to, for the engine and intake."""

from decimal import Decimal

import pytest

from tariff_tables import InvalidRequest, QuoteLine
from tariff_tables.request import ACCEPTED_UNITS, UNIT_ALIASES, customs_unit

# Rec 20 Rev 17 common codes -> the customs unit; PCE is the legacy alias of H87.
REC20 = {
    "KGM": "kg",
    "GRM": "g",
    "LTR": "l",
    "MLT": "ml",
    "H87": "piece",
    "C62": "piece",
    "EA": "piece",
    "NAR": "piece",
    "PCE": "piece",
    "PR": "pair",
    "NPR": "pair",
    "SET": "set",
}


@pytest.mark.parametrize("code, unit", sorted(REC20.items()))
def test_rec20_codes_map_to_customs_units(code, unit):
    assert customs_unit(code) == unit
    assert customs_unit(code.lower()) == unit
    assert customs_unit(f"  {code} ") == unit


def test_every_entry_maps_to_one_of_the_seven_customs_units():
    assert set(UNIT_ALIASES.values()) == {"kg", "g", "l", "ml", "piece", "set", "pair"}
    assert ACCEPTED_UNITS == tuple(UNIT_ALIASES)
    assert REC20.items() <= UNIT_ALIASES.items()


@pytest.mark.parametrize("code", ["FURLONG", "BX", "PK", "DZN", "MTR", "XBX", ""])
def test_codes_without_a_customs_unit_are_unknown(code):
    assert customs_unit(code) is None


def test_kg_is_the_customs_kilogram_not_rec20_keg():
    # Rec 20's "KG" (keg) is a deleted code; sellers writing KG mean kilograms.
    assert customs_unit("KG") == "kg"


def line(unit: str) -> QuoteLine:
    return QuoteLine(
        sku="S",
        description="Green tea",
        hs_code="090210",
        quantity=Decimal(2),
        unit=unit,
        net_weight_kg=Decimal("0.5"),
        unit_value=Decimal(10),
        origin_country="CN",
    )


def test_the_engine_reads_units_through_the_same_table():
    assert line("KGM").unit == "kg"
    assert line("pce").unit == "piece"
    with pytest.raises(InvalidRequest) as refused:
        line("FURLONG")
    assert str(refused.value) == (
        "unit 'FURLONG' is not a known unit; accepted: " + ", ".join(ACCEPTED_UNITS)
    )
