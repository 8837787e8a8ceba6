"""Quotes through the API: DOMAIN.md worked examples, not-covered answers, frozen quotes."""

import copy

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order, headers


@pytest.fixture
def seller(make_user):
    return make_user("seller")


def quote(client, seller, body):
    return client.post("/api/v1/quotes", json=body, headers=headers(seller))


def one_line(**item) -> dict:
    line = {
        "description": "Electric toothbrush",
        "hs_code": "850980",
        "quantity": 1,
        "net_weight_kg": "0.3",
        "unit_value": "300",
        "origin_country": "JP",
    }
    line.update(item)
    return line


def test_cbec_toothbrush_worked_example(client, seller):
    body = cbec_import_order(shipping_cost="20", items=[one_line()])
    body.pop("order_no")
    body["as_of"] = "2026-11-28"
    r = quote(client, seller, body)
    assert r.status_code == 200, r.json
    assert r.json["tax_total"] == "29.12" and r.json["duty_total"] == "0.00"
    assert r.json["total"] == "29.12" and r.json["regime"] == "cn_cbec"
    assert r.json["table_version"].startswith("tt-")


def test_postal_articles_coat_and_book(client, seller):
    coat = cbec_import_order(
        regime="postal",
        shipping_cost="0",
        items=[one_line(description="Wool overcoat for men", hs_code="620111", unit_value="800")],
    )
    r = quote(client, seller, coat)
    assert r.status_code == 200, r.json
    # DOMAIN §6.3 coat 800 × 20 % = 160: the 完税价格表 lists 外衣 at CNY 300 and 800 is 2× or
    # more of it, so the invoice price is the base (GAC Announcement 2012 No. 15, principle 3)
    assert r.json["tax_total"] == "160.00"
    book = cbec_import_order(
        regime="postal",
        shipping_cost="0",
        items=[
            one_line(description="Printed novel, hardcover", hs_code="490199", unit_value="300")
        ],
    )
    assert quote(client, seller, book).json["total"] == "0.00"


def test_eu_flat_duty_after_2026_07_01(client, seller):
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(currency="EUR", shipping_cost="0")
    body["items"] = [
        one_line(
            description="Cotton T-shirt",
            hs_code="610910",
            quantity=5,
            unit_value="4",
            origin_country="CN",
            net_weight_kg="0.8",
        )
    ]
    body["as_of"] = "2026-07-01"
    assert quote(client, seller, body).json["duty_total"] == "3.00"
    body["as_of"] = "2026-06-30"
    assert quote(client, seller, body).json["duty_total"] == "0.00"


def test_not_covered_is_a_clear_422(client, seller):
    # USD order to DE in 2027-02: the EU rate of 2027-01-20 is past the shipped ECB file and
    # its latest rate (2026-10-30) is more than 45 days old
    r = quote(client, seller, {**BASE_EXPORT_ORDER, "as_of": "2027-02-01"})
    assert r.status_code == 422
    assert "not covered" in r.json["errors"]["quote"][0]
    assert "USD" in r.json["message"] and "45 days" in r.json["message"]


def test_usd_order_to_de_converts_at_the_eu_customs_rate(client, seller):
    r = quote(client, seller, {**BASE_EXPORT_ORDER, "as_of": "2026-11-20"})
    assert r.status_code == 200, r.json
    fx = next(rule for rule in r.json["rules"] if rule["id"].startswith("fx:EURUSD"))
    assert "penultimate Wednesday 2026-10-21, for 2026-11" in fx["text"]
    assert "2015/2447 Art. 146" in fx["source"]


def test_kz_eur_order_answered_without_destination_amounts(client, seller):
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["recipient"].update(country="KZ", phone="+7 727 000 0000", postcode="050000")
    body.update(currency="EUR", shipping_cost="0", gross_weight_kg="2", as_of="2026-11-15")
    body["items"] = [one_line(hs_code="610910", unit_value="300", origin_country="CN")]
    r = quote(client, seller, body)
    assert r.status_code == 200, r.json
    assert (r.json["duty_total"], r.json["tax_total"]) == ("15.00", "50.40")
    assert r.json["destination_amounts"] is None
    assert "no KZT reference rate" in r.json["destination_amounts_not_covered"]


def test_quote_validates_like_an_order(client, seller):
    body = cbec_import_order()
    body["items"][0]["hs_code"] = "12"
    body["as_of"] = "yesterday"
    r = quote(client, seller, body)
    assert r.status_code == 422 and set(r.json["errors"]) == {"items.0.hs_code", "as_of"}


def test_creating_an_order_freezes_its_quote(client, seller):
    r = client.post("/api/v1/orders", json=cbec_import_order(), headers=headers(seller))
    assert r.status_code == 201
    assert r.json["quote"]["regime"] == "cn_cbec" and r.json["quote_error"] is None
    tr = copy.deepcopy(BASE_EXPORT_ORDER)  # Türkiye: no duty rates are tabulated
    tr["recipient"].update(country="TR", phone="+90 212 000 0000")
    r = client.post("/api/v1/orders", json=tr, headers=headers(seller))
    assert r.status_code == 201
    assert r.json["quote"] is None and "HS 61091" in r.json["quote_error"]
