"""Carrier scans (POST /api/v1/events): good rows stored, bad rows reported per row."""

from __future__ import annotations

import pytest
from support import headers
from tracking_support import make_parcel

from app.extensions import db
from app.models import TrackingEvent


@pytest.fixture
def scene(client, make_user, order_payload):
    seller = make_user("seller")
    parcels = [make_parcel(client, seller, order_payload, f"SC-{n}") for n in (1, 2)]
    return {"seller": seller, "carrier": make_user("carrier"), "parcels": parcels}


def _post_csv(client, auth, text: str):
    return client.post(
        "/api/v1/events", data=text.encode(), headers={**headers(auth), "Content-Type": "text/csv"}
    )


def test_a_csv_batch_with_bad_rows_reports_them_and_stores_the_rest(client, scene):
    a, b = (p["item_id"] for p in scene["parcels"])
    wrong_digit = a[:10] + str((int(a[10]) + 1) % 10) + a[11:]
    text = (
        "s10,code,office,time,note,reason\n"
        f"{a},EMB,CNSZXA,2026-12-01T09:30:00+08:00,dock 4,\n"
        f"{wrong_digit},EMC,CNSZXA,2026-12-01T12:00:00+08:00,,\n"
        f"{b},EMZ,c,2026-12-01T12:00:00,,\n"
        "\n"
        f"{b},EMC,CNSZXA,2026-12-01T23:10:00+08:00,,\n"
        f"{a},EME,DEFRAA,2026-12-03T10:00:00+01:00,,absent\n"
        f",EMC,CNSZXA,2026-12-01T23:10:00+08:00,,\n"
        f"{a},EMB,CNSZXA,2026-12-01T01:30:00Z,same instant as row 2,\n"
    )
    r = _post_csv(client, scene["carrier"], text)
    assert r.status_code == 200, r.json
    report = r.json
    assert (report["received"], report["stored"], report["duplicates"], report["rejected"]) == (
        7,
        2,
        1,
        4,
    )
    errors = [(e["row"], e["field"]) for e in report["errors"]]
    assert errors == [
        (3, "s10"),
        (4, "time"),
        (4, "code"),
        (4, "office"),
        (7, "reason"),
        (8, "s10"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in report["errors"]}
    assert "check digit is" in messages[(3, "s10")]
    assert messages[(4, "time")] == "needs an offset, e.g. 2026-12-03T08:15:00+01:00"
    assert messages[(7, "reason")].startswith("not one of documents")
    assert messages[(8, "s10")] == "Missing data for required field."
    stored = db.session.query(TrackingEvent.item_id, TrackingEvent.code, TrackingEvent.note)
    assert sorted(stored) == sorted([(a, "EMB", "dock 4"), (b, "EMC", None)])


def test_a_json_batch_reports_rows_by_list_index(client, scene):
    a = scene["parcels"][0]["item_id"]
    rows = [
        {"s10": a, "code": "EMB", "office": "CNSZXA", "time": "2026-12-01T09:30:00+08:00"},
        {"s10": a, "code": "EMC", "office": "CNSZXA", "time": "yesterday", "colour": "red"},
        "EMC",
        {
            "s10": "RR473124829GB",
            "code": "EMD",
            "office": "GBLHRA",
            "time": "2026-12-02T09:00:00+00:00",
        },
    ]
    r = client.post("/api/v1/events", json=rows, headers=headers(scene["carrier"]))
    assert r.status_code == 200, r.json
    assert [(e["row"], e["field"]) for e in r.json["errors"]] == [
        (1, "time"),
        (1, "colour"),
        (2, None),
    ]
    assert r.json["stored"] == 2
    assert r.json["unmatched"] == ["RR473124829GB"]  # stored: the item may become known later


@pytest.mark.parametrize(
    ("content_type", "body", "status", "errors"),
    [
        ("application/json", b'{"s10": "x"}', 422, {"_body": ["not a list"]}),
        ("application/json", b"[]", 422, {"_body": ["no rows"]}),
        ("application/json", b"[{", 400, None),
        ("text/csv", b"item,event\nx,y\n", 422, None),
        ("text/csv", b"\xff\xfe", 422, {"_body": ["not UTF-8"]}),
        ("text/plain", b"hello", 415, None),
    ],
)
def test_unreadable_batches_are_refused_whole(client, scene, content_type, body, status, errors):
    r = client.post(
        "/api/v1/events",
        data=body,
        headers={**headers(scene["carrier"]), "Content-Type": content_type},
    )
    assert r.status_code == status, r.json
    assert set(r.json) == {"code", "status", "message", "errors"}
    if errors is not None:
        assert r.json["errors"] == errors
    assert db.session.query(TrackingEvent).count() == 0


def test_a_csv_header_names_what_is_missing_and_unknown(client, scene):
    r = _post_csv(client, scene["carrier"], "s10,code,when\nx,EMB,now\n")
    assert r.status_code == 422
    assert r.json["errors"] == {
        "_header": [
            "missing columns: office, time",
            "unknown columns: when (the columns are s10, code, office, time, note, reason, action)",
        ]
    }


def test_too_many_rows_are_refused(client, scene, monkeypatch):
    from app.services import scans

    monkeypatch.setattr(scans, "MAX_SCAN_ROWS", 3)
    row = "RR473124829GB,EMD,GBLHRA,2026-12-02T09:00:00+00:00\n"
    r = _post_csv(client, scene["carrier"], "s10,code,office,time\n" + row * 4)
    assert r.status_code == 413
    assert db.session.query(TrackingEvent).count() == 0


def test_only_carriers_scan(client, scene):
    r = client.post("/api/v1/events", json=[], headers=headers(scene["seller"]))
    assert r.status_code == 403
    assert client.post("/api/v1/events", json=[]).status_code == 401
