"""Every rule that changed in 2025-2026 flips on exactly its date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import tariff_test_helpers as h

from tariff_tables import quote, rebate

D = Decimal


def test_eu_flat_duty_starts_2026_07_01():
    req = h.request("DE", "EUR", [h.line("61091000", 5, "10")], seller_collects_vat=True)
    before = quote(req, date(2026, 6, 30))
    after = quote(req, date(2026, 7, 1))
    assert before.duty_total == D("0.00")
    assert before.regime == "eu_low_value_relief_ioss"
    assert after.duty_total == D("3.00")
    assert after.regime == "eu_low_value_flat_duty_ioss"
    # VAT base includes the flat duty: 19 % × (50 + 3)
    assert after.tax_total == D("10.07")
    assert before.tax_total == D("9.50")


def test_eu_flat_duty_ends_2028_07_01():
    req = h.request("DE", "EUR", [h.line("61091000", 5, "10")], channel="post")
    assert quote(req, date(2028, 6, 30)).duty_total == D("3.00")
    # afterwards no low-value rule remains: the TARIC rate applies
    assert quote(req, date(2028, 7, 1)).duty_total == D("6.00")


@pytest.mark.parametrize(
    ("value", "on", "duty", "vat"),
    [
        ("450", date(2026, 6, 30), "37.50", "0.00"),  # 15 % of the excess, no VAT
        ("450", date(2026, 7, 1), "22.50", "103.95"),  # 5 % of the whole + 22 % RU VAT
        ("250", date(2026, 6, 30), "7.50", "0.00"),
        ("250", date(2026, 7, 1), "12.50", "57.75"),
        ("200", date(2026, 6, 30), "0.00", "0.00"),
        ("200", date(2026, 7, 1), "0.00", "0.00"),
    ],
)
def test_eaeu_switch_2026_07_01(value, on, duty, vat):
    t = h.tariff_with(("EUR", "RUB", "100"))
    q = quote(h.request("RU", "EUR", [h.line("61091000", 1, value)], gross_weight_kg=D(2)), on, t)
    assert str(q.duty_total) == duty
    assert str(q.tax_total) == vat


def test_eaeu_old_weight_minimum_over_31_kg():
    t = h.tariff_with(("EUR", "RUB", "100"))
    q = quote(
        h.request("RU", "EUR", [h.line("94036000", 1, "150")], gross_weight_kg=D(41)),
        date(2026, 6, 30),
        t,
    )
    assert q.duty_total == D("20.00")  # value under EUR 200, 10 kg over 31 kg × EUR 2


def test_eaeu_new_weight_minimum():
    t = h.tariff_with(("EUR", "KZT", "600"))
    q = quote(
        h.request("KZ", "EUR", [h.line("94036000", 1, "300")], gross_weight_kg=D(40)),
        date(2026, 7, 1),
        t,
    )
    assert q.duty_total == D("40.00")  # max(5 % × 300, EUR 1 × 40 kg)


def test_us_de_minimis_suspended_2025_08_29():
    req = h.request("US", "USD", [h.line("61091000", 1, "50", origin="VN")], origin_country="VN")
    assert quote(req, date(2025, 8, 28)).duty_total == D("0.00")
    after = quote(req, date(2025, 8, 29))
    assert after.duty_total == D("8.25")
    assert after.regime == "us_import"


def test_us_de_minimis_ended_for_china_2025_05_02():
    req = h.request("US", "USD", [h.line("61091000", 1, "50")])
    assert quote(req, date(2025, 5, 1)).duty_total == D("0.00")
    q = quote(req, date(2025, 5, 2))
    assert q.duty_total == D("12.00")  # 16.5 % MFN + 7.5 % Section 301
    assert [d.measure for d in q.duties] == ["mfn:61091000", "section_301_list_4a:61091000"]


@pytest.mark.parametrize(
    ("hs", "on", "refund"),
    [
        ("8507600010", date(2024, 11, 30), "1300.00"),
        ("8507600010", date(2024, 12, 1), "900.00"),
        ("8507600010", date(2026, 3, 31), "900.00"),
        ("8507600010", date(2026, 4, 1), "600.00"),
        ("8507600010", date(2027, 1, 1), "0.00"),
        ("8541430010", date(2024, 11, 30), "1300.00"),
        ("8541430010", date(2024, 12, 1), "900.00"),
        ("8541430010", date(2026, 3, 31), "900.00"),
        ("8541430010", date(2026, 4, 1), "0.00"),
    ],
)
def test_export_rebate_switches(hs, on, refund):
    r = rebate(D("11300"), D("0.13"), hs, on)
    assert str(r.refund) == refund


def test_lost_rebate_says_why():
    r = rebate(D("11300"), D("0.13"), "8541430010", date(2026, 4, 1))
    assert "no rebate" in r.reason
