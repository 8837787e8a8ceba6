"""Receipts naming one parcel (CEB514 signed-for, CEB216 return tally) move its case and
its tracking timeline; every official receipt sample of the 202205 set is read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from clearance_support import CEB_DIR, configure, create, export_body, hand_over, parties
from support import headers

from declarations.ceb import receipts_out

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
XML = {"Content-Type": "application/xml"}
AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
SAMPLES = sorted((CEB_DIR / "samples").glob("*/*.xml"))
RECEIPTS = [p for p in SAMPLES if p.stem[3:6] in {"508", "510", "514", "608", "712", "216"}]


@pytest.fixture
def parcel(app, client, make_user):
    """An export order handed over (its case open), and its waybill number."""
    configure(app)
    seller, broker = parties(client, make_user)
    order_id = create(client, seller, export_body(7))
    (case_id,) = hand_over(client, seller, [order_id])
    order = client.get(f"/api/v1/orders/{order_id}", headers=headers(seller)).json
    return seller, broker, case_id, order["parcels"][0]


def _post(client, broker, body: bytes) -> dict:
    r = client.post("/api/v1/receipts", data=body, headers={**headers(broker), **XML})
    assert r.status_code == 200, r.json
    return r.json


def _signed_for(waybill: str, status: str) -> bytes:
    node = {"logisticsCode": "4403180EMS", "logisticsNo": waybill, "logisticsStatus": "S"}
    info = {"399": "海关审结", "100": "海关退单: 运单不存在"}[status]
    return receipts_out.build_receipt(
        "CEB514", [{**node, "returnStatus": status, "returnTime": AT, "returnInfo": info}]
    )


def _events(client, who, path: str) -> list[dict]:
    r = client.get(path, headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json["events"]


def test_a_signed_for_receipt_is_a_case_event_and_final_delivery(client, parcel):
    seller, broker, case_id, p = parcel
    refused = _post(client, broker, _signed_for(p["item_id"], "100"))
    assert refused["orders"] and refused["new_events"] == 1
    _post(client, broker, _signed_for(p["item_id"], "399"))
    again = _post(client, broker, _signed_for(p["item_id"], "399"))
    assert again["new_events"] == 0
    case = client.get(f"/api/v1/clearance/{case_id}", headers=headers(broker)).json
    signed = [e for e in case["events"] if e["action"] == "signed_for"]
    assert [(e["reason"], e["details"]["receipt_status"]) for e in signed] == [
        ("海关退单: 运单不存在", "100"),
        ("海关审结", "399"),
    ]
    timeline = _events(client, seller, f"/api/v1/parcels/{p['id']}/events")
    final = [e for e in timeline if e["code"] == "EMI"]
    once = [("2026-11-30T10:00:00+08:00", "CEB514 海关审结")]
    assert [(e["time"], e["note"]) for e in final] == once


def test_a_return_tally_is_a_case_event(client, parcel):
    _, broker, case_id, p = parcel
    node = {
        "operatorCode": "4403180EMS",
        "logisticsCode": "4403180EMS",
        "logisticsNo": p["item_id"],
        "coElNo": "RET-0007",
        "preNo": "O20261130000000001",
        "returnStatus": "399",
        "returnTime": AT,
        "returnInfo": "理货审结",
    }
    result = _post(client, broker, receipts_out.build_receipt("CEB216", [node]))
    assert result["orders"], result
    case = client.get(f"/api/v1/clearance/{case_id}", headers=headers(broker)).json
    (tallied,) = [e for e in case["events"] if e["action"] == "return_tallied"]
    assert tallied["details"]["business_key"] == "RET-0007" and tallied["reason"] == "理货审结"


@pytest.mark.parametrize("path", RECEIPTS, ids=[p.stem for p in RECEIPTS])
def test_every_movement_and_return_receipt_sample_is_read(client, make_user, path):
    broker = make_user("broker")
    result = _post(client, broker, path.read_bytes())
    assert result["events"] == 10 and result["orders"] == []


def test_the_six_receipts_have_official_samples():
    assert sorted(p.stem[:6] for p in RECEIPTS) == [
        "CEB216", "CEB508", "CEB510", "CEB514", "CEB608", "CEB712",
    ]  # fmt: skip
