"""The rebate and FX-settlement reports from CEB792-mapped customs declaration lines, with
purchase invoices (免退) and receipts of payment, against hand-worked figures."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from export_support import (
    PROFILE,
    export_order,
    invt_no,
    item,
    official_rate,
    post_order,
    post_xml,
    released,
    summary_result,
)
from support import headers

from declarations.ceb.receipts import CHINA_TIME

NOV = {"from": "2026-11-01", "to": "2026-11-30"}
ON_5 = datetime(2026, 11, 5, 9, 0, tzinfo=CHINA_TIME)
ON_8 = datetime(2026, 11, 8, 9, 0, tzinfo=CHINA_TIME)
ON_12 = datetime(2026, 11, 12, 9, 0, tzinfo=CHINA_TIME)
SUMMARISED = datetime(2026, 12, 3, 10, 0, tzinfo=CHINA_TIME)
SUM_NO, DECL = "530120261200000007", "530120261200000701"


def battery(quantity: int) -> dict:
    return item(
        "BAT-48V", quantity, "20.00", hs_code="850760", description="Lithium-ion battery pack"
    )


@pytest.fixture
def month(app, client, make_user):
    """Three released November exports on one declaration (T-shirts on line 1, batteries
    on line 2), and a fourth released but not summarised."""
    official_rate(app, "USD", "7.1")
    seller, broker = make_user("seller"), make_user("broker")
    client.put("/api/v1/profile", json=PROFILE, headers=headers(seller))
    e1 = post_order(client, seller, export_order(order_no="E-1", items=[item("TS", 100, "8.50")]))
    e2 = post_order(
        client, seller, export_order(order_no="E-2", items=[item("TS", 50, "8.40"), battery(10)])
    )
    e3 = post_order(client, seller, export_order(order_no="E-3", items=[item("TS", 20, "8.50")]))
    e4 = post_order(client, seller, export_order(order_no="E-4", items=[item("TS", 1, "8.50")]))
    released(client, broker, [e1], ON_5)
    released(client, broker, [e2, e4], ON_8)
    released(client, broker, [e3], ON_12)
    lines = [
        (invt_no(ON_5, 1), parcel(e1), 1, 1, "6109100021"),
        (invt_no(ON_8, 1), parcel(e2), 1, 1, "6109100021"),
        (invt_no(ON_8, 1), parcel(e2), 2, 2, "8507600010"),
        (invt_no(ON_12, 1), parcel(e3), 1, 1, "6109100021"),
    ]
    r = post_xml(
        client,
        broker,
        "/api/v1/summaries/results",
        summary_result(SUM_NO, DECL, lines, SUMMARISED, entry_id="530120261000000777"),
    )
    assert r.status_code == 200, r.json
    assert (r.json["lines_added"], r.json["declarations"][0]["unmapped_lines"]) == (4, 0)
    return seller, broker, {"E-1": e1, "E-2": e2, "E-3": e3, "E-4": e4}


def parcel(order: dict) -> str:
    return order["parcels"][0]["item_id"]


def report(client, who, name, accept=None, **query):
    h = headers(who) | ({"Accept": accept} if accept else {})
    r = client.get(f"/api/v1/reports/{name}", query_string={**NOV, **query}, headers=h)
    assert r.status_code == 200, r.json
    return r


def invoice(client, who, order, excl, vat, no, line_no=None):
    body = {"order_id": order["id"], "invoice_no": no, "amount_excl_vat": excl, "vat": vat}
    if line_no:
        body["line_no"] = line_no
    r = client.post("/api/v1/purchase-invoices", json=body, headers=headers(who))
    assert r.status_code == 201, r.json


def test_rebate_from_declaration_lines_equals_the_hand_worked_total(client, month):
    seller, _, _ = month
    body = report(client, seller, "export-rebates").json
    assert body["basis"] == "customs"
    shirts, batteries = body["rows"]
    # Line 1: 850.00 + 420.00 + 170.00 = 1,440.00 USD × 7.1 = 10,224.00 CNY; × 13 % = 1,329.12
    assert (shirts["gseqno"], shirts["hs_code"], shirts["value"], shirts["lines"]) == (
        1,
        "6109100021",
        "1440.00",
        3,
    )
    assert (shirts["export_date"], shirts["order_nos"]) == ("2026-11-12", ["E-1", "E-2", "E-3"])
    assert (shirts["fob_cny"], shirts["rebate_rate"], shirts["rebate_cny"]) == (
        "10224.00",
        "0.13",
        "1329.12",
    )
    assert (shirts["method"], shirts["entry_id"]) == ("exempt_credit_refund", "530120261000000777")
    assert "USD/CNY 7.1 of 2024-01-01" in shirts["fx_source"]
    # Line 2: 10 × 20.00 = 200.00 USD × 7.1 = 1,420.00; batteries at 6 % on 2026-11-12 = 85.20
    assert (batteries["value"], batteries["rebate_rate"], batteries["rebate_cny"]) == (
        "200.00",
        "0.06",
        "85.20",
    )
    # 1,329.12 + 85.20
    assert body["totals"][0]["rebate_cny"] == "1414.32"
    assert body["not_on_declarations"] == ["E-4"]
    assert any("1 export order(s) released in the period are on no" in n for n in body["notes"])
    # The same month on the orders basis, asked for: one row per order line.
    orders = report(client, seller, "export-rebates", basis="orders").json
    assert orders["basis"] == "orders" and len(orders["rows"]) == 5


def test_purchase_invoices_give_the_exempt_refund(client, month):
    seller, _, orders = month
    invoice(client, seller, orders["E-1"], "4000.00", "520.00", "0441-1")
    invoice(client, seller, orders["E-2"], "2000.00", "260.00", "0441-2", line_no=1)
    body = report(client, seller, "export-rebates").json
    shirts = body["rows"][0]
    # E-3 has no invoice: the whole declaration line stays at the 免抵退 ceiling.
    assert (shirts["method"], shirts["rebate_cny"]) == ("exempt_credit_refund", "1329.12")
    assert "2 of 3 order lines have purchase invoices" in shirts["note"]
    invoice(client, seller, orders["E-3"], "800.00", "104.00", "0441-3")
    shirts, batteries = report(client, seller, "export-rebates").json["rows"]
    # 4,000 + 2,000 + 800 = 6,800.00 excl. VAT × 13 % = 884.00
    assert (shirts["method"], shirts["invoice_amount_excl_vat"], shirts["refund_cny"]) == (
        "exempt_refund",
        "6800.00",
        "884.00",
    )
    assert shirts["invoices"] == ["0441-1", "0441-2", "0441-3"]
    assert (shirts["rebate_ceiling_cny"], shirts["rebate_cny"]) == (None, "884.00")
    assert batteries["method"] == "exempt_credit_refund"
    totals = report(client, seller, "export-rebates").json["totals"][0]
    assert (totals["refund_cny"], totals["rebate_ceiling_cny"], totals["rebate_cny"]) == (
        "884.00",
        "85.20",
        "969.20",
    )


def test_domain_worked_example_of_the_exempt_refund(app, client, make_user):
    """DOMAIN.md §6.4: 1,000 T-shirts bought at CNY 45.20 incl. 13 % VAT each → net 40,000
    → rebate at 13 % = 5,200.00."""
    official_rate(app, "USD", "7.1")
    seller = make_user("seller")
    order = post_order(client, seller, export_order(items=[item("TS", 1000, "8.50")]))
    invoice(client, seller, order, "40000.00", "5200.00", "0441-9")
    (row,) = report(client, seller, "export-rebates").json["rows"]
    assert (row["basis"], row["method"], row["refund_cny"]) == (
        "orders",
        "exempt_refund",
        "5200.00",
    )


def test_fx_settlement_with_receipts_and_ageing(client, month):
    seller, _, orders = month
    payments = [
        # E-1 due 850.00 + 12.50 = 862.50, paid and settled by the bank
        {"bank_reference": "BK-1", "amount": "862.50", "order_no": "E-1"}
        | {"settled_cny": "6100.00", "settled_on": "2026-11-21"},
        # E-2 due 620.00 + 12.50 = 632.50, 300.00 of it paid
        {"bank_reference": "BK-2", "amount": "300.00", "order_no": "E-2"},
        {"bank_reference": "BK-3", "amount": "99.00", "payer": "Nobody We Know"},
    ]
    body = [
        {"currency": "USD", "date": "2026-11-20", "payer": "Anna Schmidt"} | p for p in payments
    ]
    r = client.post("/api/v1/payments-received", json=body, headers=headers(seller))
    assert r.json["created"] == 3
    r = report(client, seller, "fx-settlement", as_of="2026-12-10")
    (usd,) = r.json["currencies"]
    assert usd == {
        "basis": "customs",
        "currency": "USD",
        "orders": 3,
        "declared_export_value": "1640.00",
        "amount_due": "1677.50",  # 862.50 + 632.50 + 182.50
        "receipts": "1162.50",
        "over_payments": "0.00",
        "unreceived": "515.00",  # E-2 332.50 + E-3 182.50
        "unmatched_receipts": "99.00",
        "unsettled": "300.00",
        "ageing_0_30": "182.50",  # E-3 released 2026-11-12: 28 days
        "ageing_31_90": "332.50",  # E-2 released 2026-11-08: 32 days
        "ageing_91_180": "0.00",
        "ageing_over_180": "0.00",
        "not_released": "0.00",
        "received_cny": "8253.75",  # (862.50 + 300.00) × 7.1
        "settled_cny": "6100.00",
        "declared_export_value_cny": "11644.00",  # 10,224.00 + 1,420.00
        "rebate_claimable_cny": "1414.32",
        "complete": True,
        "not_covered": [],
    }
    assert r.json["as_of"] == "2026-12-10"
    text = report(client, seller, "fx-settlement", accept="text/csv", as_of="2026-12-10").text
    (line,) = csv.DictReader(io.StringIO(text))
    assert (line["basis"], line["ageing_31_90"], line["settled_cny"]) == (
        "customs",
        "332.50",
        "6100.00",
    )


def test_customs_basis_csv_and_unmapped_lines(client, month):
    seller, broker, _ = month
    stray = summary_result(
        SUM_NO,
        "530120261200000702",
        [("53012026E112900009", "LX000000009CN", 1, 1, "6109100021")],
        datetime(2026, 11, 30, 18, 0, tzinfo=CHINA_TIME),  # no release on file: this day
    )
    assert post_xml(client, broker, "/api/v1/summaries/results", stray).json["lines_added"] == 1
    # Sent again: nothing new.
    assert post_xml(client, broker, "/api/v1/summaries/results", stray).json["lines_added"] == 0
    body = report(client, seller, "export-rebates").json
    rows = {(r["decl_seq_no"], r["gseqno"]): r for r in body["rows"]}
    lost = rows[("530120261200000702", 1)]
    assert (lost["rebate_cny"], lost["lines"]) == (None, 0)
    assert lost["note"] == (
        "not covered: inventory lines not among the stored export orders: 53012026E112900009 item 1"
    )
    # The stray declaration's ebcCode is the seller's: it is the seller's, shown, not counted.
    usd, none = body["totals"]
    assert (usd["currency"], usd["rebate_cny"], usd["not_covered_lines"]) == ("USD", "1414.32", 0)
    assert (none["currency"], none["lines"], none["rebate_cny"]) == (None, 1, None)
    assert any("1 line(s) are not covered" in n for n in body["notes"])
    fx = report(client, seller, "fx-settlement").json
    assert [c["currency"] for c in fx["currencies"]] == ["USD"]
    text = report(client, seller, "export-rebates", accept="text/csv").text
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["sum_no", "seller_id", "decl_seq_no"] and header[-1] == "note"


def test_summary_results_are_for_brokers_and_read_safely(client, make_user):
    seller, broker = make_user("seller"), make_user("broker")
    result = summary_result(SUM_NO, DECL, [], SUMMARISED)
    assert post_xml(client, seller, "/api/v1/summaries/results", result).status_code == 403
    other = b'<CEB604Message xmlns="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0"/>'
    r = post_xml(client, broker, "/api/v1/summaries/results", other)
    assert r.status_code == 422
    r = post_xml(client, broker, "/api/v1/summaries/results", b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>")
    assert r.status_code == 422
