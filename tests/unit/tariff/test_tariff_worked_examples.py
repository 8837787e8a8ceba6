"""Every worked example of DOMAIN.md §6, through the public API, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import tariff_test_helpers as h

from tariff_tables import quote, rebate

D = Decimal
ON = date(2026, 11, 15)


def test_cn_cbec_toothbrush():
    q = quote(
        h.request("CN", "CNY", [h.line("96032100", 1, "300")], regime="cbec", shipping_cost=D(20)),
        ON,
    )
    j = q.to_json()
    assert j["customs_value"] == "320.00"
    assert j["duty_total"] == "0.00"
    assert j["taxes"] == [{"kind": "vat", "base": "320.00", "rate": "0.091", "amount": "29.12"}]
    assert j["total"] == "29.12"
    assert j["regime"] == "cn_cbec"


def test_cn_cbec_essence_with_consumption_tax():
    q = quote(h.request("CN", "CNY", [h.line("33049900", 50, "14", unit="ml")], regime="cbec"), ON)
    j = q.to_json()
    ct, vat = j["taxes"]
    assert ct == {"kind": "consumption_tax", "base": "823.53", "rate": "0.105", "amount": "86.47"}
    assert vat == {"kind": "vat", "base": "823.53", "rate": "0.091", "amount": "74.94"}
    assert j["total"] == "161.41"


def test_cn_postal_coat_and_book():
    """DOMAIN §6.3: "coat 800 × 20 % = 160". The coat is listed in the 完税价格表 (外衣, 税号
    04010100, CNY 300), but 800 is 2× or more of it, so customs set the dutiable price from
    the seller's invoice (GAC Announcement 2012 No. 15, principle 3): 800 × 20 % = 160. The
    book is valued separately (另行确定): the declared price is used, 300 × 13 % = 39 ≤ 50
    → 0."""
    coat = quote(h.request("CN", "CNY", [h.line("62019300", 1, "800")], regime="postal"), ON)
    j = coat.to_json()
    assert j["total"] == "160.00"
    assert j["taxes"][0]["base"] == "800.00"
    assert any("dutiable price from the seller's invoice" in r["text"] for r in j["rules"])
    book = quote(h.request("CN", "CNY", [h.line("49019900", 1, "300")], regime="postal"), ON)
    j = book.to_json()
    assert j["total"] == "0.00"
    assert j["taxes"][0] == {
        "kind": "postal_articles_tax",
        "base": "300.00",
        "rate": "0.13",
        "amount": "0.00",
    }
    assert j["regime"] == "cn_postal_articles_waived"
    assert any("17010000" in r["text"] and "declared price" in r["text"] for r in j["rules"])


def test_export_rebate_tshirts():
    r = rebate(D("45200.00"), D("0.13"), "6109100010", date(2026, 5, 1))
    assert str(r.refund) == "5200.00"
    assert str(r.base) == "40000.00"


def test_gb_above_135():
    q = quote(h.request("GB", "GBP", [h.line("61091000", 1, "180")], shipping_cost=D(20)), ON)
    j = q.to_json()
    assert j["customs_value"] == "200.00"
    assert j["duty_total"] == "24.00"
    assert j["tax_total"] == "44.80"
    assert j["taxes"][0]["base"] == "224.00"
    assert j["collected_at"] == "border"


def test_gb_120_order_vat_at_checkout():
    q = quote(h.request("GB", "GBP", [h.line("61091000", 1, "120")]), ON)
    j = q.to_json()
    assert j["duty_total"] == "0.00"
    assert j["tax_total"] == "24.00"
    assert j["collected_at"] == "checkout"


def test_au_above_lvg():
    q = quote(h.request("AU", "AUD", [h.line("61091000", 1, "1200")], shipping_cost=D(150)), ON)
    j = q.to_json()
    assert j["duty_total"] == "60.00"
    assert j["taxes"][0]["base"] == "1410.00"
    assert j["tax_total"] == "141.00"


def test_kr_above_de_minimis_in_usd():
    t = h.tariff_with(("USD", "KRW", "1400"))
    q = quote(h.request("KR", "USD", [h.line("61091000", 1, "160")], shipping_cost=D(10)), ON, t)
    j = q.to_json()
    assert j["customs_value"] == "170.00"
    assert j["duty_total"] == "22.10"
    assert j["tax_total"] == "19.21"
    assert j["taxes"][0]["base"] == "192.10"


def test_br_remessa_conforme():
    t = h.tariff_with(("USD", "BRL", "5.5"))
    q = quote(
        h.request(
            "BR", "USD", [h.line("61091000", 1, "40")], shipping_cost=D(5), seller_collects_vat=True
        ),
        ON,
        t,
    )
    j = q.to_json()
    assert j["duty_total"] == "9.00"
    assert j["tax_total"] == "11.06"
    assert j["taxes"][0]["kind"] == "icms"
    assert j["collected_at"] == "checkout"


def _eaeu_tshirt(dest: str, local: str, rate: str, value: str, on: date) -> dict:
    """A EUR `value` t-shirt, 2 kg gross, to an EAEU destination (fixture EUR rate)."""
    t = h.tariff_with(("EUR", local, rate))
    req = h.request(dest, "EUR", [h.line("61091000", 1, value)], gross_weight_kg=D(2))
    return quote(req, on, t).to_json()


def test_kz_from_2026_07_01():
    j = _eaeu_tshirt("KZ", "KZT", "600", "300", date(2026, 7, 1))
    assert j["duty_total"] == "15.00"
    assert j["tax_total"] == "50.40"
    assert j["taxes"][0]["base"] == "315.00"


def test_eaeu_before_2026_07_01():
    j = _eaeu_tshirt("RU", "RUB", "100", "450", date(2026, 6, 30))
    assert j["duty_total"] == "37.50"
    assert j["tax_total"] == "0.00"


def test_eu_flat_duty_one_subheading():
    q = quote(
        h.request("DE", "EUR", [h.line("61091000", 5, "10")], seller_collects_vat=True),
        date(2026, 7, 1),
    )
    j = q.to_json()
    assert j["duty_total"] == "3.00"
    assert j["duties"][0]["base"] == "1"
    assert j["collected_at"] == "checkout"


def test_eu_flat_duty_two_subheadings():
    lines = [h.line("62061000", 1, "40", sku="silk"), h.line("62062000", 2, "30", sku="wool")]
    q = quote(h.request("FR", "EUR", lines, channel="post"), date(2026, 7, 1))
    assert q.to_json()["duty_total"] == "6.00"
    assert q.collected_at == "border"
