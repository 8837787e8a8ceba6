"""Despatches: receptacles on a lane and a leg of its mode; closing numbers them and flags
the last; documents exist for closed despatches only; every refusal by field path."""

from __future__ import annotations

import pytest
from posts_support import (
    AIR_LANE,
    AIR_LEG,
    RAIL_LANE,
    RAIL_LEG,
    despatch,
    export_orders,
    lane_id,
    receptacle,
    release,
)
from support import headers

from declarations import s9


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in ("seller", "broker", "carrier", "admin")}


@pytest.fixture
def bags(app, client, people):
    """Three open receptacles of 2 released parcels each, Dongguan to Vilnius, surface CC."""
    orders = export_orders(app, people["seller"], 6)
    release(client, people["broker"], orders)
    out = []
    for i in range(0, 6, 2):
        r = receptacle(client, people["carrier"], [o["parcel_id"] for o in orders[i : i + 2]])
        assert r.status_code == 201, r.json
        out.append(r.json)
    return out


def _close(client, auth, despatch_id):
    return client.post(f"/api/v1/despatches/{despatch_id}/close", headers=headers(auth))


def test_closing_numbers_the_receptacles_and_flags_the_last(client, people, bags):
    carrier = people["carrier"]
    lane = lane_id(client, carrier, RAIL_LANE)
    # The first bag stays behind: it moves to the next despatch number.
    d = despatch(client, carrier, lane, [bags[2]["id"], bags[1]["id"]])
    assert d.status_code == 201, d.json
    assert d.json["status"] == "open" and d.json["despatch_number"] == 1
    assert d.json["transport"]["border_crossing"] == "KHORGOS"
    assert d.json["departure_at"] == "2026-05-12T10:00:00+08:00"
    assert d.json["delivery_bill"] == {"form": "CN37", "url": None}
    left = client.get(f"/api/v1/receptacles/{bags[0]['id']}", headers=headers(carrier)).json
    assert (left["despatch_number"], left["serial"], left["status"]) == (2, 1, "open")
    for path in ("delivery-bill.pdf", "pre-advice"):
        early = client.get(f"/api/v1/despatches/{d.json['id']}/{path}", headers=headers(carrier))
        assert early.status_code == 409 and early.json["errors"] == {"status": ["open"]}
    early_label = client.get(
        f"/api/v1/receptacles/{bags[1]['id']}/label.pdf", headers=headers(carrier)
    )
    assert early_label.status_code == 409

    closed = _close(client, carrier, d.json["id"])
    assert closed.status_code == 200, closed.json
    body = closed.json
    assert body["status"] == "closed" and body["closed_at"].endswith("+08:00")
    ids = [s9.parse(r["s9_id"]) for r in body["receptacles"]]
    assert [(i.serial, i.last) for i in ids] == [(1, "0"), (2, "1")]
    assert [r["id"] for r in body["receptacles"]] == [bags[1]["id"], bags[2]["id"]]
    assert {i.despatch_id for i in ids} == {body["despatch_id"]}
    assert body["totals"] == {"receptacles": 2, "items": 4, "gross_weight_kg": "4.8"}
    assert body["pre_advice"]["sent_at"] is not None
    again = _close(client, carrier, d.json["id"])
    assert again.status_code == 409 and again.json["errors"] == {"status": ["closed"]}


def test_documents_of_a_closed_despatch(client, people, bags):
    carrier = people["carrier"]
    d = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [b["id"] for b in bags])
    body = _close(client, carrier, d.json["id"]).json
    bill = client.get(body["delivery_bill"]["url"], headers=headers(carrier))
    assert bill.status_code == 200 and bill.mimetype == "application/pdf"
    assert bill.data.startswith(b"%PDF")
    again = client.get(body["delivery_bill"]["url"], headers=headers(people["admin"]))
    assert again.data == bill.data  # a pure function of the closed despatch
    label = client.get(body["receptacles"][-1]["label_url"], headers=headers(carrier))
    assert label.status_code == 200 and label.data.startswith(b"%PDF")
    xml = client.get(body["pre_advice"]["url"], headers=headers(carrier))
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert xml.headers["ETag"] == body["pre_advice"]["sha256"]
    assert body["pre_advice"]["message_id"] in xml.text


def test_a_receptacle_whose_offices_do_not_match_the_lane_is_refused(client, people, bags):
    carrier = people["carrier"]
    other = client.get(
        "/api/v1/lanes?mode=rail&origin_office=CNWUHA", headers=headers(carrier)
    ).json
    r = despatch(client, carrier, other[0]["id"], [bags[0]["id"]])
    assert r.status_code == 422
    assert r.json["errors"] == {
        "receptacle_ids.0": [
            "offices CNDGGA to LTVNOA do not match lane CNWUHA-PLWAWA-RAIL-ALASHANKOU "
            "(CNWUHA to PLWAWA)"
        ]
    }


def test_surface_mail_on_an_air_lane_is_refused(client, people, bags):
    carrier = people["carrier"]
    r = despatch(client, carrier, lane_id(client, carrier, AIR_LANE), [bags[0]["id"]], AIR_LEG)
    assert r.status_code == 422
    assert r.json["errors"]["receptacle_ids.0"] == [
        "offices CNDGGA to LTVNOA do not match lane CNSHAA-DEFRAA-AIR (CNSHAA to DEFRAA)",
        "category C (Surface mail / non-priority mail) travels by rail or road or sea, not by air",
    ]


def test_receptacles_of_two_despatches_are_refused(app, client, people, bags):
    """All receptacles of a despatch share S9 positions 1-20: here the subclass differs."""
    carrier = people["carrier"]
    orders = export_orders(app, people["seller"], 1, prefix="CA")
    release(client, people["broker"], orders)
    other = receptacle(client, carrier, [orders[0]["parcel_id"]], mail_subclass="CA").json
    r = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bags[0]["id"], other["id"]])
    assert r.status_code == 422
    first, second = bags[0]["s9_id"][:20], other["s9_id"][:20]
    assert r.json["errors"] == {
        "receptacle_ids.1": [
            f"despatch {second} beside {first}: all receptacles of a despatch share positions 1-20"
        ]
    }


def test_a_receptacle_already_despatched_is_refused(client, people, bags):
    carrier = people["carrier"]
    lane = lane_id(client, carrier, RAIL_LANE)
    first = despatch(client, carrier, lane, [b["id"] for b in bags])
    assert first.status_code == 201
    r = despatch(client, carrier, lane, [bags[2]["id"]])
    assert r.status_code == 409
    assert r.json["errors"] == {
        "receptacle_ids.0": [f"{bags[2]['s9_id']} is already in despatch {first.json['id']}"]
    }


@pytest.mark.parametrize(
    ("leg", "errors"),
    [
        ({**RAIL_LEG, "flight": "CA931"}, {"transport.flight"}),
        ({k: v for k, v in RAIL_LEG.items() if k != "wagon"}, {"transport.wagon"}),
        ({k: v for k, v in RAIL_LEG.items() if k != "departure"}, {"transport.departure"}),
        ({**RAIL_LEG, "arrival": "2026-05-01T00:00:00+00:00"}, {"transport.arrival"}),
        ({**RAIL_LEG, "vessel": "COSCO", "voyage": "1"}, {"transport.vessel", "transport.voyage"}),
        (
            {**RAIL_LEG, "mode": "air"},
            {f"transport.{f}" for f in ("flight", "train", "wagon", "seal", "consignment_note")},
        ),
        ({**RAIL_LEG, "mode": "tube"}, {"transport.mode"}),
        ({**RAIL_LEG, "departure": "tomorrow"}, {"transport.departure"}),
    ],
)
def test_a_leg_that_does_not_fit_the_mode_is_refused(client, people, bags, leg, errors):
    carrier = people["carrier"]
    r = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bags[0]["id"]], leg)
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == errors


def test_a_departure_without_offset_is_utc(client, people, bags):
    carrier = people["carrier"]
    leg = {**RAIL_LEG, "departure": "2026-05-12T02:00:00", "arrival": "2026-05-27T06:00:00"}
    r = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bags[0]["id"]], leg)
    assert r.status_code == 201, r.json
    assert r.json["departure_at"] == "2026-05-12T10:00:00+08:00"  # at Dongguan's offset
    assert r.json["arrival_at"] == "2026-05-27T09:00:00+03:00"  # at Vilnius's


def test_the_mode_field_names_the_lane(client, people, bags):
    carrier = people["carrier"]
    r = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bags[0]["id"]], AIR_LEG)
    assert r.status_code == 422
    assert r.json["errors"] == {
        "transport.mode": ["lane CNDGGA-LTVNOA-RAIL-KHORGOS is a rail lane, not air"]
    }


def test_unknown_lane_and_receptacles_are_refused(client, people, bags):
    carrier = people["carrier"]
    r = despatch(client, carrier, "no-such-lane", [bags[0]["id"]])
    assert r.status_code == 404 and r.json["errors"] == {"lane_id": ["no such lane"]}
    lane = lane_id(client, carrier, RAIL_LANE)
    r = despatch(client, carrier, lane, [bags[0]["id"], "nope", bags[0]["id"]])
    assert r.status_code == 422 and r.json["errors"] == {"receptacle_ids.2": ["listed twice"]}
    r = despatch(client, carrier, lane, [bags[0]["id"], "nope"])
    assert r.status_code == 422 and r.json["errors"] == {"receptacle_ids.1": ["no such receptacle"]}
    assert client.get("/api/v1/despatches/nope", headers=headers(carrier)).status_code == 404


def test_sellers_and_brokers_see_no_despatch(client, people, bags):
    carrier = people["carrier"]
    d = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bags[0]["id"]]).json
    closed = _close(client, people["admin"], d["id"])
    assert closed.status_code == 200
    for role in ("seller", "broker"):
        auth = headers(people[role])
        for url in (
            f"/api/v1/despatches/{d['id']}",
            f"/api/v1/despatches/{d['id']}/delivery-bill.pdf",
            f"/api/v1/despatches/{d['id']}/pre-advice",
        ):
            assert client.get(url, headers=auth).status_code == 403, (role, url)
        assert client.post(f"/api/v1/despatches/{d['id']}/close", headers=auth).status_code == 403
        body = {"lane_id": d["lane_id"], "transport": RAIL_LEG, "receptacle_ids": [bags[1]["id"]]}
        assert client.post("/api/v1/despatches", json=body, headers=auth).status_code == 403


def test_openapi_states_the_leg_fields_and_refusals(client):
    spec = client.get("/api/v1/openapi.json").json
    transport = spec["components"]["schemas"]["TransportIn"]["properties"]
    from declarations.despatch import FIELD_RULES

    assert set(FIELD_RULES) <= set(transport)
    assert "required for rail" in transport["wagon"]["description"]
    paths = spec["paths"]
    assert "409" in paths["/api/v1/receptacles"]["post"]["responses"]
    assert "409" in paths["/api/v1/despatches/{despatch_id}/delivery-bill.pdf"]["get"]["responses"]
    receptacle_in = spec["components"]["schemas"]["ReceptacleIn"]["properties"]
    assert receptacle_in["origin_office"]["pattern"] == "^([A-Z]{2})([A-Z]{3})([A-Z0-9])$"
