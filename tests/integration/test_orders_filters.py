"""The order list's filters, and the one rule of every query endpoint: a parameter it
does not take is a 422 that names it."""

from datetime import UTC, datetime

import pytest
from support import cbec_import_order, headers

from app.models.orders import ORDER_STATUSES


def _store(client, seller, body) -> str:
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 201, r.json
    return r.json["id"]


def _set(order_id: str, **columns) -> None:
    from app.extensions import db
    from app.models import Order

    order = db.session.get(Order, order_id)
    for name, value in columns.items():
        setattr(order, name, value)
    db.session.commit()


def _numbers(client, auth, query: str) -> list[str]:
    r = client.get(f"/api/v1/orders?{query}", headers=headers(auth))
    assert r.status_code == 200, r.json
    return sorted(o["order_no"] for o in r.json["items"])


@pytest.fixture
def shelf(client, make_user, order_payload):
    """Three orders of one seller: to DE and FR (exports) and to CN (a CBEC import)."""
    seller = make_user("seller")
    to_fr = order_payload(order_no="F-2")
    to_fr["recipient"]["country"] = "FR"
    ids = {
        "F-1": _store(client, seller, order_payload(order_no="F-1")),
        "F-2": _store(client, seller, to_fr),
        "IM-1": _store(client, seller, cbec_import_order()),
    }
    return seller, ids


def test_every_status_an_order_can_have_filters(client, shelf):
    seller, ids = shelf
    assert ORDER_STATUSES == (
        "received",
        "declared",
        "released",
        "rejected",
        "returned",
        "cancelled",
    )
    assert _numbers(client, seller, "status=received") == ["F-1", "F-2", "IM-1"]
    for status in ORDER_STATUSES[1:]:
        _set(ids["F-2"], status=status)
        assert _numbers(client, seller, f"status={status}") == ["F-2"], status
        assert _numbers(client, seller, "status=received") == ["F-1", "IM-1"]
    bad = client.get("/api/v1/orders?status=lost", headers=headers(seller))
    assert bad.status_code == 422
    assert bad.json["errors"] == {"status": ["Must be one of: " + ", ".join(ORDER_STATUSES) + "."]}


def test_order_no_flow_and_destination(client, shelf):
    seller, _ = shelf
    assert _numbers(client, seller, "order_no=F-2") == ["F-2"]
    assert _numbers(client, seller, "order_no=F") == []
    assert _numbers(client, seller, "flow=import") == ["IM-1"]
    assert _numbers(client, seller, "flow=export") == ["F-1", "F-2"]
    assert _numbers(client, seller, "destination=fr") == ["F-2"]
    assert _numbers(client, seller, "destination=CN&flow=import") == ["IM-1"]
    assert _numbers(client, seller, "destination=CN&flow=export") == []
    bad = client.get("/api/v1/orders?destination=XX&flow=up", headers=headers(seller))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"destination", "flow"}


def test_created_days_are_utc_days_both_included(client, shelf):
    seller, ids = shelf
    _set(ids["F-1"], created_at=datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC))
    _set(ids["F-2"], created_at=datetime(2026, 11, 2, 0, 0, 0, tzinfo=UTC))
    _set(ids["IM-1"], created_at=datetime(2026, 11, 3, 23, 59, 59, tzinfo=UTC))
    day = "created_from=2026-11-02&created_to=2026-11-02"
    assert _numbers(client, seller, day) == ["F-2"]
    assert _numbers(client, seller, "created_from=2026-11-02") == ["F-2", "IM-1"]
    assert _numbers(client, seller, "created_to=2026-11-01") == ["F-1"]
    assert _numbers(client, seller, "created_from=2026-11-01&created_to=2026-11-03") == [
        "F-1",
        "F-2",
        "IM-1",
    ]
    backwards = client.get(
        "/api/v1/orders?created_from=2026-11-03&created_to=2026-11-02", headers=headers(seller)
    )
    assert backwards.status_code == 422
    assert backwards.json["errors"] == {
        "created_to": ["must not be before created_from (2026-11-03)"]
    }


def test_a_seller_filters_only_its_own_orders(client, shelf, make_user, order_payload):
    seller, _ = shelf
    other = make_user("seller")
    _store(client, other, order_payload(order_no="F-1"))
    assert _numbers(client, other, "order_no=F-1") == ["F-1"]
    assert client.get("/api/v1/orders?order_no=F-1", headers=headers(other)).json["total"] == 1
    broker = make_user("broker")
    assert client.get("/api/v1/orders?order_no=F-1", headers=headers(broker)).json["total"] == 2


TAKES = "created_from, created_to, destination, flow, order_no, page, per_page, status"


def test_an_unknown_parameter_is_named(client, shelf):
    seller, _ = shelf
    r = client.get("/api/v1/orders?stauts=declared&page=1&colour=red", headers=headers(seller))
    assert r.status_code == 422
    message = f"not a parameter of this endpoint; it takes: {TAKES}"
    assert r.json["errors"] == {"colour": [message], "stauts": [message]}


@pytest.mark.parametrize(
    "role, path, takes",
    [
        ("broker", "/api/v1/buyers/310101199001011234/quota", "year"),
        ("seller", "/api/v1/tariffs/DE/610910", "as_of, origin, region"),
        ("seller", "/api/v1/reports/export-rebates", "basis, from, seller_id, to"),
        ("seller", "/api/v1/reports/fx-settlement", "as_of, basis, from, seller_id, to"),
        (
            "seller",
            "/api/v1/payments-received",
            "currency, order_id, page, per_page, seller_id, unmatched",
        ),
        ("seller", "/api/v1/warehouses", "kind"),
        ("seller", "/api/v1/parcels/nope/cn23.pdf", "page"),
        ("carrier", "/api/v1/analytics/lanes", "since, until"),
        ("seller", "/api/v1/webhooks/nope/deliveries", "limit, offset, status"),
        ("broker", "/api/v1/inbound-items", "limit, offset, status"),
    ],
)
def test_every_query_endpoint_names_an_unknown_parameter(client, make_user, role, path, takes):
    auth = make_user(role)
    r = client.get(f"{path}?bogus=1", headers=headers(auth))
    assert r.status_code == 422, r.json
    assert r.json["errors"]["bogus"] == [f"not a parameter of this endpoint; it takes: {takes}"]


def test_every_query_schema_of_the_api_refuses_unknown_parameters(app):
    """The rule lives in one base schema; each endpoint's query schema derives from it."""
    from app.schemas.query import QuerySchema

    query_schemas = {
        name: param["schema"]
        for name, view in app.view_functions.items()
        for param in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
        if param["in"] == "query"
    }
    assert set(query_schemas) == {
        "analytics.lanes",
        "buyers.get_quota",
        "clearance.list_cases",
        "inbound.list_items",
        "orders.list_orders",
        "parcels.cn23",
        "posts.list_lanes",
        "payments.list_invoices",
        "payments.list_payments",
        "payments.post_payments",
        "reports.export_rebates",
        "reports.fx_settlement",
        "summaries.list_declarations",
        "summaries.list_summaries",
        "warehouses.get_movements",
        "warehouses.get_stock",
        "warehouses.list_entries",
        "warehouses.list_releases",
        "warehouses.list_sales",
        "warehouses.list_warehouses",
        "tariffs.get_tariff",
        "webhooks.deliveries",
    }
    assert {n for n, s in query_schemas.items() if not issubclass(s, QuerySchema)} == set()
