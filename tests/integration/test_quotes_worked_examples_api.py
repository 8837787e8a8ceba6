"""Every worked example of DOMAIN.md §6 through POST /api/v1/quotes, to the cent.

FX rates for the destination-currency amounts come from a CSV given to the app the way an
operator would (``FX_RATES_FILE``); they are labelled test fixtures, not official figures.
"""

import copy

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order, headers

FIXTURE_RATES = """base,quote,rate,valid_from,valid_to,period,source
USD,KRW,1400,2020-01-01,,test,test fixture rate (not an official figure)
USD,BRL,5.5,2020-01-01,,test,test fixture rate (not an official figure)
EUR,KZT,600,2020-01-01,,test,test fixture rate (not an official figure)
EUR,RUB,100,2020-01-01,,test,test fixture rate (not an official figure)
"""


@pytest.fixture
def seller(app, make_user, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(FIXTURE_RATES)
    app.config["FX_RATES_FILE"] = str(rates)
    app.extensions.pop("silkpost.tariff", None)
    return make_user("seller")


def item(
    hs, value, qty=1, unit="piece", description="Cotton T-shirt, knitted", origin="CN", kg="0.2"
):
    return {
        "description": description,
        "hs_code": hs,
        "quantity": qty,
        "unit": unit,
        "net_weight_kg": kg,
        "unit_value": value,
        "origin_country": origin,
    }


def export_to(country, currency, items, **changes):
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["recipient"].update(country=country, phone="+1 555 0100")
    body.update(currency=currency, items=items, shipping_cost="0", gross_weight_kg="5")
    body.update(changes)
    return body


def quote(client, seller, body, as_of="2026-11-15"):
    r = client.post("/api/v1/quotes", json={**body, "as_of": as_of}, headers=headers(seller))
    assert r.status_code == 200, r.json
    return r.json


def test_cn_cbec_toothbrush(client, seller):
    j = quote(
        client,
        seller,
        cbec_import_order(
            shipping_cost="20",
            items=[item("96032100", "300", description="Toothbrush", origin="JP")],
        ),
    )
    assert j["taxes"] == [{"kind": "vat", "base": "320.00", "rate": "0.091", "amount": "29.12"}]
    assert (j["customs_value"], j["duty_total"], j["total"]) == ("320.00", "0.00", "29.12")


def test_cn_cbec_essence(client, seller):
    j = quote(
        client,
        seller,
        cbec_import_order(
            shipping_cost="0",
            items=[
                item("33049900", "14", qty=50, unit="ml", description="Facial essence", origin="JP")
            ],
        ),
    )
    ct, vat = j["taxes"]
    assert (ct["kind"], ct["amount"], vat["amount"]) == ("consumption_tax", "86.47", "74.94")
    assert j["total"] == "161.41"


def test_cn_postal_coat_and_book(client, seller):
    def postal(hs, value, description):
        body = cbec_import_order(
            regime="postal",
            shipping_cost="0",
            items=[item(hs, value, description=description, origin="JP")],
        )
        return quote(client, seller, body)

    coat = postal("62019300", "800", "Men's overcoat")
    book = postal("49019900", "300", "Printed novel")
    # DOMAIN's "coat 800 × 20 % = 160": 800 is 2× or more of the listed 外衣 CNY 300, so the
    # dutiable price is the invoice price (GAC Announcement 2012 No. 15, principle 3)
    assert (coat["total"], book["total"]) == ("160.00", "0.00")


def test_gb_consignment_and_checkout_case(client, seller):
    j = quote(client, seller, export_to("GB", "GBP", [item("61091000", "180")], shipping_cost="20"))
    assert (j["customs_value"], j["duty_total"], j["tax_total"], j["collected_at"]) == (
        "200.00",
        "24.00",
        "44.80",
        "border",
    )
    small = quote(client, seller, export_to("GB", "GBP", [item("61091000", "120")]))
    assert (small["duty_total"], small["tax_total"], small["collected_at"]) == (
        "0.00",
        "24.00",
        "checkout",
    )


def test_au_above_low_value_threshold(client, seller):
    j = quote(
        client, seller, export_to("AU", "AUD", [item("61091000", "1200")], shipping_cost="150")
    )
    assert (j["duty_total"], j["taxes"][0]["base"], j["tax_total"]) == (
        "60.00",
        "1410.00",
        "141.00",
    )


def test_kr_above_de_minimis(client, seller):
    j = quote(client, seller, export_to("KR", "USD", [item("61091000", "160")], shipping_cost="10"))
    assert (j["customs_value"], j["duty_total"], j["tax_total"]) == ("170.00", "22.10", "19.21")
    assert j["destination_currency"] == "KRW"


def test_br_remessa_conforme(client, seller):
    j = quote(
        client,
        seller,
        export_to(
            "BR", "USD", [item("61091000", "40")], shipping_cost="5", seller_collects_vat=True
        ),
    )
    assert (j["duty_total"], j["tax_total"], j["taxes"][0]["kind"]) == ("9.00", "11.06", "icms")


def test_kz_new_rules_and_eaeu_old_rules(client, seller):
    kz = quote(
        client,
        seller,
        export_to("KZ", "EUR", [item("61091000", "300", kg="1.5")], gross_weight_kg="2"),
        as_of="2026-07-01",
    )
    assert (kz["duty_total"], kz["tax_total"]) == ("15.00", "50.40")
    ru = quote(
        client,
        seller,
        export_to("RU", "EUR", [item("61091000", "450", kg="1.5")], gross_weight_kg="2"),
        as_of="2026-06-30",
    )
    assert ru["duty_total"] == "37.50"


def test_eu_flat_duty_per_distinct_subheading(client, seller):
    one = quote(
        client, seller, export_to("DE", "EUR", [item("61091000", "10", qty=5)]), as_of="2026-07-01"
    )
    assert one["duty_total"] == "3.00"
    two = quote(
        client,
        seller,
        export_to(
            "FR",
            "EUR",
            [
                item("62061000", "40", description="Silk blouse"),
                item("62062000", "30", qty=2, description="Wool blouse"),
            ],
        ),
        as_of="2026-07-01",
    )
    assert two["duty_total"] == "6.00"
