"""Inbound ITMATT read back into snapshots; CUSITM and CUSRSP valid against the project's
schemas, with golden messages (``tests/golden/inbound/``, indented like the other golden
messages; re-record with ``SILKPOST_RECORD_GOLDEN=1`` only for an intended change)."""

from __future__ import annotations

import difflib
import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import golden_xml
import inbound_support as ib
import pytest

from declarations import cusitm, cusrsp, itmatt_read
from declarations.errors import DeclarationError, IncompleteDataError, UnsafeXmlError

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "inbound"
CST = timezone(timedelta(hours=8))
WHEN = datetime(2026, 12, 2, 10, 0, tzinfo=CST)


def _compare(name: str, data: bytes) -> None:
    text = golden_xml.pretty(data)
    assert golden_xml.unpretty(text) == data
    path = GOLDEN / name
    if os.environ.get("SILKPOST_RECORD_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        pytest.skip("re-recorded")
    expected = path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), "recorded", "now"
        )
    )
    assert not diff, diff


def test_itmatt_read_back_gives_the_items():
    snaps = [
        ib.snapshot(1, [ib.COAT]),
        ib.snapshot(2, [ib.COAT, ("Silk scarf", "621410", 3, "100")]),
    ]
    got = itmatt_read.parse(ib.itmatt_bytes(snaps))
    assert got.sender == "GBA" and got.recipient == "CNA"
    assert [s.order.item_id for s in got.items] == [ib.item_id(1), ib.item_id(2)]
    second = got.items[1]
    assert second.order.flow == "import" and second.order.regime == "postal"
    assert second.order.shipping_cost == Decimal("40") and second.order.currency == "CNY"
    # 100 for 3 pieces: the unit value is 100/3, the total back to the schema's 5 places
    totals = [ln.total_value.quantize(Decimal("0.00001")) for ln in second.lines]
    assert totals == [Decimal("800"), Decimal("100")]
    assert second.lines[1].quantity == 3 and second.lines[1].hs_code == "621410"
    assert second.recipient.name == "王芳" and second.sender.postcode == "SW1A 2AA"


def test_itmatt_with_entities_or_bad_content_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ITMATT>&a;</ITMATT>'
    with pytest.raises(UnsafeXmlError):
        itmatt_read.parse(bomb)
    with pytest.raises(DeclarationError, match="does not validate"):
        itmatt_read.parse(b'<ITMATT xmlns="urn:silkpost:itmatt:1" version="1"/>')
    one = ib.itmatt_bytes([ib.snapshot(1, [ib.COAT])])
    item = b"<Item>" + one.split(b"<Item>")[1].split(b"</ITMATT>")[0]
    twice = one.replace(b"</ITMATT>", item + b"</ITMATT>")
    with pytest.raises(DeclarationError) as exc:
        itmatt_read.parse(twice)
    assert exc.value.problems == [f"{ib.item_id(1)}: item listed twice"]


def _presentations() -> list[cusitm.Presentation]:
    coat, both = itmatt_read.parse(
        ib.itmatt_bytes([ib.snapshot(1, [ib.COAT]), ib.snapshot(2, [ib.COAT, ib.BOOK])])
    ).items
    # DOMAIN §6.3 worked example: coat 800 × 20 % = 160.
    assessed = cusitm.Assessment(
        "cn_postal_articles",
        "CNY",
        Decimal("800.00"),
        (cusitm.TaxLine(1, Decimal("800.00"), Decimal("0.20"), Decimal("160.00")),),
        Decimal("160.00"),
    )
    flag = cusitm.RiskFlag(
        "hs_wording", "warning", "'Wool coat' & <co> check", "items.0.description"
    )
    return [
        cusitm.Presentation(coat, "0b6b7f6e-4c8e-5a51-9d3e-2f0c3c1a9e10", "GBA", assessed),
        cusitm.Presentation(
            both,
            "0b6b7f6e-4c8e-5a51-9d3e-2f0c3c1a9e10",
            "GBA",
            None,
            "cn_postal_value_cap: postal parcel value 1100.00 CNY over the cap 1000.00 CNY",
            (flag,),
        ),
    ]


def test_cusitm_golden():
    data = cusitm.build(_presentations(), created=WHEN, sender_operator="CNA", recipient="CNCUS")
    _compare("cusitm-coat-and-over-cap.xml", data)
    assert (
        cusitm.build(_presentations(), created=WHEN, sender_operator="CNA", recipient="CNCUS")
        == data
    )


def test_cusitm_from_a_quote_and_refusals():
    quote = {
        "regime": "cn_postal_articles_waived",
        "currency": "CNY",
        "customs_value": "300.00",
        "taxes": [
            {"kind": "postal_articles_tax", "base": "300.00", "rate": "0.13", "amount": "0.00"}
        ],
        "tax_total": "0.00",
    }
    a = cusitm.assessment_from_quote(quote)
    assert a.taxes == (cusitm.TaxLine(1, Decimal("300.00"), Decimal("0.13"), Decimal("0.00")),)
    p = _presentations()[0]
    both = cusitm.Presentation(p.snapshot, p.itmatt_message_id, "GBA", a, "and a reason")
    with pytest.raises(IncompleteDataError) as exc:
        cusitm.build([both], created=WHEN, sender_operator="CNA", recipient="CNCUS")
    assert exc.value.problems == [
        f"{ib.item_id(1)}: give either an assessment or why there is none"
    ]


def _decisions() -> list[cusrsp.Decision]:
    ref = "2f0c3c1a-9e10-5a51-9d3e-0b6b7f6e4c8e"
    return [
        cusrsp.Decision(ib.item_id(1), ref, "release", WHEN, tax=Decimal("160"), currency="CNY"),
        cusrsp.Decision(ib.item_id(2), ref, "hold", WHEN, reason="inspection", note="x-ray"),
    ]


def test_cusrsp_golden_and_read_back():
    data = cusrsp.build(_decisions(), created=WHEN, sender="CNCUS", recipient="CNA")
    _compare("cusrsp-release-and-hold.xml", data)
    assert cusrsp.is_cusrsp(data)
    message = cusrsp.parse(data)
    assert message.decisions == tuple(_decisions())
    assert (message.sender, message.recipient) == ("CNCUS", "CNA")


def test_cusrsp_checks():
    ref = "2f0c3c1a-9e10-5a51-9d3e-0b6b7f6e4c8e"
    bad = [
        cusrsp.Decision(ib.item_id(1), ref, "hold", WHEN),
        cusrsp.Decision(ib.item_id(2), ref, "release", WHEN.replace(tzinfo=None), reason="other"),
    ]
    with pytest.raises(IncompleteDataError) as exc:
        cusrsp.build(bad, created=WHEN, sender="CNCUS", recipient="CNA")
    assert exc.value.problems == [
        f"{ib.item_id(1)}: a hold needs a reason, one of documents, inspection, duties, "
        "restricted, security, other",
        f"{ib.item_id(2)}: decision time has no UTC offset",
        f"{ib.item_id(2)}: a release takes no reason",
    ]
    with pytest.raises(UnsafeXmlError):
        cusrsp.parse(b'<!DOCTYPE a [<!ENTITY b SYSTEM "file:///etc/passwd">]><CUSRSP>&b;</CUSRSP>')
