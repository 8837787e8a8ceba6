"""Every receipt of the 202205 set, and every receipt the customs simulator writes for the
summary and movement messages, is accepted by ``POST /api/v1/receipts``: its events are
stored, matched to an order by business key where one fits and kept unmatched otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.test_simulator_kit import (
    REFERENCE,
    T0,
    customs,
    export_order,
    filing_set,
    needs_reference,
    released_records,
    replace,
    summary_application,
)
from support import headers

from declarations import dxp
from declarations.ceb import receipts, receipts_out

RECEIPT_SAMPLES = sorted(
    p
    for p in (REFERENCE / "samples").glob("*/*.xml")
    if p.stem.removesuffix("Message")
    in "CEB312 CEB412 CEB512 CEB514 CEB622 CEB624 CEB626 CEB712 CEB304 CEB404 CEB506 CEB508 "
    "CEB510 CEB604 CEB606 CEB608 CEB216 CEB702".split()
)
XML = {"Content-Type": "application/xml"}
pytestmark = needs_reference


def _stored(message_type: str) -> list:
    from app.extensions import db
    from app.models import StatusEvent

    db.session.expire_all()
    query = db.select(StatusEvent).where(StatusEvent.message_type == message_type)
    return list(db.session.execute(query).scalars())


def test_there_is_a_sample_of_each_receipt_sent_back_for_a_filing():
    assert len(RECEIPT_SAMPLES) == 18


@pytest.mark.parametrize("path", RECEIPT_SAMPLES, ids=[p.stem for p in RECEIPT_SAMPLES])
def test_an_official_receipt_sample_is_stored_unmatched(app, client, make_user, path):
    broker = make_user("broker")
    body = path.read_bytes()
    r = client.post("/api/v1/receipts", data=body, headers={**headers(broker), **XML})
    assert r.status_code == 200, r.json
    events = receipts.parse(body)
    assert r.json["events"] == len(events) == 10
    assert r.json["orders"] == [] and r.json["unmatched"] == sorted(
        {e.business_key for e in events}
    )
    stored = _stored(path.stem.removesuffix("Message"))
    assert stored and all(s.order_id is None for s in stored)
    assert {s.details["kind"] for s in stored} == {events[0].kind}


def test_a_signed_for_receipt_is_matched_to_the_order_by_its_waybill(
    app, client, make_user, order_payload
):
    seller, broker = make_user("seller"), make_user("broker")
    r = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201, r.json
    order = r.json
    waybill = order["parcels"][0]["item_id"]
    receipt = receipts_out.build_receipt(
        "CEB514",
        [
            {
                "logisticsCode": "4403180EMS",
                "logisticsNo": waybill,
                "logisticsStatus": "S",
                "returnStatus": "399",
                "returnTime": T0,
                "returnInfo": "海关审结",
            }
        ],
        schema_dir=REFERENCE,
    )
    r = client.post("/api/v1/receipts", data=receipt, headers={**headers(broker), **XML})
    assert r.status_code == 200 and r.json["orders"] == [order["id"]], r.json
    timeline = client.get(f"/api/v1/orders/{order['id']}/clearance", headers=headers(seller))
    assert timeline.json["documents"]["signed_for"][0]["business_key"] == waybill


def test_the_simulators_summary_receipts_are_accepted(app, client, make_user, tmp_path):
    """CEB702 and CEB792 as the simulator writes them (DxpMsg files): read and stored."""
    broker = make_user("broker")
    c = customs(tmp_path)
    snaps = [replace(export_order(n), "filing", statistics_flag="B") for n in (3, 6)]
    for s in snaps:
        c.send(filing_set(s))
    c.send(summary_application(released_records(c, snaps)), at=30)
    files = [f for f in c.sim.due(T0 + timedelta(hours=1)) if f.name[:6] in ("CEB702", "CEB792")]
    assert {f.name[:6] for f in files} == {"CEB702", "CEB792"}
    for f in files:
        r = client.post("/api/v1/receipts", data=f.content, headers={**headers(broker), **XML})
        assert r.status_code == 200, r.json
        assert r.json["events"] == len(receipts.parse(dxp.unwrap(f.content).data))
    (result,) = _stored("CEB792")
    assert result.details["kind"] == "summary_result" and result.business_key.startswith("D")
    assert [s.status for s in sorted(_stored("CEB702"), key=lambda s: s.occurred_at)] == [
        "2",
        "399",
    ]
