"""Receipts of payment from the bank: matched to export orders, partial, over and unmatched."""

from __future__ import annotations

import pytest
from export_support import export_order, item, post_order, seller_id_of
from support import headers

# BASE order: 3 × 8.50 + 1 × 6.00 goods + 12.50 shipping = 44.00 USD due.
DUE = "44.00"


def receipt(ref: str, amount: str, payer: str = "Anna Schmidt", **more) -> dict:
    return {
        "amount": amount,
        "currency": "USD",
        "date": "2026-11-25",
        "payer": payer,
        "bank_reference": ref,
        **more,
    }


def post(client, who, body, **query):
    return client.post(
        "/api/v1/payments-received", json=body, query_string=query, headers=headers(who)
    )


def listing(client, who, **query):
    r = client.get("/api/v1/payments-received", query_string=query, headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json


@pytest.fixture
def seller(make_user):
    return make_user("seller")


def test_matched_by_order_number_partial_then_paid_then_over(client, seller):
    order = post_order(client, seller, export_order())
    r = post(client, seller, [receipt("BK-1", "30.00", order_no="SO-1001")])
    assert r.status_code == 201, r.json
    assert r.json["created"] == 1 and r.json["results"][0]["status"] == "created"
    (first,) = listing(client, seller)["items"]
    assert (first["order_id"], first["matched_by"], first["applied"], first["excess"]) == (
        order["id"],
        "order_no",
        "30",
        "0",
    )
    assert first["status"] == "partial"
    assert first["order"] == {
        "order_no": "SO-1001",
        "due": "44",
        "received": "30",
        "outstanding": "14",
        "state": "partial",
    }
    # 14.00 completes it; 5.00 more is an over-payment of the whole 5.00.
    post(client, seller, [receipt("BK-2", "14.00", order_no="SO-1001")])
    post(client, seller, [receipt("BK-3", "5.00", order_no="SO-1001")])
    items = {i["bank_reference"]: i for i in listing(client, seller)["items"]}
    assert (items["BK-2"]["applied"], items["BK-2"]["excess"], items["BK-2"]["status"]) == (
        "14",
        "0",
        "paid",
    )
    assert (items["BK-3"]["applied"], items["BK-3"]["excess"], items["BK-3"]["status"]) == (
        "0",
        "5",
        "over_payment",
    )
    assert items["BK-1"]["order"]["state"] == "paid" and items["BK-1"]["status"] == "paid"


def test_over_payment_in_one_receipt(client, seller):
    post_order(client, seller, export_order())
    post(client, seller, [receipt("BK-9", "50.00", order_no="SO-1001")])
    (one,) = listing(client, seller)["items"]
    assert (one["applied"], one["excess"], one["status"]) == ("44", "6", "over_payment")


def test_matched_by_amount_currency_and_payer(client, seller):
    post_order(client, seller, export_order())
    post_order(
        client,
        seller,
        export_order(
            order_no="SO-2",
            recipient={
                **export_order()["recipient"],
                "name": "Jan Novak",
                "company": "Novak s.r.o.",
            },
        ),
    )
    # Payer spelled with other case and punctuation: the company of SO-2 matches.
    body = [
        receipt("BK-A", DUE, payer="NOVAK S.R.O"),
        receipt("BK-B", DUE, payer="  anna   schmidt "),
        receipt("BK-C", DUE, payer="Someone Else"),
        receipt("BK-D", "44.01", payer="Anna Schmidt"),
    ]
    assert post(client, seller, body).json["created"] == 4
    items = {i["bank_reference"]: i for i in listing(client, seller)["items"]}
    assert (items["BK-A"]["order"]["order_no"], items["BK-A"]["matched_by"]) == (
        "SO-2",
        "amount_payer",
    )
    assert items["BK-B"]["order"]["order_no"] == "SO-1001"
    assert items["BK-C"]["status"] == "unmatched"
    assert items["BK-C"]["unmatched_reason"] == (
        "no export order in USD with 44.00 outstanding from 'Someone Else'"
    )
    # SO-1001 is paid now: nothing is outstanding at 44.01.
    assert items["BK-D"]["order"] is None


def test_ambiguous_and_named_orders_that_do_not_fit_stay_unmatched(client, seller):
    post_order(client, seller, export_order())
    post_order(client, seller, export_order(order_no="SO-TWIN"))
    post_order(client, seller, export_order(order_no="SO-EUR", currency="EUR"))
    body = [
        receipt("BK-1", DUE),
        receipt("BK-2", "10", order_no="SO-NONE"),
        receipt("BK-3", "10", order_no="SO-EUR"),
    ]
    post(client, seller, body)
    unmatched = listing(client, seller, unmatched="true")
    reasons = {i["bank_reference"]: i["unmatched_reason"] for i in unmatched["items"]}
    assert reasons == {
        "BK-1": "2 orders match amount and payer: SO-1001, SO-TWIN",
        "BK-2": "no export order SO-NONE",
        "BK-3": "order SO-EUR is in EUR, not USD",
    }
    assert unmatched["total"] == 3
    assert listing(client, seller, unmatched="false")["total"] == 0


def test_a_bank_reference_is_recorded_once(client, seller):
    post_order(client, seller, export_order())
    first = post(client, seller, [receipt("BK-1", "30.00", order_no="SO-1001")])
    again = post(client, seller, [receipt("BK-1", "30.00", order_no="SO-1001")])
    assert (again.status_code, again.json["duplicates"]) == (200, 1)
    assert again.json["results"][0]["id"] == first.json["results"][0]["id"]
    other = post(client, seller, [receipt("BK-1", "31.00", order_no="SO-1001")])
    assert (other.status_code, other.json["conflicts"]) == (200, 1)
    assert "already recorded with other content" in other.json["results"][0]["error"]
    (only,) = listing(client, seller)["items"]
    assert only["applied"] == "30"  # nothing counted twice


def test_csv_statement_with_row_errors(client, seller):
    post_order(client, seller, export_order())
    text = (
        "bank_reference,date,amount,currency,payer,order_no,settled_cny,settled_on\r\n"
        "BK-1,2026-11-25,44.00,USD,Anna Schmidt,SO-1001,310.20,2026-11-26\r\n"
        "BK-2,2026-11-25,-3,USD,Anna Schmidt,,,\r\n"
        "BK-3,2026-11-25,10.00,US$,Anna Schmidt,,,\r\n"
        ",,,,,,,\r\n"
        "BK-4,2026-11-26,12.00,USD,Unknown Payer,,,\r\n"
        "BK-5,2026-11-26,12.00,USD,Anna Schmidt,,100,\r\n"
    )
    r = client.post(
        "/api/v1/payments-received",
        data=text.encode(),
        headers={**headers(seller), "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.json
    assert (r.json["created"], r.json["invalid"]) == (2, 3)
    problems = [(x["row"], x["field"], x["status"]) for x in r.json["results"] if "field" in x]
    assert problems == [
        (3, "amount", "invalid"),
        (4, "currency", "invalid"),
        (7, "settled_on", "invalid"),
    ]
    stored = {i["bank_reference"]: i for i in listing(client, seller)["items"]}
    assert set(stored) == {"BK-1", "BK-4"}
    assert (stored["BK-1"]["settled_cny"], stored["BK-1"]["settled_on"]) == ("310.2", "2026-11-26")


def test_csv_header_problems_are_refused_whole(client, seller):
    r = client.post(
        "/api/v1/payments-received",
        data=b"amount,currency,colour\r\n1,USD,red\r\n",
        headers={**headers(seller), "Content-Type": "text/csv"},
    )
    assert r.status_code == 422
    (message,) = r.json["errors"]["file"][:1]
    assert "missing column(s): date, payer, bank_reference" in message
    assert "unknown column(s): colour" in r.json["errors"]["file"][1]
    assert listing(client, seller)["total"] == 0


def test_json_list_is_validated_whole(client, seller):
    r = post(client, seller, [receipt("BK-1", "1"), {**receipt("BK-2", "1"), "currency": "??"}])
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"1.currency"}
    assert listing(client, seller)["total"] == 0
    assert post(client, seller, {"amount": 1}).status_code == 422
    r = client.post(
        "/api/v1/payments-received", data=b"x", headers={**headers(seller), "Content-Type": "a/b"}
    )
    assert r.status_code == 422


def test_tenant_walls_and_brokers_name_the_seller(client, make_user):
    a, b, broker = make_user("seller"), make_user("seller"), make_user("broker")
    post_order(client, a, export_order(order_no="A-1"))
    post_order(client, b, export_order(order_no="B-1"))
    # A names B's order: not found among A's orders.
    post(client, a, [receipt("BK-X", DUE, order_no="B-1")])
    (mine,) = listing(client, a)["items"]
    assert mine["unmatched_reason"] == "no export order B-1"
    assert listing(client, b)["total"] == 0
    assert client.get(
        f"/api/v1/payments-received/{mine['id']}", headers=headers(b)
    ).status_code == (404)
    assert post(client, broker, [receipt("BK-Y", DUE)]).status_code == 404
    r = post(client, broker, [receipt("BK-Y", DUE, order_no="B-1")], seller_id=seller_id_of(b))
    assert r.status_code == 201
    assert listing(client, broker, seller_id=seller_id_of(b))["items"][0]["status"] == "paid"
    assert listing(client, broker)["total"] == 2


def test_purchase_invoices_per_line(client, seller):
    order = post_order(client, seller, export_order(items=[item("TS-1", 10, "8.50")]))
    body = {"order_id": order["id"], "invoice_no": "0441-00012345", "amount_excl_vat": "400.00"}
    r = client.post(
        "/api/v1/purchase-invoices", json={**body, "vat": "52.00"}, headers=headers(seller)
    )
    assert r.status_code == 201, r.json
    assert (r.json["line_no"], r.json["vat"]) == (1, "52")
    again = client.post(
        "/api/v1/purchase-invoices", json={**body, "vat": "52"}, headers=headers(seller)
    )
    assert again.status_code == 200
    other = client.post(
        "/api/v1/purchase-invoices", json={**body, "vat": "50"}, headers=headers(seller)
    )
    assert other.status_code == 409
    two = post_order(client, seller, export_order(order_no="SO-2"))
    r = client.post(
        "/api/v1/purchase-invoices",
        json={**body, "order_id": two["id"], "vat": "1"},
        headers=headers(seller),
    )
    assert r.status_code == 422 and r.json["errors"] == {"line_no": ["required: 1 to 2"]}
    listed = client.get(
        "/api/v1/purchase-invoices", query_string={"order_id": order["id"]}, headers=headers(seller)
    )
    assert [i["invoice_no"] for i in listed.json] == ["0441-00012345"]
