"""Per-destination behaviour beyond the DOMAIN worked examples."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
import tariff_test_helpers as h

from tariff_tables import NotCovered, QuoteRefused, quote

D = Decimal
ON = date(2026, 11, 15)

JSON_KEYS = {
    "currency", "customs_value", "valuation", "duties", "duty_total", "taxes", "tax_total",
    "fees", "fee_total", "total", "collected_at", "payer", "regime", "rules", "table_version",
    "destination_currency", "destination_amounts", "destination_amounts_not_covered",
}  # fmt: skip


def test_json_shape_and_strings():
    q = quote(h.request("GB", "GBP", [h.line("61091000", 1, "180")], shipping_cost=D(20)), ON)
    j = q.to_json()
    assert set(j) == JSON_KEYS
    assert set(j["duties"][0]) == {"measure", "base", "rate", "amount"}
    assert set(j["taxes"][0]) == {"kind", "base", "rate", "amount"}
    assert all(isinstance(j[k], str) for k in ("customs_value", "duty_total", "total"))
    assert D(j["total"]) == D(j["duty_total"]) + D(j["tax_total"]) + D(j["fee_total"])
    assert j["table_version"].startswith("tt-")
    assert j["destination_currency"] == "GBP"
    assert j["destination_amounts"]["total"] == j["total"]
    assert all({"id", "text", "source"} == set(r) for r in j["rules"])
    assert any("UK Trade Tariff" in r["source"] for r in j["rules"])


@pytest.mark.parametrize(
    ("incoterm", "duty_payer", "payer"),
    [
        ("DDP", "recipient", "sender"),
        ("DAP", None, "recipient"),
        (None, "third_party", "third_party"),
    ],
)
def test_payer(incoterm, duty_payer, payer):
    req = h.request(
        "GB", "GBP", [h.line("61091000", 1, "200")], incoterm=incoterm, duty_payer=duty_payer
    )
    assert quote(req, ON).payer == payer


def test_destination_amounts_converted():
    t = h.tariff_with(("USD", "KRW", "1400"))
    q = quote(h.request("KR", "USD", [h.line("61091000", 1, "160")], shipping_cost=D(10)), ON, t)
    j = q.to_json()
    assert j["destination_currency"] == "KRW"
    assert j["destination_amounts"] == {
        "customs_value": "238000", "duty_total": "30940", "tax_total": "26894",
        "fee_total": "0", "total": "57834",
    }  # fmt: skip
    assert "+fx-" in j["table_version"]


def test_kr_under_de_minimis_and_express_from_the_us():
    """KCS 'Clearance procedures for express cargo': USD 150 (200 dollars for the goods from
    US); the postal page names USD 150 only. "From the US" is the dispatch country: goods
    made in Vietnam dispatched from the US by express are under USD 200."""
    t = h.tariff_with(("USD", "KRW", "1400"))
    assert quote(h.request("KR", "USD", [h.line("61091000", 1, "150")]), ON, t).total == 0

    def tee(value, origin, channel, hs="61091000"):
        req = h.request(
            "KR",
            "USD",
            [h.line(hs, 1, value, origin="VN")],
            origin_country=origin,
            channel=channel,
        )
        return quote(req, ON, t)

    assert tee("180", "US", "express").total == 0
    assert tee("180", "US", "post").total > 0  # post from the US stays USD 150
    assert tee("180", "JP", "express").total > 0  # express from elsewhere: USD 150
    # goods excluded from list clearance (health supplements, 2106) keep USD 150: at 140
    # they are exempt, at 180 dutiable (and the tables hold no duty rate for them)
    supplements = tee("140", "US", "express", hs="21069098")
    assert supplements.total == 0
    assert any("HS 21 excluded" in r.text for r in supplements.rules)
    with pytest.raises(NotCovered, match="HS 21069098"):
        tee("180", "US", "express", hs="21069098")


def test_gb_gifts():
    gift = h.request("GB", "GBP", [h.line("61091000", 1, "30")], category="gift")
    q = quote(gift, ON)
    assert q.total == 0 and q.regime == "gb_gift_relief"
    bigger = quote(h.request("GB", "GBP", [h.line("61091000", 1, "100")], category="gift"), ON)
    assert bigger.tax_total == D("20.00") and bigger.collected_at == "border"


def test_gb_books_zero_rated():
    q = quote(h.request("GB", "GBP", [h.line("49019900", 1, "100")]), ON)
    assert q.tax_total == D("0.00")


def test_eu_above_150_taric_and_vat_at_border():
    q = quote(
        h.request(
            "DE",
            "EUR",
            [h.line("61091000", 10, "20")],
            shipping_cost=D(10),
            seller_collects_vat=True,
        ),
        ON,
    )
    assert q.duty_total == D("25.20")  # 12 % × 210
    assert q.tax_total == D("44.69")  # 19 % × 235.20
    assert q.collected_at == "border" and q.regime == "eu_import"


def test_eu_national_currency_needs_rate():
    t = h.tariff_with(("EUR", "SEK", "11.5"))
    req = h.request("SE", "EUR", [h.line("61091000", 1, "100")], channel="post")
    q = quote(req, date(2026, 7, 1), t)
    assert q.destination_currency == "SEK"
    assert q.tax_total == D("25.75")  # 25 % × (100 + 3)
    assert q.destination_amounts["total"] == D("330.63")  # 34.50 + 296.13


def test_eu_excise_goods_excluded_from_low_value():
    with pytest.raises(NotCovered, match="HS 33030010"):
        quote(h.request("DE", "EUR", [h.line("33030010", 1, "50")]), ON)


def test_au_low_value_goods():
    req = h.request(
        "AU", "AUD", [h.line("61091000", 1, "100")], shipping_cost=D(10), seller_collects_vat=True
    )
    q = quote(req, ON)
    assert q.tax_total == D("11.00") and q.collected_at == "checkout" and q.duty_total == 0
    unregistered = quote(h.request("AU", "AUD", [h.line("61091000", 1, "100")]), ON)
    assert unregistered.total == 0


def test_ca_thresholds_and_hst():
    small = quote(h.request("CA", "CAD", [h.line("84713000", 1, "20")]), ON)
    assert small.total == 0
    on_hst = quote(
        h.request("CA", "CAD", [h.line("84713000", 1, "100")], destination_region="ON"), ON
    )
    assert on_hst.tax_total == D("13.00") and on_hst.duty_total == 0
    gst = quote(h.request("CA", "CAD", [h.line("84713000", 1, "100")]), ON)
    assert gst.tax_total == D("5.00")
    us_express = h.request(
        "CA",
        "CAD",
        [h.line("84713000", 1, "30", origin="US")],
        origin_country="US",
        channel="express",
    )
    assert quote(us_express, ON).total == 0
    us_post = h.request(
        "CA", "CAD", [h.line("84713000", 1, "30", origin="US")], origin_country="US", channel="post"
    )
    assert quote(us_post, ON).tax_total == D("1.50")


def test_ca_ns_hst_cut():
    req = h.request("CA", "CAD", [h.line("84713000", 1, "100")], destination_region="NS")
    assert quote(req, date(2025, 3, 31)).tax_total == D("15.00")
    assert quote(req, date(2025, 4, 1)).tax_total == D("14.00")


def test_jp_truncation_and_personal_use():
    req = h.request(
        "JP", "JPY", [h.line("84713000", 1, "50000")], shipping_cost=D(2000), personal_use=True
    )
    q = quote(req, ON)
    # taxable value 50,000 × 60 % + 2,000 = 32,000; national CT 7.8 % → 2,496 → 2,400;
    # local 2,400 × 22/78 = 676.9 → 600.
    assert q.customs_value == D("32000")
    assert [t.amount for t in q.taxes] == [D("2400"), D("600")]
    assert q.total == D("3000")
    full = quote(h.request("JP", "JPY", [h.line("84713000", 1, "51500")]), ON)
    assert full.customs_value == D("51000")  # truncated to JPY 1,000
    assert [t.amount for t in full.taxes] == [D("3900"), D("1100")]


def test_jp_small_value_exemption_and_exclusions():
    q = quote(h.request("JP", "JPY", [h.line("84713000", 1, "9000")]), ON)
    assert q.total == 0 and q.regime == "jp_small_value_exemption"
    with pytest.raises(NotCovered, match="HS 61091000"):
        quote(h.request("JP", "JPY", [h.line("61091000", 1, "3000")]), ON)


def test_jp_assessed_in_yen_from_usd_order():
    t = h.tariff_with(("USD", "JPY", "150"))
    q = quote(h.request("JP", "USD", [h.line("84713000", 1, "1000")]), ON, t)
    assert q.destination_amounts["total"] == D("15000")  # 11,700 + 3,300
    assert q.total == D("100.00")
    assert q.total == sum(t.amount for t in q.taxes)


def test_sg_low_value():
    reg = h.request("SG", "SGD", [h.line("61091000", 1, "100")], seller_collects_vat=True)
    assert quote(reg, ON).tax_total == D("9.00")
    assert quote(reg, ON).collected_at == "checkout"
    assert quote(h.request("SG", "SGD", [h.line("61091000", 1, "100")]), ON).total == 0
    above = quote(h.request("SG", "SGD", [h.line("61091000", 1, "500")], shipping_cost=D(20)), ON)
    assert above.duty_total == 0 and above.tax_total == D("46.80")


def test_mx_global_rate():
    t = h.tariff_with(("USD", "MXN", "18"))
    req = h.request("MX", "USD", [h.line("61091000", 1, "100")], shipping_cost=D(10))
    with pytest.raises(NotCovered, match="channel not stated"):
        quote(req, ON, t)
    q = quote(dataclasses.replace(req, channel="express"), ON, t)
    assert q.duty_total == D("36.85") and q.tax_total == 0


def test_gulf():
    sa = quote(h.request("SA", "SAR", [h.line("61091000", 1, "400")], shipping_cost=D(100)), ON)
    assert sa.duty_total == 0 and sa.tax_total == D("75.00")
    t = h.tariff_with()
    sa_usd = quote(h.request("SA", "USD", [h.line("61091000", 1, "100")]), ON, t)
    assert sa_usd.destination_amounts["tax_total"] == D("56.25")  # 15.00 USD × 3.75
    ae = quote(h.request("AE", "AED", [h.line("61091000", 1, "200")]), ON)
    assert ae.tax_total == D("10.00")
    with pytest.raises(NotCovered, match="destination AE, HS 61091000"):
        quote(h.request("AE", "AED", [h.line("61091000", 1, "2000")]), ON)


def test_th_vat_on_everything():
    q = quote(h.request("TH", "THB", [h.line("84713000", 1, "10000")]), ON)
    assert q.duty_total == 0 and q.tax_total == D("700.00")


def test_my_low_value_goods():
    reg = h.request("MY", "MYR", [h.line("61091000", 1, "200")], seller_collects_vat=True)
    q = quote(reg, ON)
    assert q.tax_total == D("20.00") and q.collected_at == "checkout"
    assert q.taxes[0].kind == "sales_tax"
    with pytest.raises(NotCovered, match="not registered"):
        quote(h.request("MY", "MYR", [h.line("61091000", 1, "200")]), ON)


def test_br_simplified_regime_and_band_two():
    t = h.tariff_with(("USD", "BRL", "5.5"))
    q = quote(
        h.request("BR", "USD", [h.line("61091000", 1, "100")], seller_collects_vat=True), ON, t
    )
    assert q.duty_total == D("40.00")  # 60 % × 100 − 20
    rts = quote(h.request("BR", "USD", [h.line("61091000", 1, "40")]), ON, t)
    assert rts.duty_total == D("24.00") and rts.collected_at == "border"


def test_us_chinese_origin_stacks_section_301():
    q = quote(h.request("US", "USD", [h.line("61091000", 1, "100")], shipping_cost=D(30)), ON)
    assert q.customs_value == D("100.00")  # FOB
    assert q.duty_total == D("24.00")
    assert any("9903.88.15" in r.source for r in q.rules)
    assert any("IEEPA" in r.text for r in q.rules)


# -- China imports -------------------------------------------------------------------------


def test_cbec_order_limit_refused_unless_single_item():
    two = h.request("CN", "CNY", [h.line("84713000", 2, "3000")], regime="cbec")
    with pytest.raises(QuoteRefused) as err:
        quote(two, ON)
    assert err.value.code == "cn_cbec_order_limit"
    one = quote(h.request("CN", "CNY", [h.line("84713000", 1, "6000")], regime="cbec"), ON)
    assert one.regime == "cn_cbec_single_item_general_trade"
    assert one.duty_total == 0 and one.tax_total == D("780.00")  # full 13 %, no 70 %


def test_cbec_annual_quota():
    at_limit = h.request(
        "CN",
        "CNY",
        [h.line("96032100", 1, "1000")],
        regime="cbec",
        buyer_id="110101199001011234",
        buyer_year_used=D(25000),
    )
    assert quote(at_limit, ON).tax_total == D("91.00")
    over = h.request(
        "CN", "CNY", [h.line("96032100", 1, "1000.01")], regime="cbec", buyer_year_used=D(25000)
    )
    with pytest.raises(QuoteRefused, match="-621018"):
        quote(over, ON)


def test_cbec_cosmetics_below_ct_floor_pay_no_ct():
    q = quote(h.request("CN", "CNY", [h.line("33049900", 100, "5", unit="ml")], regime="cbec"), ON)
    assert [t.kind for t in q.taxes] == ["vat"]
    assert q.tax_total == D("45.50")


def test_cbec_books_lower_vat_rate():
    q = quote(h.request("CN", "CNY", [h.line("49019900", 1, "1000")], regime="cbec"), ON)
    assert q.tax_total == D("63.00")  # 9 % × 70 %


def test_cbec_assessed_in_cny_from_foreign_order():
    t = h.tariff_with(("USD", "CNY", "7"))
    q = quote(h.request("CN", "USD", [h.line("96032100", 1, "100")], regime="cbec"), ON, t)
    assert q.destination_amounts["tax_total"] == D("63.70")
    assert q.tax_total == D("9.10")


def test_postal_value_cap():
    # leather shoes: no dutiable price tabulated, so the tax is on the declared price
    two = h.request("CN", "CNY", [h.line("64039900", 2, "600")], regime="postal")
    with pytest.raises(QuoteRefused, match="cap"):
        quote(two, ON)
    single = quote(h.request("CN", "CNY", [h.line("64039900", 1, "1200")], regime="postal"), ON)
    assert single.tax_total == D("240.00")
    hk = h.request(
        "CN", "CNY", [h.line("64039900", 2, "450")], regime="postal", origin_country="HK"
    )
    with pytest.raises(QuoteRefused):
        quote(hk, ON)
    assert quote(
        h.request("CN", "CNY", [h.line("64039900", 2, "450")], regime="postal"), ON
    ).tax_total == D("180.00")


def test_postal_high_end_watch_and_ordinary_watch():
    lux = quote(h.request("CN", "CNY", [h.line("91021100", 1, "12000")], regime="postal"), ON)
    assert lux.tax_total == D("6000.00")
    plain = quote(h.request("CN", "CNY", [h.line("91021100", 1, "900")], regime="postal"), ON)
    assert plain.tax_total == D("180.00")


def test_postal_mixed_parcel_rates_per_line():
    lines = [h.line("49019900", 1, "200", sku="book"), h.line("62019300", 1, "300", sku="coat")]
    q = quote(h.request("CN", "CNY", lines, regime="postal"), ON)
    assert [t.amount for t in q.taxes] == [D("26.00"), D("60.00")]
    assert q.total == D("86.00")
