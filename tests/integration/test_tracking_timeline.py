"""Timelines: the service's own events, clearance cases, tenant rules and the public lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from support import headers
from tracking_support import CET, CST, make_parcel

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.services import tracking


@pytest.fixture
def scene(client, make_user, order_payload):
    seller = make_user("seller")
    return {
        "seller": seller,
        "other": make_user("seller"),
        "parcel": make_parcel(client, seller, order_payload, "TL-1"),
    }


def test_record_stores_an_event_once_whatever_offset_it_is_given_in(app, scene):
    pid = scene["parcel"]["id"]
    at = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
    event = tracking.record(pid, "EMA", "CNSZXA", at, "self", {"note": "counter 3", "x": 1})
    assert (event.item_id, event.code, event.note, event.details) == (
        scene["parcel"]["item_id"],
        "EMA",
        "counter 3",
        {"x": 1},
    )
    assert tracking.record(pid, "EMA", "CNSZXA", at.astimezone(UTC)) is None
    assert tracking.local_time(event).isoformat() == "2026-12-01T09:00:00+08:00"
    assert tracking.record(pid, "EMA", "CNSZXA", at + timedelta(seconds=1)) is not None


def test_record_refuses_what_the_tracking_rule_refuses(app, scene):
    pid = scene["parcel"]["id"]
    with pytest.raises(ValidationFailed) as caught:
        tracking.record(pid, "EMZ", "x", datetime(2026, 12, 1, 9, 0), "self", {"reason": "duties"})
    assert set(caught.value.errors) == {"code", "office", "time"}
    with pytest.raises(NotFound):
        tracking.record("no-such-parcel", "EMA", "CNSZXA", datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(ValidationFailed):
        tracking.record(pid, "EMA", "CNSZXA", datetime(2026, 12, 1, tzinfo=UTC), "robot")


def test_events_without_an_office_take_the_configured_one(app, scene):
    pid, at = scene["parcel"]["id"], datetime(2026, 12, 1, 9, 0, tzinfo=CST)
    assert tracking.record(pid, "EMA", None, at).office is None
    app.config["TRACKING_OFFICE"] = "CNSZXA"
    assert tracking.record(pid, "EMB", None, at).office == "CNSZXA"


def _case(parcel: dict, seller: dict, flow: str = "export") -> SimpleNamespace:
    from app.models import Seller

    seller_id = db.session.query(Seller.id).filter_by(user_id=seller["_user_id"]).scalar()
    return SimpleNamespace(
        id="case-1",
        flow=flow,
        parcel_id=parcel["id"],
        order_id=parcel["order_id"],
        seller_id=seller_id,
    )


def test_case_statuses_become_emsevt_events(app, client, scene):
    case = _case(scene["parcel"], scene["seller"])
    start = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
    statuses = ["handed_over", "preparing", "awaiting_review", "approved", "submitting"]
    statuses += ["submitted", "accepted", "inspection", "released", "closed"]
    recorded = [
        tracking.record_case_event(case, s, start + timedelta(hours=n))
        for n, s in enumerate(statuses)
    ]
    codes = list(zip(statuses, recorded, strict=True))
    assert codes == [
        ("handed_over", "EMA"),
        ("preparing", None),
        ("awaiting_review", None),
        ("approved", None),
        ("submitting", None),
        ("submitted", "EXA"),
        ("accepted", None),
        ("inspection", "EXB"),
        ("released", "EXC"),
        ("closed", None),
    ]
    db.session.commit()
    stored = tracking.timeline(scene["parcel"]["item_id"])
    assert [e.code for e in stored] == ["EMA", "EXA", "EXB", "EXC"]
    assert stored[2].reason == "inspection"
    assert stored[2].details == {"case_id": "case-1", "case_status": "inspection"}
    with pytest.raises(ValueError):
        tracking.record_case_event(case, "lost")


def test_import_cases_are_seen_from_the_destination(app, scene):
    case = _case(scene["parcel"], scene["seller"], flow="import")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
    got = {
        s: tracking.record_case_event(case, s, at + timedelta(hours=n))
        for n, s in enumerate(["handed_over", "submitted", "detained", "released", "returned"])
    }
    assert got == {
        "handed_over": None,
        "submitted": "EDB",
        "detained": "EME",
        "released": "EDC",
        "returned": "EDX",
    }


def test_every_mapped_case_status_is_a_case_status():
    for flow in tracking.CASE_EVENT_CODES.values():
        assert set(flow) <= set(tracking.CASE_STATUSES)


def test_a_parcels_timeline_is_for_those_who_may_see_its_order(client, make_user, scene):
    pid = scene["parcel"]["id"]
    tracking.record(pid, "EMC", "CNSZXA", datetime(2026, 12, 2, 10, tzinfo=CST))
    tracking.record(pid, "EMA", "CNSZXA", datetime(2026, 12, 1, 9, tzinfo=CST))
    db.session.commit()
    own = client.get(f"/api/v1/parcels/{pid}/events", headers=headers(scene["seller"]))
    assert [e["code"] for e in own.json["events"]] == ["EMA", "EMC"]
    for who in (make_user("broker"), make_user("carrier")):
        assert client.get(f"/api/v1/parcels/{pid}/events", headers=headers(who)).status_code == 200
    theirs = client.get(f"/api/v1/parcels/{pid}/events", headers=headers(scene["other"]))
    missing = client.get("/api/v1/parcels/nope/events", headers=headers(scene["other"]))
    assert theirs.status_code == missing.status_code == 404


def test_events_at_the_same_time_follow_an_items_life(app, scene):
    pid, at = scene["parcel"]["id"], datetime(2026, 12, 3, 8, 0, tzinfo=CET)
    for code in ("EMF", "EDB", "EMD"):
        tracking.record(pid, code, "DEFRAA", at)
    codes = [e.code for e in tracking.timeline(scene["parcel"]["item_id"])]
    assert codes == ["EMD", "EDB", "EMF"]


def _public_scene(scene) -> str:
    pid, item = scene["parcel"]["id"], scene["parcel"]["item_id"]
    day = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
    tracking.record(pid, "EMA", "CNSZXA", day, "self", {"note": "Seller Li Wei, USD 31.50"})
    tracking.record(pid, "EXA", "CNSZXA", day + timedelta(hours=2))
    tracking.record(pid, "EXB", "CNSZXA", day + timedelta(hours=3), "self", {"reason": "security"})
    tracking.record(pid, "EMC", "CNSZXA", day + timedelta(hours=30))
    tracking.record(pid, "EMD", "DEFRAA", datetime(2026, 12, 3, 8, 0, tzinfo=CET))
    db.session.commit()
    return item


def test_the_public_lookup_shows_only_what_a_recipient_may_see(client, scene):
    item = _public_scene(scene)
    r = client.get(f"/api/v1/track/{item}")
    assert r.status_code == 200, r.json
    assert r.json == {
        "item_id": item,
        "events": [
            {
                "code": "EMA",
                "label": "Posting/collection",
                "city": None,
                "country": "CN",
                "time": "2026-12-01T09:00:00+08:00",
            },
            {
                "code": "EMC",
                "label": "Departure from outward office of exchange",
                "city": None,
                "country": "CN",
                "time": "2026-12-02T15:00:00+08:00",
            },
            {
                "code": "EMD",
                "label": "Arrival at inward office of exchange",
                "city": None,
                "country": "DE",
                "time": "2026-12-03T08:00:00+01:00",
            },
        ],
    }
    for private in ("Li Wei", "31.50", "Schmidt", "Berlin", "security", "CNSZXA"):
        assert private not in r.text
    assert r.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(f"/api/v1/track/{item.lower()}").json == r.json


@pytest.mark.parametrize("item", ["RR473124829GB", "RR473124828GB", "not-an-id", "x" * 300])
def test_unknown_and_malformed_ids_are_the_same_404(client, scene, item):
    _public_scene(scene)
    r = client.get(f"/api/v1/track/{item}")
    assert r.status_code == 404
    assert r.json == {
        "code": 404,
        "status": "Not Found",
        "message": "No tracking information for this item id.",
        "errors": {"s10": ["unknown item id"]},
    }


def test_the_public_lookup_is_limited_per_client(app, client, scene):
    item = _public_scene(scene)
    app.config["TRACK_RATE_LIMIT"] = 2
    first, second, third = (client.get(f"/api/v1/track/{item}") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert first.headers["RateLimit-Remaining"] == "1"
    assert int(third.headers["Retry-After"]) in range(1, 61)
    assert third.json["message"] == "Too many tracking lookups; try again later."
    other = client.get(f"/api/v1/track/{item}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_the_document_says_the_lookup_needs_no_token(client):
    spec = client.get("/api/v1/openapi.json").json
    lookup = spec["paths"]["/api/v1/track/{s10}"]["get"]
    assert lookup["security"] == []
    assert {"404", "429"} <= set(lookup["responses"])
    assert spec["paths"]["/api/v1/parcels/{parcel_id}/events"]["get"].get("security") is None
