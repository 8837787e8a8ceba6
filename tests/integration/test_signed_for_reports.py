"""An import parcel delivered: the carrier's final delivery scan (EMI) of a released import
files the signed-for report CEB513 once, through the gateway, and the customs simulator's
CEB514 becomes the case event ``signed_for`` and EMI from customs' side; deliveries of
exports or of parcels customs have not released file nothing."""

from __future__ import annotations

import pytest
from clearance_support import (
    CEB_DIR,
    Simulator,
    case_of,
    configure,
    create,
    file_orders,
    import_body,
    parties,
    resident_id,
    settle,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def released(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    carrier = make_user("carrier")
    sim = Simulator(app)
    orders = [create(client, seller, import_body(n, resident_id(n))) for n in (1, 2)]
    case_ids = file_orders(app, client, seller, broker, orders)
    settle(app, sim)
    parcels = [
        client.get(f"/api/v1/orders/{o}", headers=headers(seller)).json["parcels"][0]
        for o in orders
    ]
    yield app, client, seller, broker, carrier, sim, parcels, case_ids
    sim.close()


def _scan(client, carrier, item_id, code="EMI", time="2026-12-03T15:20:00+08:00"):
    row = {"s10": item_id, "code": code, "office": "CNBJSA", "time": time}
    r = client.post("/api/v1/events", json=[row], headers=headers(carrier))
    assert r.status_code == 200 and r.json["stored"] == 1, r.json


def _reports():
    from app.extensions import db
    from app.models import MovementFiling

    db.session.expire_all()
    stmt = db.select(MovementFiling).where(MovementFiling.kind == "signed_for")
    return list(db.session.execute(stmt).scalars())


def test_a_delivered_import_is_reported_signed_for_once(released):
    app, client, seller, broker, carrier, sim, parcels, case_ids = released
    assert [case_of(client, broker, c)["status"] for c in case_ids] == ["closed"] * 2  # 899
    _scan(client, carrier, parcels[0]["item_id"])
    (report,) = _reports()
    assert (report.message, report.cop_no, report.status) == (
        "CEB513",
        parcels[0]["item_id"],
        "queued",
    )
    _scan(client, carrier, parcels[0]["item_id"], time="2026-12-03T16:00:00+08:00")
    assert len(_reports()) == 1  # a second delivery scan reports nothing new
    settle(app, sim)
    (report,) = _reports()
    assert (report.status, report.receipt_status) == ("accepted", "399")
    assert [n for n in sim.sent() if n.startswith("CEB513_")] == [f"CEB513_{report.id}_v1_a1.xml"]
    events = case_of(client, broker, case_ids[0])["events"]
    signed = [e for e in events if e["action"] == "signed_for"]
    assert len(signed) == 2  # customs' 2 (received) and 399 (accepted)
    timeline = client.get(f"/api/v1/parcels/{parcels[0]['id']}/events", headers=headers(seller))
    sources = sorted(e["source"] for e in timeline.json["events"] if e["code"] == "EMI")
    assert sources[-1] == "self" and len(sources) == 3  # two scans, then customs'
    assert _reports() == [report]  # customs' EMI files nothing again


def test_only_released_imports_are_reported(released, make_user):
    app, client, seller, broker, carrier, sim, parcels, case_ids = released
    _scan(client, carrier, parcels[1]["item_id"], code="EMH", time="2026-12-03T10:00:00+08:00")
    assert _reports() == []  # an attempt is not a delivery
    from app.extensions import db
    from app.models import ClearanceCase

    case = db.session.get(ClearanceCase, case_ids[1])
    case.status = "detained"  # not released: nothing is reported
    db.session.commit()
    _scan(client, carrier, parcels[1]["item_id"])
    assert _reports() == []
