"""Export returns end to end on real workers (RQ SimpleWorker in burst mode on the test
Redis) and the customs simulator: a released 9610 export is returned (CEB213 → CEB214
2, 120, 800 放行 → the case and order ``returned``, tracking EXX), then its parcel is
tallied at the site (CEB215 → CEB216 399 → the case event ``return_tallied``)."""

from __future__ import annotations

import pytest
from clearance_support import (
    CEB_DIR,
    case_of,
    parcel_event_codes,
    released_exports,
    settle,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
#: The post's return flight into Shenzhen (a postal export states no conveyance).
BACK = {"traf_mode": "5", "traf_name": "CZ3457", "voyage_no": "CZ3457/1130"}


@pytest.fixture
def released(app, client, make_user):
    """Two export orders filed, released and closed by the simulator; their case ids."""
    seller, broker, sim, _orders, case_ids = released_exports(app, client, make_user, 2)
    assert {case_of(client, broker, c)["status"] for c in case_ids} == {"closed"}
    yield app, client, seller, broker, sim, case_ids
    sim.close()


def _return(client, who, return_id) -> dict:
    r = client.get(f"/api/v1/export-returns/{return_id}", headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json


def test_a_released_export_is_returned_then_tallied(released):
    app, client, seller, broker, sim, (case_id, other_id) = released
    body = {"case_id": case_id, "reason": "买家拒收退回", "transport": BACK}
    r = client.post("/api/v1/export-returns", json=body, headers=headers(broker))
    assert r.status_code == 202, r.json
    return_id, cop_no = r.json["id"], r.json["cop_no"]
    assert r.json["status"] == "queued" and r.json["message"] == "CEB213"
    again = client.post("/api/v1/export-returns", json=body, headers=headers(broker))
    assert again.status_code == 202 and again.json["id"] == return_id
    settle(app, sim)
    done = _return(client, seller, return_id)
    assert done["messages"] == [f"CEB213_{return_id}_v1_a1.xml"]
    assert f"CEB213_{return_id}_v1_a1.xml" in sim.sent()
    assert [x["status"] for x in done["receipts"]] == ["2", "120", "800"]
    assert done["status"] == "accepted" and done["receipt_status"] == "800"
    case = case_of(client, broker, case_id)
    assert case["status"] == "returned"
    actions = [e["action"] for e in case["events"]]
    assert actions.count("return_requested") == 1 and "return_released" in actions
    order = client.get(f"/api/v1/orders/{case['order_id']}", headers=headers(seller)).json
    assert order["status"] == "returned"
    parcel_id = order["parcels"][0]["id"]
    assert parcel_event_codes(client, seller, parcel_id)[-1] == "EXX"
    assert case_of(client, broker, other_id)["status"] == "closed"

    t = client.post(f"/api/v1/export-returns/{return_id}/tally", json={}, headers=headers(broker))
    assert t.status_code == 202, t.json
    assert t.json["message"] == "CEB215" and t.json["parent_id"] == return_id
    settle(app, sim)
    tally = _return(client, seller, return_id)["tally"]
    assert tally["status"] == "accepted", tally["error"]
    assert [x["status"] for x in tally["receipts"]] == ["2", "399"]
    events = case_of(client, broker, case_id)["events"]
    tallied = [e for e in events if e["action"] == "return_tallied"]
    assert [e["details"]["receipt_status"] for e in tallied] == ["2", "399"]
    assert {e["details"]["business_key"] for e in tallied} == {tally["cop_no"]}
    assert cop_no != tally["cop_no"]


def test_a_return_is_refused_before_anything_is_stored(released, make_user):
    app, client, seller, broker, sim, (case_id, _) = released
    post = client.post
    cases = [
        (seller, {"case_id": case_id, "reason": "x"}, 403),
        (broker, {"case_id": "no-such-case", "reason": "x"}, 404),
        (broker, {"case_id": case_id}, 422),
        (broker, {"case_id": case_id, "reason": "x"}, 422),  # no conveyance for CEB213
        (broker, {"case_id": case_id, "reason": "x", "lines": [{"gnum": 9, "qty": "1"}]}, 422),
        (broker, {"case_id": case_id, "reason": "x", "transport": {"country": "CN"}}, 422),
    ]
    for who, body, status in cases:
        r = post("/api/v1/export-returns", json=body, headers=headers(who))
        assert r.status_code == status, (body, r.json)
    over = post(
        "/api/v1/export-returns",
        json={
            "case_id": case_id,
            "reason": "x",
            "transport": BACK,
            "lines": [{"gnum": 1, "qty": "99"}],
        },
        headers=headers(broker),
    )
    assert "return quantity 99" in " ".join(over.json["errors"]["lines"])
    from app.extensions import db
    from app.models import MovementFiling

    assert db.session.execute(db.select(MovementFiling)).first() is None


def test_a_part_return_lists_only_the_lines_returned(released):
    app, client, seller, broker, sim, (case_id, _) = released
    body = {"case_id": case_id, "reason": "部分退货", "transport": BACK}
    body["lines"] = [{"gnum": 1, "qty": "1"}]
    r = client.post("/api/v1/export-returns", json=body, headers=headers(broker))
    assert r.status_code == 202, r.json
    settle(app, sim)
    done = _return(client, broker, r.json["id"])
    assert done["status"] == "accepted" and done["details"]["lines"] == {"1": "1"}
    sent = sim.folders.sent / done["messages"][0]
    from declarations import dxp

    xml = dxp.unwrap(sent.read_bytes()).data.decode()
    assert xml.count("<ceb:InvtRefundList>") == 1 and "<ceb:qty>1</ceb:qty>" in xml
