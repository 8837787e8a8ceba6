"""A despatch of released exports end to end on real workers and the customs simulator:
closing it files its master/sub waybill list (CEB607, signed, each parcel with the
inventory customs issued), CEB608 comes back as the case event ``waybill_listed``; the
despatch's departure (CEB509) is reported by despatch and its CEB510 moves every case."""

from __future__ import annotations

import pytest
from clearance_support import CEB_DIR, case_of, parcel_event_codes, released_exports, settle
from lxml import etree
from posts_support import RAIL_LANE, RAIL_LEG, despatch, lane_id, receptacle
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
CEB = "{http://www.chinaport.gov.cn/ceb}"


@pytest.fixture
def shipped(app, client, make_user):
    """Three exports released by the simulator, in two receptacles of one rail despatch."""
    seller, broker, sim, orders, case_ids = released_exports(app, client, make_user, 3)
    carrier = make_user("carrier")
    parcels = [
        client.get(f"/api/v1/orders/{o}", headers=headers(seller)).json["parcels"][0]["id"]
        for o in orders
    ]
    bags = [receptacle(client, carrier, parcels[:2]), receptacle(client, carrier, parcels[2:])]
    assert all(b.status_code == 201 for b in bags), [b.json for b in bags]
    lane = lane_id(client, carrier, RAIL_LANE)
    d = despatch(client, carrier, lane, [b.json["id"] for b in bags])
    assert d.status_code == 201, d.json
    yield app, client, seller, broker, carrier, sim, parcels, case_ids, d.json
    sim.close()


def _movements_of(despatch_id: str):
    from app.extensions import db
    from app.models import MovementFiling

    db.session.expire_all()
    stmt = db.select(MovementFiling).where(MovementFiling.despatch_id == despatch_id)
    return {m.kind: m for m in db.session.execute(stmt).scalars()}


def _sent_waybill_list(sim) -> etree._Element:
    from declarations import dxp

    (name,) = [n for n in sim.sent() if n.startswith("CEB607_")]
    envelope = dxp.unwrap((sim.folders.sent / name).read_bytes())
    return etree.fromstring(envelope.data)


def test_closing_a_despatch_files_its_waybill_list_and_customs_accept_it(shipped):
    app, client, seller, broker, carrier, sim, parcels, case_ids, d = shipped
    r = client.post(f"/api/v1/despatches/{d['id']}/close", headers=headers(carrier))
    assert r.status_code == 200, r.json
    (listed,) = _movements_of(d["id"]).values()
    assert (listed.kind, listed.message, listed.status) == ("waybill_list", "CEB607", "queued")
    assert listed.details["bill_no"] == RAIL_LEG["consignment_note"]
    assert listed.details["traf_name"] == RAIL_LEG["train"]
    settle(app, sim)
    got = client.get(f"/api/v1/export-movements/{listed.id}", headers=headers(broker)).json
    assert got["status"] == "accepted", got
    assert got["messages"] == [f"CEB607_{listed.id}_v1_a1.xml"]
    assert [x["status"] for x in got["receipts"]] == ["2", "399"]

    root = _sent_waybill_list(sim)
    head = root.find(f"{CEB}WayBill/{CEB}WayBillHead")
    assert head.findtext(f"{CEB}billNo") == RAIL_LEG["consignment_note"]
    assert head.findtext(f"{CEB}agentCode") == "1105980159"  # the broker who filed them
    assert head.findtext(f"{CEB}grossWeight") == r.json["totals"]["gross_weight_kg"] == "3.6"
    assert root.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is not None
    invt_nos = [case_of(client, broker, c)["invt_no"] for c in case_ids]
    listed_nos = [x.findtext(f"{CEB}invtNo") for x in root.iter(f"{CEB}WayBillList")]
    assert sorted(listed_nos) == sorted(invt_nos) and all(invt_nos)
    for case_id in case_ids:
        actions = [e["action"] for e in case_of(client, broker, case_id)["events"]]
        assert actions.count("movement_filed") == 1 and actions.count("waybill_listed") == 1

    # Asked for again on demand, the standing one is given back.
    again = client.post(
        "/api/v1/export-movements",
        json={"kind": "waybill_list", "despatch_id": d["id"]},
        headers=headers(broker),
    )
    assert again.status_code == 202 and again.json["id"] == listed.id


def test_the_departure_of_a_despatch_is_accepted_and_recorded_once(shipped):
    app, client, seller, broker, carrier, sim, parcels, case_ids, d = shipped
    client.post(f"/api/v1/despatches/{d['id']}/close", headers=headers(carrier))
    body = {"kind": "departure", "despatch_id": d["id"], "voyage_no": "X8012/0512"}
    r = client.post("/api/v1/export-movements", json=body, headers=headers(carrier))
    assert r.status_code == 202, r.json
    settle(app, sim)
    found = _movements_of(d["id"])
    assert {k: m.status for k, m in found.items()} == {
        "waybill_list": "accepted",
        "departure": "accepted",
    }
    for parcel_id, case_id in zip(parcels, case_ids, strict=True):
        actions = [e["action"] for e in case_of(client, broker, case_id)["events"]]
        assert actions.count("departed") == 1
        # Closing the despatch recorded EMC; the departure's receipt does not repeat it.
        assert parcel_event_codes(client, seller, parcel_id).count("EMC") == 1


def test_a_waybill_list_without_a_master_bill_is_refused_naming_it(shipped):
    app, client, seller, broker, carrier, sim, parcels, case_ids, d = shipped
    r = client.post(
        "/api/v1/export-movements",
        json={"kind": "waybill_list", "parcel_ids": parcels},
        headers=headers(broker),
    )
    assert r.status_code == 422
    assert any("billNo" in p for p in r.json["errors"]["_body"]), r.json
    named = client.post(
        "/api/v1/export-movements",
        json={
            "kind": "waybill_list",
            "parcel_ids": parcels,
            "traf_name": "CZ3456",
            "voyage_no": "CZ3456/1130",
            "bill_no": "78412345678",
        },
        headers=headers(broker),
    )
    assert named.status_code == 202, named.json
    settle(app, sim)
    got = client.get(f"/api/v1/export-movements/{named.json['id']}", headers=headers(broker))
    assert got.json["status"] == "accepted", got.json
