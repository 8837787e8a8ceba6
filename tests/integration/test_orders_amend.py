"""Amending (PUT, PATCH) and cancelling (DELETE) an order while nothing is filed, and the
service pair the clearance workflow reuses: order_body and replace_order."""

import copy

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order, headers

CANCEL_WORKFLOW = "POST /api/v1/clearance/{case_id}/cancel"


def post(client, auth, body):
    r = client.post("/api/v1/orders", json=body, headers=headers(auth))
    assert r.status_code == 201, r.json
    return r.json


def audit_entries(order_id: str) -> list:
    from app.extensions import db
    from app.models import AuditEntry

    stmt = db.select(AuditEntry).where(AuditEntry.entity_id == order_id)
    return list(db.session.execute(stmt.order_by(AuditEntry.id)).scalars())


def set_status(order_id: str, status: str) -> None:
    from app.extensions import db
    from app.models import Order

    db.session.get(Order, order_id).status = status
    db.session.commit()


@pytest.fixture
def seller(make_user):
    return make_user("seller")


def test_order_body_is_the_stored_order_as_a_body(app, client, seller):
    from app.extensions import db
    from app.models import Order
    from app.services import orders

    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["items"][1]["unit"] = "PCE"
    stored = post(client, seller, body)
    order = db.session.get(Order, stored["id"])
    assert orders.order_body(order) == {
        "order_no": "SO-1001",
        "flow": "export",
        "regime": None,
        "channel": "post",
        "trade_mode": "9610",
        "warehouse_id": None,
        "incoterm": "DAP",
        "freight_payer": "sender",
        "duty_payer": "recipient",
        "currency": "USD",
        "shipping_cost": "12.5",
        "insurance_cost": "0",
        "category": "sale_of_goods",
        "category_explanation": None,
        "item_id": stored["item_id"],
        "gross_weight_kg": "1.2",
        "ordered_at": "2026-11-20",
        "seller_collects_vat": False,
        "payment": None,
        "sender": BASE_EXPORT_ORDER["sender"],
        "recipient": BASE_EXPORT_ORDER["recipient"],
        "items": [
            {
                "sku": "TS-RED-M",
                "description": "Men's cotton T-shirt, knitted",
                "description_local": "男士纯棉针织T恤",
                "hs_code": "610910",
                "quantity": "3",
                "unit": "piece",
                "net_weight_kg": "0.6",
                "unit_value": "8.5",
                "origin_country": "CN",
            },
            {
                "sku": "MUG-01",
                "description": "Porcelain coffee mug",
                "description_local": None,
                "hs_code": "691110",
                "quantity": "1",
                "unit": "piece",
                "net_weight_kg": "0.35",
                "unit_value": "6",
                "origin_country": "CN",
            },
        ],
    }


def test_order_body_validates_back_to_the_same_order(app, client, seller):
    from app.extensions import db
    from app.models import Order, User
    from app.services import orders

    body = cbec_import_order(
        payment={
            "pay_code": "1101110323",
            "pay_name": "示例支付有限公司",
            "transaction_id": "P0242250007",
            "paid_at": "2026-11-20T10:16:30+08:00",
        },
    )
    order = db.session.get(Order, post(client, seller, body)["id"])
    stored = orders.order_body(order)
    assert stored["payment"]["paid_at"] == "2026-11-20T10:16:30+08:00"
    digest = order.body_hash
    # replacing the order with its own body changes nothing: no quote, no audit entry
    owner = db.session.get(User, seller["_user_id"])
    assert orders.replace_order(owner, order, stored, None) is order
    assert (order.body_hash, orders.order_body(order)) == (digest, stored)
    assert [e.action for e in audit_entries(order.id)] == ["order.created"]


def test_put_replaces_the_order_and_quotes_it_again(app, client, seller, order_payload):
    first = post(client, seller, order_payload())
    new_body = order_payload(shipping_cost="20", gross_weight_kg="2.5")
    new_body["items"] = new_body["items"][:1]
    new_body["items"][0].update(quantity=4, unit="H87")
    r = client.put(f"/api/v1/orders/{first['id']}", json=new_body, headers=headers(seller))
    assert r.status_code == 200, r.json
    got = r.json
    assert (got["id"], got["item_id"], got["status"]) == (first["id"], first["item_id"], "received")
    assert [(i["line_no"], i["quantity"], i["unit"]) for i in got["items"]] == [(1, "4", "piece")]
    assert got["totals"] == {
        "currency": "USD",
        "goods_value": "34",
        "shipping_cost": "20",
        "insurance_cost": "0",
        "total_value": "54",
        "net_weight_kg": "0.6",
        "gross_weight_kg": "2.5",
        "line_count": 1,
    }
    assert got["parcels"][0]["gross_weight_kg"] == "2.5"
    # the frozen quote is the one a new order with this body gets
    twin = post(client, seller, dict(new_body, order_no="TWIN"))
    assert (got["quote"], got["quote_error"]) == (twin["quote"], twin["quote_error"])
    # the new body is what the order is recognised by; the old one now conflicts
    same = client.post("/api/v1/orders", json=new_body, headers=headers(seller))
    assert same.status_code == 200 and same.json["id"] == first["id"]
    old = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert old.status_code == 409


def test_put_is_audited_with_the_changed_fields(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    r = client.put(
        f"/api/v1/orders/{oid}", json=order_payload(insurance_cost="1.5"), headers=headers(seller)
    )
    assert r.status_code == 200, r.json
    entries = audit_entries(oid)
    assert [e.action for e in entries] == ["order.created", "order.replaced"]
    assert entries[1].actor_id == seller["_user_id"]
    assert (entries[1].before, entries[1].after) == (
        {"insurance_cost": "0"},
        {"insurance_cost": "1.5"},
    )


def test_patch_merges_into_the_stored_body(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    patch = {"channel": "express", "recipient": {"city": "Hamburg", "phone": None}}
    r = client.patch(
        f"/api/v1/orders/{oid}",
        data=__import__("json").dumps(patch),
        headers={**headers(seller), "Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.json
    expected_recipient = dict(BASE_EXPORT_ORDER["recipient"], city="Hamburg")
    del expected_recipient["phone"]
    assert r.json["recipient"] == expected_recipient
    assert r.json["channel"] == "express"
    assert len(r.json["items"]) == 2 and r.json["shipping_cost"] == "12.5"
    entry = audit_entries(oid)[-1]
    assert entry.action == "order.replaced"
    assert entry.before == {"channel": "post", "recipient": BASE_EXPORT_ORDER["recipient"]}
    assert entry.after == {"channel": "express", "recipient": expected_recipient}


def test_patch_replaces_a_list_whole_and_an_empty_patch_changes_nothing(
    app, client, seller, order_payload
):
    oid = post(client, seller, order_payload())["id"]
    one_item = {"items": [dict(BASE_EXPORT_ORDER["items"][1], quantity=2)]}
    r = client.patch(f"/api/v1/orders/{oid}", json=one_item, headers=headers(seller))
    assert r.status_code == 200, r.json
    assert [(i["sku"], i["quantity"]) for i in r.json["items"]] == [("MUG-01", "2")]
    count = len(audit_entries(oid))
    r = client.patch(f"/api/v1/orders/{oid}", json={}, headers=headers(seller))
    assert r.status_code == 200 and len(audit_entries(oid)) == count
    r = client.patch(f"/api/v1/orders/{oid}", json=[1], headers=headers(seller))
    assert r.status_code == 422 and r.json["errors"] == {"_body": ["send a JSON object"]}


def test_amendments_are_validated_as_new_orders_and_lose_nothing(
    app, client, seller, order_payload
):
    first = post(client, seller, order_payload(item_id="RR473124829GB"))
    oid = first["id"]
    bad = order_payload()
    bad["items"][0]["unit"] = "FURLONG"
    r = client.put(f"/api/v1/orders/{oid}", json=bad, headers=headers(seller))
    assert r.status_code == 422 and list(r.json["errors"]) == ["items.0.unit"]
    r = client.patch(f"/api/v1/orders/{oid}", json={"currency": None}, headers=headers(seller))
    assert r.status_code == 422
    assert r.json["errors"] == {"currency": ["Missing data for required field."]}
    r = client.patch(f"/api/v1/orders/{oid}", json={"order_no": "NEW"}, headers=headers(seller))
    assert r.status_code == 422
    assert r.json["errors"] == {"order_no": ["stays 'SO-1001'; store a new order for a new number"]}
    other = post(client, seller, order_payload(order_no="O-2"))
    taken = {"item_id": other["item_id"]}
    r = client.patch(f"/api/v1/orders/{oid}", json=taken, headers=headers(seller))
    assert r.status_code == 409 and r.json["errors"] == {"item_id": ["already in use"]}
    after = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    assert {k: v for k, v in after.items()} == first
    assert [e.action for e in audit_entries(oid)] == ["order.created"]


def test_a_new_item_id_moves_the_parcel(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    r = client.patch(
        f"/api/v1/orders/{oid}", json={"item_id": "RR473124829GB"}, headers=headers(seller)
    )
    assert r.status_code == 200, r.json
    assert r.json["item_id"] == r.json["parcels"][0]["item_id"] == "RR473124829GB"


def test_delete_cancels_and_a_cancelled_order_stays_so(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    r = client.delete(f"/api/v1/orders/{oid}", headers=headers(seller))
    assert r.status_code == 200 and r.json["status"] == "cancelled"
    entry = audit_entries(oid)[-1]
    assert (entry.action, entry.before, entry.after) == (
        "order.status",
        {"status": "received"},
        {"status": "cancelled"},
    )
    again = client.delete(f"/api/v1/orders/{oid}", headers=headers(seller))
    assert again.status_code == 200 and again.json["status"] == "cancelled"
    assert len(audit_entries(oid)) == 2
    r = client.put(f"/api/v1/orders/{oid}", json=order_payload(), headers=headers(seller))
    assert r.status_code == 409
    assert r.json["message"] == "Order SO-1001 is cancelled; it can no longer change."
    listing = client.get("/api/v1/orders?status=cancelled", headers=headers(seller)).json
    assert [o["id"] for o in listing["items"]] == [oid]


@pytest.mark.parametrize("status", ["declared", "released", "rejected", "returned"])
def test_after_filing_changes_go_through_the_clearance_case(
    app, client, seller, order_payload, status
):
    oid = post(client, seller, order_payload())["id"]
    set_status(oid, status)
    message = (
        f"Order SO-1001 has been filed with customs (status {status}); "
        f"cancel it through its clearance case: {CANCEL_WORKFLOW}."
    )
    for r in (
        client.put(f"/api/v1/orders/{oid}", json=order_payload(), headers=headers(seller)),
        client.patch(f"/api/v1/orders/{oid}", json={"channel": "express"}, headers=headers(seller)),
        client.delete(f"/api/v1/orders/{oid}", headers=headers(seller)),
    ):
        assert r.status_code == 409, r.json
        assert r.json["message"] == message
        assert r.json["errors"] == {
            "status": [f"{status}: filed with customs; use {CANCEL_WORKFLOW}"]
        }
    got = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    assert (got["status"], got["channel"]) == (status, "post")


def test_a_frozen_snapshot_gets_a_new_version(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    r = client.post(f"/api/v1/orders/{oid}/declarations", headers=headers(seller))
    assert r.status_code == 201 and r.json["declaration"]["version"] == 1
    set_status(oid, "received")  # a frozen snapshot is not a filing
    r = client.patch(f"/api/v1/orders/{oid}", json={"shipping_cost": 30}, headers=headers(seller))
    assert r.status_code == 200, r.json
    listing = client.get(f"/api/v1/orders/{oid}/declarations", headers=headers(seller)).json
    assert listing["declaration"]["version"] == 2
    snapshot = client.get(f"/api/v1/orders/{oid}/declarations/snapshot", headers=headers(seller))
    assert snapshot.json["order"]["shipping_cost"] == "30"


def test_without_a_snapshot_an_amendment_freezes_none(app, client, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    r = client.patch(f"/api/v1/orders/{oid}", json={"shipping_cost": 30}, headers=headers(seller))
    assert r.status_code == 200
    listing = client.get(f"/api/v1/orders/{oid}/declarations", headers=headers(seller)).json
    assert listing["declaration"] is None


def test_only_the_owning_seller_amends(client, make_user, seller, order_payload):
    oid = post(client, seller, order_payload())["id"]
    other, broker = make_user("seller"), make_user("broker")
    for method in ("put", "patch", "delete"):
        kwargs = {} if method == "delete" else {"json": order_payload()}
        call = getattr(client, method)
        assert call(f"/api/v1/orders/{oid}", headers=headers(other), **kwargs).status_code == 404
        assert call(f"/api/v1/orders/{oid}", headers=headers(broker), **kwargs).status_code == 403


def test_replace_order_serves_any_caller_who_sees_the_order_and_does_not_commit(
    app, client, make_user, seller, order_payload
):
    from app.errors import NotFound
    from app.extensions import db
    from app.models import Order, User
    from app.services import orders

    oid = post(client, seller, order_payload())["id"]
    broker = db.session.get(User, make_user("broker")["_user_id"])
    order = db.session.get(Order, oid)
    set_status(oid, "declared")  # the service leaves status rules to its caller
    body = orders.order_body(order)
    body["items"][0]["description"] = "Men's cotton T-shirt, knitted, red"
    same = orders.replace_order(broker, order, body, broker)
    assert same is order and order.lines[0].description == "Men's cotton T-shirt, knitted, red"
    entry = audit_entries(oid)[-1]
    assert (entry.action, entry.actor_id) == ("order.replaced", broker.id)
    db.session.rollback()
    assert db.session.get(Order, oid).lines[0].description == "Men's cotton T-shirt, knitted"
    stranger = db.session.get(User, make_user("seller")["_user_id"])
    with pytest.raises(NotFound):
        orders.replace_order(stranger, db.session.get(Order, oid), body, stranger)
