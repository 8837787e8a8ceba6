"""Offices of exchange and lanes: seeded from the reviewed data, listed to anyone signed in,
added by carriers and administrators with every bad field refused by its path."""

from __future__ import annotations

import pytest
from support import headers

from declarations import postal_network

OFFICE = {
    "code": "KZDOSA",
    "name": "DOSTYK (test office)",
    "timezone": "Asia/Almaty",
    "source": "test row",
}


def test_offices_are_seeded_once_with_their_sources(app, client, make_user):
    seller = make_user("seller")
    offices = client.get("/api/v1/offices", headers=headers(seller)).json
    assert len(offices) == len(postal_network.offices())
    beijing = next(o for o in offices if o["code"] == "CNBJSA")
    assert beijing["name"] == "BEIJING" and beijing["country"] == "CN"
    assert beijing["operator_code"] == "J1CCNA" and beijing["operator_name"] == "China Post"
    assert beijing["reviewed"] is False and "code list 108b" in beijing["source"]
    assert beijing["origin"] == "seed"
    from app.services import post_network

    assert post_network.seed() == 0  # idempotent: nothing is missing any more


def test_lanes_show_mode_and_crossing(client, make_user):
    broker = make_user("broker")
    rail = client.get("/api/v1/lanes?mode=rail", headers=headers(broker)).json
    assert {lane["mode"] for lane in rail} == {"rail"}
    khorgos = next(lane for lane in rail if lane["code"] == "CNDGGA-LTVNOA-RAIL-KHORGOS")
    assert khorgos["border_crossing"]["code"] == "KHORGOS"
    assert khorgos["border_crossing"]["carries_mail"] is True
    assert khorgos["border_crossing"]["across"] == "Altynkol (KZ)"
    assert khorgos["gateway"] == "Vilnius"
    air = client.get("/api/v1/lanes?origin_office=CNSHAA&mode=air", headers=headers(broker)).json
    assert [lane["code"] for lane in air] == ["CNSHAA-DEFRAA-AIR"]
    assert air[0]["border_crossing"] is None
    for query, field in (("mode=canal", "mode"), ("colour=red", "colour")):
        bad = client.get(f"/api/v1/lanes?{query}", headers=headers(broker))
        assert bad.status_code == 422 and set(bad.json["errors"]) == {field}


def test_carrier_adds_an_office(client, make_user):
    carrier = make_user("carrier")
    r = client.post("/api/v1/offices", json=OFFICE, headers=headers(carrier))
    assert r.status_code == 201, r.json
    assert r.json["country"] == "KZ" and r.json["origin"] == "api"
    again = client.post("/api/v1/offices", json=OFFICE, headers=headers(carrier))
    assert again.status_code == 409 and again.json["errors"] == {"code": ["already stored"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "KZDOS"}, "code"),
        ({"code": "KZ1OSA"}, "code"),
        ({"code": "QQDOSA"}, "code"),  # no such ISO country
        ({"timezone": "Asia/Nowhere"}, "timezone"),
        ({"operator_code": "J1C"}, "operator_code"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "valid_to"),
        ({"source": ""}, "source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_office_fields_are_refused_by_path(client, make_user, change, field):
    admin = make_user("admin")
    r = client.post("/api/v1/offices", json={**OFFICE, **change}, headers=headers(admin))
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == {field}


def test_sellers_and_brokers_do_not_add_offices_or_lanes(client, make_user):
    for role in ("seller", "broker"):
        auth = make_user(role)
        assert client.post("/api/v1/offices", json=OFFICE, headers=headers(auth)).status_code == 403
        lane = {
            "origin_office": "CNDGGA",
            "destination_office": "PLWAWA",
            "mode": "road",
            "source": "x",
        }
        assert client.post("/api/v1/lanes", json=lane, headers=headers(auth)).status_code == 403
    assert client.get("/api/v1/offices").status_code == 401


def test_carrier_adds_a_rail_lane_through_a_freight_crossing(client, make_user):
    carrier = make_user("carrier")
    body = {
        "origin_office": "CNRLCA",
        "destination_office": "MNZUUA",
        "mode": "rail",
        "border_crossing": "ERENHOT",
        "source": "operator plan (test)",
    }
    r = client.post("/api/v1/lanes", json=body, headers=headers(carrier))
    assert r.status_code == 201, r.json
    assert r.json["code"] == "CNRLCA-MNZUUA-RAIL-ERENHOT"
    assert r.json["border_crossing"]["carries_mail"] is False  # shown, sourced for freight only
    assert client.post("/api/v1/lanes", json=body, headers=headers(carrier)).status_code == 409


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"mode": "rail"},
            {"border_crossing": ["a rail lane names its border crossing"]},
        ),
        (
            {"mode": "air", "border_crossing": "KHORGOS"},
            {"border_crossing": ["an air lane crosses no land border"]},
        ),
        (
            {"mode": "road", "destination_office": "XXABCA"},
            {"destination_office": ["'XXABCA' is not an office of exchange in the office table"]},
        ),
        ({"mode": "ship"}, {"mode": ["Must be one of: air, rail, road, sea."]}),
        ({"mode": "rail", "border_crossing": "HAMBURG"}, {"border_crossing": None}),
    ],
)
def test_bad_lanes_are_refused_by_path(client, make_user, body, errors):
    carrier = make_user("carrier")
    lane = {"origin_office": "CNDGGA", "destination_office": "PLWAWA", "source": "test", **body}
    r = client.post("/api/v1/lanes", json=lane, headers=headers(carrier))
    assert r.status_code == 422, r.json
    assert set(r.json["errors"]) == set(errors)
    for field, messages in errors.items():
        if messages is not None:
            assert r.json["errors"][field] == messages
