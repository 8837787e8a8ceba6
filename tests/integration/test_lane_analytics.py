"""GET /api/v1/analytics/lanes: air against China–Europe rail, from the parcels' timelines."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import pytest
from support import headers
from tracking_support import CST, make_parcel

from app.extensions import db
from app.services import analytics, tracking

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
S9_AIR_1 = "CNSZXADEFRAAAUN60001001010125"
S9_AIR_2 = "CNSZXADEFRAAAUN60001002110080"
S9_RAIL = "CNCKGADEFRAACCN60007001010300"


def _journey(parcel, lane, mode, receptacle, clearance_h, journey_h=None, held=False):
    pid = parcel["id"]
    tracking.record(pid, "EMA", "CNSZXA", T0)
    if held:
        tracking.record(
            pid, "EXB", "CNSZXA", T0 + timedelta(hours=1), "self", {"reason": "inspection"}
        )
    tracking.record(pid, "EXC", "CNSZXA", T0 + timedelta(hours=clearance_h))
    despatched = T0 + timedelta(hours=12)
    details = {"lane_id": lane, "mode": mode, "receptacle_id": receptacle}
    tracking.record(pid, "EMC", "CNSZXA", despatched, "self", details)
    if journey_h is not None:
        tracking.record(pid, "EMI", "DE10115", despatched + timedelta(hours=journey_h))


@pytest.fixture
def lanes(client, make_user, order_payload):
    seller = make_user("seller")
    weights = ["1.200", "2.500", "1.300", "12.000", "1.000"]
    parcels = [
        make_parcel(client, seller, functools.partial(order_payload, gross_weight_kg=w), f"LA-{n}")
        for n, w in enumerate(weights)
    ]
    _journey(parcels[0], "LANE-AIR", "air", S9_AIR_1, 2, 48)
    _journey(parcels[1], "LANE-AIR", "air", S9_AIR_1, 6, 72, held=True)
    _journey(parcels[2], "LANE-AIR", "air", S9_AIR_2, 4)
    _journey(parcels[3], "LANE-RAIL", "rail", S9_RAIL, 1, 16 * 24)
    tracking.record(parcels[4]["id"], "EMA", "CNSZXA", T0)  # not despatched: on no lane
    db.session.commit()
    return seller


def test_lanes_compare_air_with_rail(client, make_user, lanes):
    r = client.get("/api/v1/analytics/lanes", headers=headers(make_user("carrier")))
    assert r.status_code == 200, r.json
    assert r.json == {
        "source": analytics.SOURCE,
        "lanes": [
            {
                "lane_id": "LANE-AIR",
                "mode": "air",
                "parcels": 3,
                "receptacles": 2,
                "weight_kg": "5.000",
                "handover_to_release": {"count": 3, "median_hours": 4.0, "p90_hours": 6.0},
                "despatch_to_delivery": {"count": 2, "median_hours": 60.0, "p90_hours": 72.0},
                "held_by_customs_share": 0.3333,
            },
            {
                "lane_id": "LANE-RAIL",
                "mode": "rail",
                "parcels": 1,
                "receptacles": 1,
                "weight_kg": "12.000",
                "handover_to_release": {"count": 1, "median_hours": 1.0, "p90_hours": 1.0},
                "despatch_to_delivery": {"count": 1, "median_hours": 384.0, "p90_hours": 384.0},
                "held_by_customs_share": 0.0,
            },
        ],
    }


def test_the_period_is_the_despatch_time(client, make_user, lanes):
    broker = headers(make_user("broker"))
    later = client.get(
        "/api/v1/analytics/lanes",
        query_string={"since": "2026-12-02T00:00:00+08:00"},
        headers=broker,
    )
    assert later.status_code == 200 and later.json["lanes"] == []
    until = client.get(
        "/api/v1/analytics/lanes",
        query_string={"until": "2026-12-02T00:00:00+08:00"},
        headers=broker,
    )
    assert [lane["parcels"] for lane in until.json["lanes"]] == [3, 1]
    assert (
        client.get(
            "/api/v1/analytics/lanes", query_string={"mode": "air"}, headers=broker
        ).status_code
        == 422
    )


def test_sellers_do_not_see_the_posts_analysis(client, lanes):
    assert client.get("/api/v1/analytics/lanes", headers=headers(lanes)).status_code == 403


def test_percentiles_are_nearest_rank():
    assert analytics.percentile([], 0.9) is None
    values = [float(v) for v in range(1, 11)]
    assert analytics.percentile(values, 0.9) == 9.0
    assert analytics.percentile(values, 0.5) == 5.0
    assert analytics.percentile([7.0], 0.9) == 7.0
