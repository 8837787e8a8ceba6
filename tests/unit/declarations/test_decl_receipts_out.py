"""Receipts the service writes (the customs simulator's answers) validate against the official
schemas and read back through the receipts pipeline as the events they were written from."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import golden_xml
import pytest
from lxml import etree

from declarations import xsd
from declarations.ceb import receipts, receipts_out
from declarations.ceb.common import NS
from declarations.errors import IncompleteDataError

#: The business key the reader files each receipt under (receipts._RETURNS).
KEY = {
    "CEB312": "orderNo",
    "CEB304": "orderNo",
    "CEB412": "payTransactionId",
    "CEB404": "orderNo",
    "CEB512": "logisticsNo",
    "CEB506": "logisticsNo",
    "CEB622": "copNo",
    "CEB604": "copNo",
    "CEB624": "copNo",
    "CEB606": "copNo",
    "CEB626": "copNo",
    "CEB900": "oriCopMsgId",
    "CEB508": "copNo",
    "CEB510": "copNo",
    "CEB608": "copNo",
    "CEB702": "copNo",
    "CEB514": "logisticsNo",
    "CEB712": "copNo",
    "CEB214": "coElNo",
    "CEB216": "coElNo",
}


def _china(when: datetime) -> datetime:
    """Receipt times are China Standard Time; the reader gives them with that offset."""
    return when.replace(tzinfo=receipts.CHINA_TIME)


@pytest.mark.parametrize("msg_type", sorted(golden_xml.RECEIPT_RETURNS))
def test_receipts_round_trip_through_the_reader(ceb_dir, msg_type):
    returns = golden_xml.RECEIPT_RETURNS[msg_type]
    data = receipts_out.build_receipt(msg_type, returns, schema_dir=ceb_dir)
    root = etree.fromstring(data)
    assert etree.QName(root).localname == f"{msg_type}Message"
    events = receipts.parse(data)
    assert [(e.business_key, e.status, e.time, e.info) for e in events] == [
        (r[KEY[msg_type]], r["returnStatus"], _china(r["returnTime"]), r["returnInfo"])
        for r in returns
    ]
    assert all(e.message_type == msg_type for e in events)


def test_node_guids_are_deterministic_and_differ_per_status(ceb_dir):
    returns = golden_xml.RECEIPT_RETURNS["CEB622"]
    first = receipts_out.build_receipt("CEB622", returns)
    assert first == receipts_out.build_receipt("CEB622", returns)
    guids = etree.fromstring(first).findall(f"{{{NS}}}InventoryReturn/{{{NS}}}guid")
    assert len({g.text for g in guids}) == len(returns) == 4
    given = [{**returns[0], "guid": "A" * 36}]
    assert b"A" * 36 in receipts_out.build_receipt("CEB622", given, schema_dir=ceb_dir)


def test_long_lists_are_split_into_full_messages(ceb_dir):
    start = datetime(2026, 4, 1, 9)
    returns = [
        {
            "ebpCode": "1101110325",
            "ebcCode": "1105910159",
            "orderNo": f"SP-{n:05d}",
            "returnStatus": "120",
            "returnTime": start + timedelta(milliseconds=n),
            "returnInfo": "海关入库",
        }
        for n in range(250)
    ]
    messages = receipts_out.build_receipts("CEB312", returns, schema_dir=ceb_dir)
    assert [len(receipts.parse(m)) for m in messages] == [100, 100, 50]
    keys = [e.business_key for m in messages for e in receipts.parse(m)]
    assert keys == [r["orderNo"] for r in returns]
    one = golden_xml.RECEIPT_RETURNS["CEB900"] * 2
    assert len(receipts_out.build_receipts("CEB900", one, schema_dir=ceb_dir)) == 2


def test_every_receipt_layout_matches_its_schema_node(ceb_dir):
    """Each receipt writes the node its schema's message element holds."""
    for msg_type, spec in receipts_out.RECEIPTS.items():
        schema = etree.parse(str(ceb_dir / spec.schema_file)).getroot()
        xs = "{http://www.w3.org/2001/XMLSchema}"
        message = schema.find(f"{xs}element[@name='{msg_type}Message']")
        (ref,) = [e.get("ref") for e in message.iter(f"{xs}element") if e.get("ref")]
        assert ref == f"ceb:{spec.node}", msg_type


def test_tax_bill_validates_and_reads_back_its_total(ceb_dir):
    data = receipts_out.build_tax_bill([golden_xml.TAX_BILL], schema_dir=ceb_dir)
    assert xsd.load(ceb_dir / "ceb-import.xsd").validate(etree.fromstring(data))
    (event,) = receipts.parse(data)
    assert event.kind == "tax" and event.business_key == "01012026I000000001"
    assert event.extra["total"] == Decimal("29.12") and event.status == "1"


def test_a_receipt_missing_its_keys_is_refused_with_every_problem():
    with pytest.raises(IncompleteDataError) as err:
        receipts_out.build_receipt("CEB604", [{"returnStatus": "2"}])
    assert {"agentCode", "copNo", "preNo", "invtNo", "statisticsFlag"} <= {
        p.split(": ")[1].split()[0] for p in err.value.problems
    }
