"""Parcel movements (CEB507/509/607/711/513) and export returns (CEB213/215): valid against
the official schemas, filed by whoever moves the batch, and what their documentation asks."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import golden_xml
import pytest
from lxml import etree

from declarations import xsd
from declarations.ceb import movements, returns
from declarations.ceb.common import NS, Options
from declarations.errors import IncompleteDataError

N = {"ceb": NS}
DS = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def _valid(data: bytes, ceb_dir, side: str = "export") -> etree._Element:
    root = etree.fromstring(data)
    schema = xsd.load(ceb_dir / f"ceb-{side}.xsd")
    assert schema.validate(root), schema.error_log
    return root


def _texts(root: etree._Element, path: str) -> list[str]:
    return [e.text for e in root.findall(path, N)]


def _sender(root: etree._Element) -> str:
    return root.findtext("ceb:BaseTransfer/ceb:copCode", namespaces=N)


def test_a_long_arrival_is_split_under_one_copno_numbering_its_parcels_on(ceb_dir):
    parts = movements.build_ceb507(golden_xml.consignment(), schema_dir=ceb_dir, max_per_message=2)
    roots = [_valid(p, ceb_dir) for p in parts]
    heads = [r.find("ceb:Arrival/ceb:ArrivalHead", N) for r in roots]
    assert [(h.findtext("ceb:copNo", namespaces=N), h.findtext("ceb:msgSeqNo", namespaces=N))
            for h in heads] == [("MV-2026-0303-01", "1"), ("MV-2026-0303-01", "2")]  # fmt: skip
    assert [_texts(r, "ceb:Arrival/ceb:ArrivalList/ceb:gnum") for r in roots] == [["1", "2"], ["3"]]
    assert {_sender(r) for r in roots} == {"4403180EMS"}, "the site operator files it"


def test_a_departure_states_when_the_batch_left_and_is_filed_by_the_carrier(ceb_dir):
    at = datetime(2026, 4, 1, 23, 5, 9)
    (data,) = movements.build_ceb509(golden_xml.consignment(at=at), schema_dir=ceb_dir)
    root = _valid(data, ceb_dir)
    assert root.findtext("ceb:Departure/ceb:DepartureHead/ceb:leaveTime", namespaces=N) == (
        "20260401230509"
    )
    assert _sender(root) == "4403180EMS"
    assert _texts(root, "ceb:Departure/ceb:DepartureList/ceb:logisticsNo") == [
        "LX000000001CN",
        "LX000000002CN",
        "LX000000003CN",
    ]


def test_a_waybill_list_names_each_parcels_inventory_and_is_signed_when_declared(ceb_dir):
    c = golden_xml.consignment()
    (data,) = movements.build_ceb607(c, signer=golden_xml.signer(), schema_dir=ceb_dir)
    root = _valid(data, ceb_dir)
    assert root.find(DS) is not None and _sender(root) == "4403980DEF"
    assert _texts(root, "ceb:WayBill/ceb:WayBillList/ceb:invtNo") == [
        f"53042026E{n:09d}" for n in (1, 2, 3)
    ]
    with pytest.raises(IncompleteDataError, match="must be signed"):
        movements.build_ceb607(c)
    staged = movements.build_ceb607(c, options=Options(app_status="1"), schema_dir=ceb_dir)
    assert _valid(staged[0], ceb_dir).find(DS) is None, "staged, it may go unsigned"


def test_a_site_entry_lists_waybills_only_and_is_signed_by_the_site_operator(ceb_dir):
    data = movements.build_ceb711(
        golden_xml.import_site_entry(), signer=golden_xml.signer(), schema_dir=ceb_dir
    )
    root = _valid(data, ceb_dir, "import")
    rows = root.findall("ceb:Delivery/ceb:DeliveryList", N)
    assert [[etree.QName(c).localname for c in row] for row in rows] == [
        ["gnum", "logisticsNo"],
        ["gnum", "logisticsNo", "note"],
    ]
    assert root[-1].tag == DS and _sender(root) == "1101180326"


def test_signed_for_is_always_status_s_and_at_most_100_a_message(ceb_dir):
    root = _valid(
        movements.build_ceb513(golden_xml.SIGNED_FOR, schema_dir=ceb_dir), ceb_dir, "import"
    )
    assert _texts(root, "ceb:LogisticsStatus/ceb:logisticsStatus") == ["S", "S"]
    assert _sender(root) == "1101180326"
    with pytest.raises(IncompleteDataError, match="1 to 100 parcels, got 101"):
        movements.build_ceb513(golden_xml.SIGNED_FOR[:1] * 101)


def test_a_partial_return_gives_back_the_statutory_quantity_in_proportion(ceb_dir):
    snap = golden_xml.exp_return()
    snap = dataclasses.replace(
        snap,
        lines=(
            dataclasses.replace(snap.lines[0], legal_unit="kg", legal_quantity=Decimal("0.72")),
        ),
    )
    data = returns.build_ceb213(
        snap, reason="尺码不符", returned={1: Decimal(1)}, schema_dir=ceb_dir
    )
    root = _valid(data, ceb_dir)
    line = root.find("ceb:InvtRefund/ceb:InvtRefundList", N)
    assert [line.findtext(f"ceb:{n}", namespaces=N) for n in ("qty", "qty1", "unit1")] == [
        "1",
        "0.36",
        "035",
    ]
    head = root.find("ceb:InvtRefund/ceb:InvtRefundHead", N)
    values = {n: head.findtext(f"ceb:{n}", namespaces=N) for n in _RETURN_HEAD}
    assert values == {
        "ieFlag": "I",
        "invtNo": "53042026E000000017",
        "logisticsNo": "LX806576725CN",  # the original waybill, by default
        "billNo": "LX806576725CN",  # no bill: the waybill
        "coElNo": "SPEXP0001R",
        "country": "304",  # from where it went
        "agentCode": "4403980DEF",
    }
    assert _sender(root) == "4403980DEF", "the declarer files the return"


_RETURN_HEAD = ("ieFlag", "invtNo", "logisticsNo", "billNo", "coElNo", "country", "agentCode")


def test_a_return_tally_has_one_node_per_parcel(ceb_dir):
    root = _valid(returns.build_ceb215(golden_xml.return_tally(), schema_dir=ceb_dir), ceb_dir)
    nodes = root.findall("ceb:InvtRefundDetail", N)
    assert [n.findtext("ceb:coElNo", namespaces=N) for n in nodes] == ["TALLY-0001", "TALLY-0002"]
    assert {n.findtext("ceb:ieFlag", namespaces=N) for n in nodes} == {"I"}
    assert _sender(root) == "4403180EMS"
    no_bill = golden_xml.return_tally()
    no_bill = dataclasses.replace(no_bill, bill_no="")
    root = _valid(returns.build_ceb215(no_bill, schema_dir=ceb_dir), ceb_dir)
    assert _texts(root, "ceb:InvtRefundDetail/ceb:billNo") == ["LX000000001CN", "LX000000002CN"]
