"""PREDES in the project schema (urn:silkpost:predes:1): whole recorded messages, validity
against ``declarations/schemas/predes.xsd`` and the refusals before any XML is written.

Re-record the golden files only for an intended change, named in the commit:
``SILKPOST_RECORD_GOLDEN=1 .venv/bin/pytest tests/unit/declarations/test_decl_predes.py``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from datetime import datetime
from pathlib import Path

import despatch_examples as ex
import golden_xml
import pytest
from lxml import etree

from declarations import predes, xmlout
from declarations.despatch import Transport
from declarations.errors import IncompleteDataError, SchemaValidationError

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "posts"
RECORD = os.environ.get("SILKPOST_RECORD_GOLDEN") == "1"
CASES = {"predes-rail": ex.rail, "predes-air-registered": ex.air}


def _compare(path: Path, actual: str) -> None:
    if RECORD:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"re-recorded {path.name}")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), "recorded", "now"
        )
        pytest.fail("PREDES differs from the recorded one:\n" + "".join(diff), pytrace=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_message_is_the_recorded_one(case):
    data = predes.build(CASES[case]())
    text = golden_xml.pretty(data)
    assert golden_xml.unpretty(text) == data
    _compare(GOLDEN / f"{case}.xml", text)


def test_every_golden_file_belongs_to_a_case():
    assert {p.stem for p in GOLDEN.glob("*.xml")} == set(CASES)


def test_same_despatch_same_bytes_and_message_id():
    assert predes.build(ex.rail()) == predes.build(ex.rail())
    later = dataclasses.replace(ex.rail(), closed_at=datetime(2026, 5, 11, 19, tzinfo=ex.CHINA))
    assert predes.message_id(later) != predes.message_id(ex.rail())


def test_lists_every_receptacle_and_the_s10_ids_inside():
    despatch = ex.rail(count=8, per=25)
    root = xmlout.parse(predes.build(despatch))
    ns = {"p": predes.NS}
    receptacles = root.findall("p:Receptacle", ns)
    assert [r.get("id") for r in receptacles] == [str(r.s9) for r in despatch.receptacles]
    assert [r.get("last") for r in receptacles] == ["false"] * 7 + ["true"]
    items = [i.get("id") for i in root.iterfind("p:Receptacle/p:Item", ns)]
    assert len(items) == 200 == len(set(items))
    assert items == [i.item_id for r in despatch.receptacles for i in r.items]
    totals = root.find("p:Totals", ns)
    assert totals.attrib == {
        "receptacles": "8",
        "registeredReceptacles": "0",
        "items": "200",
        "grossWeightKg": "242.4",  # 8 × (25 × 1.2 + 0.25 tare), 30.25 → 30.3
    }


@pytest.mark.parametrize(
    ("mode", "fields", "tag"),
    [
        ("road", {"truck": "M 123 XY 75", "seal": "S1"}, "Road"),
        ("sea", {"vessel": "COSCO TAURUS", "voyage": "041W", "port_of_loading": "CNSHA"}, "Sea"),
    ],
)
def test_road_and_sea_legs_validate(mode, fields, tag):
    leg = Transport(mode=mode, departure=ex.CLOSED, fields=fields)
    root = xmlout.parse(predes.build(dataclasses.replace(ex.rail(), transport=leg)))
    element = root.find(f"{{{predes.NS}}}Transport/{{{predes.NS}}}{tag}")
    assert element is not None and element[0].text == next(iter(fields.values()))


def test_refused_before_any_xml_is_written():
    rail = ex.rail()
    no_itmatt = dataclasses.replace(
        rail.receptacles[0],
        items=(dataclasses.replace(rail.receptacles[0].items[0], itmatt_sha256=""),),
    )
    two_last = dataclasses.replace(
        rail.receptacles[0], s9=dataclasses.replace(rail.receptacles[0].s9, last="1")
    )
    leg = dataclasses.replace(rail.transport, border_crossing="")
    naive = rail.closed_at.replace(tzinfo=None)
    cases = [
        (
            dataclasses.replace(rail, receptacles=(no_itmatt, rail.receptacles[1])),
            "no ITMATT message",
        ),
        (
            dataclasses.replace(rail, receptacles=(two_last, rail.receptacles[1])),
            "exactly one receptacle",
        ),
        (dataclasses.replace(rail, transport=leg), "border crossing"),
        (dataclasses.replace(rail, closed_at=naive), "has no offset"),
        (dataclasses.replace(rail, receptacles=()), "at least one receptacle"),
    ]
    for despatch, text in cases:
        with pytest.raises(IncompleteDataError) as exc:
            predes.build(despatch)
        assert any(text in p for p in exc.value.problems), (text, exc.value.problems)


def test_the_schema_refuses_what_the_checks_do_not_cover():
    """Schema facts on their own: an S9 id of the wrong form, a repeated item."""
    data = predes.build(ex.rail())
    root = xmlout.parse(data)
    first = root.find(f"{{{predes.NS}}}Receptacle")
    first.set("id", "CNDGGALTVNOACCC6000100100025")
    with pytest.raises(SchemaValidationError) as exc:
        xmlout.validate_built(root, predes.schema(), "PREDES")
    assert any("S9Id" in p or "pattern" in p for p in exc.value.problems)
    root = xmlout.parse(data)
    items = list(root.iterfind(f"{{{predes.NS}}}Receptacle/{{{predes.NS}}}Item"))
    items[1].set("id", items[0].get("id"))
    with pytest.raises(SchemaValidationError) as exc:
        xmlout.validate_built(root, predes.schema(), "PREDES")
    assert any("itemOnce" in p for p in exc.value.problems)


def test_the_schema_documents_itself():
    doc = etree.parse(str(Path(predes.__file__).parent / "schemas" / predes.SCHEMA_FILE))
    text = etree.tostring(doc, encoding="unicode")
    assert "distributed to UPU members only" in text
    assert 'targetNamespace="urn:silkpost:predes:1"' in text
