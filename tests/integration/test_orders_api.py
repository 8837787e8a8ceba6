from support import cbec_import_order, headers


def post(client, auth, body, **kw):
    return client.post("/api/v1/orders", json=body, headers=headers(auth), **kw)


def test_create_returns_stored_order_with_totals(client, make_user, order_payload):
    seller = make_user("seller")
    r = post(client, seller, order_payload())
    assert r.status_code == 201, r.json
    o = r.json
    assert o["status"] == "received" and o["order_no"] == "SO-1001"
    assert o["items"][0]["hs_code"] == "610910"
    assert o["items"][0]["line_value"] == "25.5"
    assert o["totals"] == {
        "currency": "USD",
        "goods_value": "31.5",
        "shipping_cost": "12.5",
        "insurance_cost": "0",
        "total_value": "44",
        "net_weight_kg": "0.95",
        "gross_weight_kg": "1.2",
        "line_count": 2,
    }
    assert len(o["parcels"]) == 1 and o["item_id"] == o["parcels"][0]["item_id"]
    got = client.get(f"/api/v1/orders/{o['id']}", headers=headers(seller))
    assert got.status_code == 200 and got.json["id"] == o["id"]


def test_same_body_is_idempotent_and_different_body_conflicts(client, make_user, order_payload):
    seller = make_user("seller")
    first = post(client, seller, order_payload())
    again = post(client, seller, order_payload(shipping_cost=12.5))  # same value, other spelling
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert again.json["item_id"] == first.json["item_id"]
    changed = post(client, seller, order_payload(shipping_cost="13.00"))
    assert changed.status_code == 409
    assert changed.json["code"] == 409 and "already exists" in changed.json["message"]
    listing = client.get("/api/v1/orders", headers=headers(seller)).json
    assert listing["total"] == 1


def test_same_order_no_for_two_sellers_is_two_orders(client, make_user, order_payload):
    a, b = make_user("seller"), make_user("seller")
    ra, rb = post(client, a, order_payload()), post(client, b, order_payload())
    assert ra.status_code == rb.status_code == 201 and ra.json["id"] != rb.json["id"]


def test_tenant_isolation(client, make_user, order_payload):
    a, b = make_user("seller"), make_user("seller")
    broker, admin = make_user("broker"), make_user("admin")
    oid = post(client, a, order_payload()).json["id"]
    post(client, b, order_payload(order_no="B-1"))
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(b)).status_code == 404
    assert client.get("/api/v1/orders", headers=headers(b)).json["total"] == 1
    for staff in (broker, admin):
        assert client.get(f"/api/v1/orders/{oid}", headers=headers(staff)).status_code == 200
        assert client.get("/api/v1/orders", headers=headers(staff)).json["total"] == 2


def test_list_filters_and_pages(client, make_user, order_payload):
    seller = make_user("seller")
    for n in range(5):
        post(client, seller, order_payload(order_no=f"P-{n}"))
    page = client.get("/api/v1/orders?page=2&per_page=2", headers=headers(seller)).json
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (5, 2, 2, 2)
    none = client.get("/api/v1/orders?status=released", headers=headers(seller)).json
    assert none["total"] == 0
    bad = client.get("/api/v1/orders?status=lost&per_page=0", headers=headers(seller))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"status", "per_page"}
    huge = client.get(f"/api/v1/orders?page={10**20}", headers=headers(seller))
    assert huge.status_code == 422 and set(huge.json["errors"]) == {"page"}


def test_auth_required_and_roles(client, make_user, order_payload):
    assert client.get("/api/v1/orders").status_code == 401
    r = client.get("/api/v1/orders", headers={"Authorization": "Bearer sp_nope"})
    assert r.status_code == 401 and r.json["status"] == "Unauthorized"
    broker = make_user("broker")
    r = post(client, broker, order_payload())
    assert r.status_code == 403


def test_s10_ids_are_unique_and_valid(client, make_user, order_payload):
    from declarations import s10

    seller = make_user("seller")
    ids = {post(client, seller, order_payload(order_no=f"S-{n}")).json["item_id"] for n in range(4)}
    assert len(ids) == 4
    assert all(s10.is_valid(i) and i.endswith("CN") for i in ids)


def test_given_item_id_is_kept_and_cannot_be_reused(client, make_user, order_payload):
    seller = make_user("seller")
    r = post(client, seller, order_payload(item_id="RR473124829GB"))
    assert r.status_code == 201 and r.json["item_id"] == "RR473124829GB"
    r2 = post(client, seller, order_payload(order_no="X-2", item_id="RR473124829GB"))
    assert r2.status_code == 409 and "item_id" in r2.json["message"]


def test_cbec_import_accepts_chinese_text(client, make_user):
    seller = make_user("seller")
    r = post(client, seller, cbec_import_order())
    assert r.status_code == 201, r.json
    assert r.json["recipient"]["name"] == "王小明"


def test_audit_log_records_creation(app, client, make_user, order_payload):
    from app.extensions import db
    from app.models import AuditEntry

    seller = make_user("seller")
    oid = post(client, seller, order_payload()).json["id"]
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.entity_id == oid)
    ).scalar_one()
    assert entry.action == "order.created" and entry.actor_id == seller["_user_id"]
    import pytest

    from app.models.audit import AuditLogIsAppendOnly

    entry.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_profile_roundtrip_and_platform_default(client, make_user):
    seller = make_user("seller", name="Bright Trading")
    r = client.get("/api/v1/profile", headers=headers(seller))
    assert r.json["platform_name"] == "Bright Trading"
    r = client.put(
        "/api/v1/profile",
        json={
            "customs_code": "4403961234",
            "customs_name": "深圳光明贸易有限公司",
            "dxp_id": "DXPENT0000012345",
        },
        headers=headers(seller),
    )
    assert r.status_code == 200, r.json
    assert r.json["platform_code"] == "4403961234"
    bad = client.put(
        "/api/v1/profile", json={"customs_code": "x", "nope": 1}, headers=headers(seller)
    )
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"customs_code", "nope"}
    carrier = make_user("carrier")
    assert client.get("/api/v1/profile", headers=headers(carrier)).status_code == 403


def test_openapi_document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json["paths"]
    assert {
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/imports",
        "/api/v1/imports/{batch_id}",
        "/api/v1/profile",
    } <= set(paths)
    assert client.get("/api/docs").status_code == 200
