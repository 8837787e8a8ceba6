"""Arrival (CEB507) and departure (CEB509) of a batch of export parcels end to end on real
workers and the customs simulator: CEB508/510 come back under the batch's copNo and are
matched to every parcel's case (``arrived_at_site``, ``departed``) and timeline (EMB at
the arrival, EMC at the departure of a batch that is not a despatch)."""

from __future__ import annotations

import pytest
from clearance_support import (
    CEB_DIR,
    case_of,
    create,
    export_body,
    hand_over,
    parcel_event_codes,
    released_exports,
    settle,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
TRUCK = {"domestic_traf_no": "粤B12345", "traf_name": "CZ3456", "voyage_no": "CZ3456/1130"}


@pytest.fixture
def batch(app, client, make_user):
    """Three export orders filed and released by the simulator: their parcels and cases."""
    seller, broker, sim, orders, case_ids = released_exports(app, client, make_user, 3)
    parcels = [
        client.get(f"/api/v1/orders/{o}", headers=headers(seller)).json["parcels"][0]["id"]
        for o in orders
    ]
    yield app, client, seller, broker, sim, parcels, case_ids
    sim.close()


def _file(app, client, broker, sim, body) -> dict:
    r = client.post("/api/v1/export-movements", json=body, headers=headers(broker))
    assert r.status_code == 202, r.json
    settle(app, sim)
    found = client.get(f"/api/v1/export-movements/{r.json['id']}", headers=headers(broker))
    assert found.status_code == 200
    return found.json


def test_a_batch_arrives_and_departs_and_every_parcel_hears_of_it(batch):
    app, client, seller, broker, sim, parcels, case_ids = batch
    arrival = _file(app, client, broker, sim, {"kind": "arrival", "parcel_ids": parcels, **TRUCK})
    assert arrival["message"] == "CEB507" and arrival["status"] == "accepted", arrival
    assert arrival["messages"] == [f"CEB507_{arrival['id']}_v1_a1.xml"]
    assert [x["status"] for x in arrival["receipts"]] == ["2", "399"]
    body = {"kind": "departure", "parcel_ids": parcels, "traf_name": "CZ3456"}
    departure = _file(app, client, broker, sim, {**body, "voyage_no": "CZ3456/1130"})
    assert departure["status"] == "accepted", departure
    assert departure["cop_no"] != arrival["cop_no"]
    for parcel_id, case_id in zip(parcels, case_ids, strict=True):
        actions = [e["action"] for e in case_of(client, broker, case_id)["events"]]
        assert actions.count("arrived_at_site") == 1 and actions.count("departed") == 1
        codes = parcel_event_codes(client, seller, parcel_id)
        assert codes.count("EMB") == 1 and codes.count("EMC") == 1


def test_a_departure_of_an_unreleased_parcel_is_refused_by_position(batch, make_user):
    app, client, seller, broker, sim, parcels, _ = batch
    fresh = create(client, seller, export_body(9))
    hand_over(client, seller, [fresh])
    new_parcel = client.get(f"/api/v1/orders/{fresh}", headers=headers(seller)).json
    ids = [*parcels, new_parcel["parcels"][0]["id"]]
    post = client.post
    r = post(
        "/api/v1/export-movements",
        json={"kind": "departure", "parcel_ids": ids},
        headers=headers(broker),
    )
    assert r.status_code == 422 and list(r.json["errors"]) == ["parcel_ids.3"], r.json
    bad = [
        ({"kind": "arrival", "parcel_ids": parcels}, 422),  # no vehicle
        ({"kind": "departure"}, 422),
        ({"kind": "departure", "parcel_ids": ["nope"]}, 422),
        ({"kind": "departure", "despatch_id": "nope"}, 404),
        ({"kind": "lost", "parcel_ids": parcels}, 422),
    ]
    for body, status in bad:
        got = post("/api/v1/export-movements", json=body, headers=headers(broker))
        assert got.status_code == status, (body, got.json)
    theirs = post(
        "/api/v1/export-movements",
        json={"kind": "departure", "parcel_ids": parcels},
        headers=headers(seller),
    )
    assert theirs.status_code == 403
