"""GET /api/v1/buyers/{id_number}/quota: CBEC annual usage from the quota ledger."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from support import cbec_import_order, headers

BUYER = "310101199001011234"


@pytest.fixture
def seller(make_user):
    return make_user("seller")


@pytest.fixture
def broker(make_user):
    return make_user("broker")


def make_order(client, seller, order_no: str) -> str:
    r = client.post(
        "/api/v1/orders", json=cbec_import_order(order_no=order_no), headers=headers(seller)
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def ledger(order_id: str, amount: str, state: str, year: int = 2026, buyer: str = BUYER):
    from app.extensions import db
    from app.models import QuotaLedgerEntry

    db.session.add(
        QuotaLedgerEntry(
            order_id=order_id, buyer_id=buyer, year=year, amount=Decimal(amount), state=state
        )
    )
    db.session.commit()


def quota(client, who, buyer=BUYER, **query):
    return client.get(f"/api/v1/buyers/{buyer}/quota", query_string=query, headers=headers(who))


def test_used_counts_declared_and_released_only(client, seller, broker):
    declared = make_order(client, seller, "IM-1")
    released = make_order(client, seller, "IM-2")
    cancelled = make_order(client, seller, "IM-3")
    returned = make_order(client, seller, "IM-4")
    last_year = make_order(client, seller, "IM-5")
    other_buyer = make_order(client, seller, "IM-6")
    ledger(declared, "1200.50", "declared")
    ledger(released, "4999.99", "released")
    ledger(cancelled, "3000", "cancelled")
    ledger(returned, "700", "returned")
    ledger(last_year, "20000", "released", year=2025)
    ledger(other_buyer, "100", "declared", buyer="110101198001010011")

    r = quota(client, broker, year=2026)
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["buyer_id"], body["year"], body["currency"]) == (BUYER, 2026, "CNY")
    assert (body["limit"], body["used"], body["remaining"]) == ("26000.00", "6200.49", "19799.51")
    rows = {o["order_no"]: o for o in body["orders"]}
    assert set(rows) == {"IM-1", "IM-2", "IM-3", "IM-4"}
    assert rows["IM-1"]["order_id"] == declared
    assert (rows["IM-2"]["amount"], rows["IM-2"]["state"]) == ("4999.99", "released")
    assert rows["IM-3"]["amount"] == "3000.00"
    assert rows["IM-3"]["state"] == "cancelled" and rows["IM-3"]["counted"] is False

    r = quota(client, broker, year=2025)
    assert (r.json["used"], r.json["remaining"]) == ("20000.00", "6000.00")


def test_remaining_never_goes_negative(client, seller, make_user):
    a = make_order(client, seller, "IM-1")
    b = make_order(client, seller, "IM-2")
    ledger(a, "20000", "released")
    ledger(b, "7000", "declared")
    body = quota(client, make_user("admin"), year=2026).json
    assert (body["used"], body["remaining"]) == ("27000.00", "0.00")


def test_unknown_buyer_has_the_whole_limit(client, broker):
    body = quota(client, broker, buyer="NOBODY", year=2026).json
    assert (body["used"], body["remaining"], body["orders"]) == ("0.00", "26000.00", [])


def test_year_defaults_to_the_current_year(client, broker):
    assert quota(client, broker).json["year"] == datetime.now(UTC).year


def test_sellers_and_carriers_are_refused(client, seller, make_user):
    assert quota(client, seller).status_code == 403
    assert quota(client, make_user("carrier")).status_code == 403
    assert client.get(f"/api/v1/buyers/{BUYER}/quota").status_code == 401


def test_bad_year_is_422_and_untabulated_year_404(client, broker):
    r = quota(client, broker, year="last")
    assert r.status_code == 422 and "year" in r.json["errors"]
    r = quota(client, broker, year=2015)
    assert r.status_code == 404 and "2015" in r.json["message"]
