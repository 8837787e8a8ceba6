"""The broker's review: claims, requested changes and amendments, 6-digit HS codes,
customs rejections refiled as changes, cancels, tenant walls."""

import pytest
from clearance_support import (
    CEB_DIR,
    RELEASE,
    approve,
    case_of,
    create,
    export_body,
    file_orders,
    hand_over,
    import_body,
    post,
    work,
)
from support import headers

from declarations import dxp

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


def prepared(setup, body) -> tuple[str, str]:
    app, client, seller, _broker, _ = setup
    oid = create(client, seller, body)
    (cid,) = hand_over(client, seller, [oid])
    work(app)
    return oid, cid


def test_a_second_broker_meets_the_claim(setup, make_user):
    app, client, seller, broker, _ = setup
    _, cid = prepared(setup, import_body(1))
    other = make_user("broker")
    assert post(client, broker, cid, "claim").status_code == 200
    for action, body in (
        ("claim", None),
        ("approve", None),
        ("reject", {"reason": "no"}),
        ("request-changes", {"reason": "fix", "fields": ["items.0.description"]}),
        ("amend", {"fields": {"items.0.quantity": 4}}),
    ):
        r = post(client, other, cid, action, body)
        assert r.status_code == 409, (action, r.json)
        assert broker["_name"] in r.json["message"], r.json
    # the holder gives it up; then the other broker may take it
    r = client.delete(f"/api/v1/clearance/{cid}/claim", headers=headers(broker))
    assert r.status_code == 200 and r.json["claimed_by"] is None
    assert post(client, other, cid, "claim").status_code == 200


def test_an_expired_claim_is_reaped_and_free_again(setup, make_user):
    from app.extensions import db
    from app.jobs.gateway import reap_now
    from app.models import ClearanceCase
    from app.models.base import utcnow

    app, client, seller, broker, _ = setup
    _, cid = prepared(setup, import_body(1))
    assert post(client, broker, cid, "claim").status_code == 200
    db.session.get(ClearanceCase, cid).claim_expires_at = utcnow()
    db.session.commit()
    assert reap_now()["claims_expired"] == 1
    case = case_of(client, broker, cid)
    assert case["claimed_by"] is None and case["events"][-1]["action"] == "claim_expired"
    assert post(client, make_user("broker"), cid, "claim").status_code == 200


def test_changes_requested_then_the_seller_amends_then_approved(setup):
    app, client, seller, broker, customs = setup
    oid, cid = prepared(setup, import_body(1))
    r = post(
        client,
        broker,
        cid,
        "request-changes",
        {"reason": "Say what the mug is made of", "fields": ["items.1.description"]},
    )
    assert r.status_code == 200 and r.json["status"] == "changes_requested"
    assert r.json["problems"] == [
        {
            "source": "broker",
            "field": "items.1.description",
            "message": "Say what the mug is made of",
        }
    ]
    # the seller changes the order itself: the whole body, validated as a new order
    order = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    body = import_body(1)
    body["items"][1]["description"] = "Porcelain coffee mug, glazed"
    bad = client.put(
        f"/api/v1/orders/{oid}", json={**body, "currency": "EURO"}, headers=headers(seller)
    )
    assert bad.status_code == 422 and "currency" in bad.json["errors"]
    r = client.put(f"/api/v1/orders/{oid}", json=body, headers=headers(seller))
    assert r.status_code == 200, r.json
    assert r.json["items"][1]["description"] == "Porcelain coffee mug, glazed"
    assert r.json["id"] == order["id"] and r.json["item_id"] == order["item_id"]
    case = case_of(client, broker, cid)
    assert (case["status"], case["version"]) == ("preparing", 2)
    amended = [e for e in case["events"] if e["action"] == "amend"][0]
    assert amended["details"]["diff"] == {
        "items.1.description": {
            "before": "Porcelain coffee mug",
            "after": "Porcelain coffee mug, glazed",
        }
    }
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "awaiting_review" and case["problems"] == []
    # while the broker reviews it, the seller cannot change the order
    r = client.put(f"/api/v1/orders/{oid}", json=body, headers=headers(seller))
    assert r.status_code == 409 and "awaiting_review" in r.json["message"]
    approve(client, broker, cid)
    work(app)
    assert case_of(client, broker, cid)["status"] == "submitted"
    inventory = [m for m in case_of(client, broker, cid)["messages"] if m["kind"] == "ceb621"]
    assert inventory[0]["name"] == f"CEB621_{cid}_v2_a1.xml"


def test_a_six_digit_hs_line_is_blocking_until_the_broker_amends_it(setup):
    app, client, seller, broker, _ = setup
    body = import_body(1)
    body["items"][0]["hs_code"] = "610910"
    oid, cid = prepared(setup, body)
    case = case_of(client, broker, cid)
    assert case["status"] == "changes_requested"
    risk = [r for r in case["risks"] if r["code"] == "hs_needs_10_digits"]
    assert risk and risk[0]["field"] == "items.0.hs_code" and risk[0]["severity"] == "blocking"
    assert "items.0.hs_code" in {p["field"] for p in case["problems"]}
    listing = client.get("/api/v1/clearance?risk=hs_needs_10_digits", headers=headers(broker)).json
    assert [c["id"] for c in listing["items"]] == [cid]
    assert (
        client.get("/api/v1/clearance?risk=quota_over", headers=headers(broker)).json["total"] == 0
    )
    r = post(client, broker, cid, "approve")
    assert r.status_code == 409 and "changes_requested" in r.json["message"]
    # a path that is not a field of the order, and a value the order schema refuses
    r = post(client, broker, cid, "amend", {"fields": {"items.7.hs_code": "6109100021"}})
    assert r.status_code == 422 and "items.7.hs_code" in r.json["errors"]
    r = post(client, broker, cid, "amend", {"fields": {"items.0.hs_code": "99"}})
    assert r.status_code == 422 and "items.0.hs_code" in r.json["errors"]
    r = post(
        client,
        broker,
        cid,
        "amend",
        {"fields": {"items.0.hs_code": "6109100021"}, "reason": "knitted cotton, men's"},
    )
    assert r.status_code == 200 and r.json["status"] == "preparing", r.json
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "awaiting_review", case["problems"]
    assert not [r for r in case["risks"] if r["code"] == "hs_needs_10_digits"]
    diff = [a for a in case["audit"] if a["action"] == "case.amend"][0]["after"]
    assert diff["diff"] == {"items.0.hs_code": {"before": "610910", "after": "6109100021"}}
    assert diff["reason"] == "knitted cotton, men's"
    order = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    assert order["items"][0]["hs_code"] == "6109100021"
    approve(client, broker, cid)


def test_customs_rejection_is_amended_and_refiled_as_a_change(setup):
    from app.services import inbox

    app, client, seller, broker, customs = setup
    oid = create(client, seller, import_body(1))
    (cid,) = file_orders(app, client, seller, broker, [oid])
    customs.answer(("2", "declaring"), ("100", "-621005 over the single-order limit"))
    inbox.poll()
    case = case_of(client, broker, cid)
    assert case["status"] == "rejected"
    assert case["events"][-1]["reason"] == "-621005 over the single-order limit"
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == "rejected"
    r = post(client, broker, cid, "amend", {"fields": {"items.0.quantity": "1"}, "reason": "split"})
    assert r.status_code == 200 and r.json["app_type"] == "2", r.json
    work(app)
    approve(client, broker, cid)
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "submitted"
    refiled = sorted(m["name"] for m in case["messages"] if m["version"] == 2)
    assert refiled == sorted(
        f"{k}_{cid}_v2_a2.xml" for k in ("CEB311", "CEB411", "CEB511", "CEB621")
    )
    sent = (customs.root / "outbox" / f"CEB621_{cid}_v2_a2.xml").read_bytes()
    assert b"<ceb:appType>2</ceb:appType>" in dxp.unwrap(sent).data
    # the earlier rejection does not count against the new filing
    customs.answer(*RELEASE)
    inbox.poll()
    assert case_of(client, broker, cid)["status"] == "released"
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == "released"


def test_cancel_before_filing_and_after_release(setup):
    from app.services import inbox

    app, client, seller, broker, customs = setup
    early, late = create(client, seller, import_body(1)), create(client, seller, export_body(2))
    (early_case,) = hand_over(client, seller, [early])
    r = post(client, seller, early_case, "cancel", {"reason": "sold out"})
    assert r.status_code == 200 and r.json["status"] == "cancelled"
    # the parcel is free for a new case
    assert hand_over(client, seller, [early])
    (cid,) = file_orders(app, client, seller, broker, [late])
    customs.answer(*RELEASE, invt_no="530420261128000001")
    inbox.poll()
    assert case_of(client, broker, cid)["invt_no"] == "530420261128000001"
    assert post(client, broker, cid, "cancel", {}).status_code == 422
    r = post(client, broker, cid, "cancel", {"reason": "buyer returned the order"})
    assert r.status_code == 200 and r.json["status"] == "cancel_requested"
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "cancel_requested", case["error"]
    cancels = [m for m in case["messages"] if m["kind"] in ("ceb605", "ceb623")]
    assert [m["name"] for m in cancels] == [f"CEB605_{cid}_v1_a1.xml"]
    customs.answer(("2", "declaring"), ("100", "-623005 the state does not allow a cancel"))
    inbox.poll()
    case = case_of(client, broker, cid)
    assert case["status"] == "released", case["events"][-1]
    r = post(client, broker, cid, "cancel", {"reason": "asked again"})
    assert r.status_code == 200
    work(app)
    customs.answer(("2", "declaring"), ("399", "cancel approved"))
    inbox.poll()
    case = case_of(client, broker, cid)
    assert case["status"] == "cancelled"
    assert f"CEB605_{cid}_v1_a1_r2.xml" in [m["name"] for m in case["messages"]]
    assert (
        client.get(f"/api/v1/orders/{late}", headers=headers(seller)).json["status"] == "cancelled"
    )


def test_sellers_see_their_own_cases_only(setup, make_user):
    app, client, seller, broker, _ = setup
    _, cid = prepared(setup, import_body(1))
    other = make_user("seller")
    assert client.get(f"/api/v1/clearance/{cid}", headers=headers(other)).status_code == 404
    assert post(client, other, cid, "cancel", {"reason": "x"}).status_code == 404
    assert client.get("/api/v1/clearance", headers=headers(other)).json["total"] == 0
    assert client.get("/api/v1/clearance", headers=headers(seller)).json["total"] == 1
    assert post(client, seller, cid, "approve").status_code == 403
    assert (
        client.get(f"/api/v1/clearance/{cid}", headers=headers(make_user("carrier"))).status_code
        == 403
    )
    r = client.post("/api/v1/clearance", json={"order_ids": [cid]}, headers=headers(other))
    assert r.status_code == 201 and r.json["refused"] == {cid: "No such order."}


def test_hand_over_refusals(setup):
    app, client, seller, broker, _ = setup
    oid = create(client, seller, import_body(1))
    assert (
        client.post(f"/api/v1/orders/{oid}/clearance", headers=headers(seller)).status_code == 201
    )
    r = client.post(f"/api/v1/orders/{oid}/clearance", headers=headers(seller))
    assert r.status_code == 409 and "open clearance case" in r.json["message"]
    postal = import_body(2, regime="postal")
    postal["recipient"].pop("id_number")
    r = client.post(
        f"/api/v1/orders/{create(client, seller, postal)}/clearance", headers=headers(seller)
    )
    assert r.status_code == 409 and "postal" in r.json["message"]
    r = client.post("/api/v1/clearance", json={"order_ids": []}, headers=headers(seller))
    assert r.status_code == 422 and "order_ids" in r.json["errors"]
    r = client.post("/api/v1/orders/nope/clearance", headers=headers(seller))
    assert r.status_code == 404
