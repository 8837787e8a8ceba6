"""Gaps in the tables raise NotCovered naming what is missing, never a silent zero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import tariff_test_helpers as h

from tariff_tables import NotCovered, quote, rebate

D = Decimal
ON = date(2026, 11, 15)


def test_unknown_destination():
    with pytest.raises(NotCovered, match="destination ZZ"):
        quote(h.request("ZZ", "USD", [h.line("61091000", 1, "10")]), ON)


def test_destination_without_duty_rates_names_hs():
    t = h.tariff_with(("USD", "TRY", "40"))
    with pytest.raises(NotCovered) as err:
        quote(h.request("TR", "USD", [h.line("61091000", 1, "10")]), ON, t)
    assert err.value.destination == "TR"
    assert err.value.hs_code == "61091000"
    assert "2026-11-15" in str(err.value)


def test_heading_not_tabulated_above_threshold():
    with pytest.raises(NotCovered, match=r"destination GB, HS 42022100, on 2026-11-15"):
        quote(h.request("GB", "GBP", [h.line("42022100", 1, "500")]), ON)


def test_missing_fx_rate_names_pair_and_date():
    """KZT is not an ECB currency: a KZT order cannot convert the EUR 200 EAEU limit."""
    req = h.request("KZ", "KZT", [h.line("61091000", 1, "1000")], gross_weight_kg=D(1))
    with pytest.raises(NotCovered) as err:
        quote(req, ON)
    assert err.value.currency_pair == ("EUR", "KZT")
    assert "currency pair EUR/KZT" in str(err.value)
    assert "the ECB publishes no KZT reference rate" in str(err.value)
    assert "on 2026-11-15" in str(err.value)


def test_rate_older_than_45_days_is_not_used():
    """The EU rate for 2027-01 is fixed on 2026-12-23, after the shipped file's last day
    (2026-10-30): on 2027-01-20 its latest rate is 82 days old, over the 45-day allowance."""
    with pytest.raises(NotCovered, match="EUR/USD") as err:
        quote(h.request("DE", "USD", [h.line("61091000", 1, "10")]), date(2027, 1, 20))
    assert "no ECB rate for 2026-12-23: the rates file ends 2026-10-30" in str(err.value)


def test_eu_reduced_rate_gap():
    with pytest.raises(NotCovered, match="vat rate not tabulated"):
        quote(h.request("FR", "EUR", [h.line("49019900", 1, "20")], channel="post"), ON)


def test_profile_before_coverage():
    t = h.tariff_with(("USD", "MXN", "18"))
    with pytest.raises(NotCovered, match="destination MX, on 2026-01-01"):
        quote(h.request("MX", "USD", [h.line("61091000", 1, "10")]), date(2026, 1, 1), t)


def test_singapore_dutiable_goods_gap():
    with pytest.raises(NotCovered, match="HS 22042100"):
        quote(h.request("SG", "SGD", [h.line("22042100", 1, "900", unit="l")]), ON)


def test_brazil_above_simplified_regime():
    t = h.tariff_with(("USD", "BRL", "5.5"))
    with pytest.raises(NotCovered, match="upper bound"):
        quote(
            h.request("BR", "USD", [h.line("84713012", 1, "3500")], seller_collects_vat=True), ON, t
        )


def test_mexico_fta_origin_not_covered():
    t = h.tariff_with(("USD", "MXN", "18"))
    with pytest.raises(NotCovered, match="origin US"):
        req = h.request("MX", "USD", [h.line("61091000", 1, "10", origin="US")], channel="express")
        quote(req, ON, t)


def test_cn_consumption_tax_gap():
    with pytest.raises(NotCovered, match="consumption_tax rate not tabulated"):
        quote(h.request("CN", "CNY", [h.line("22042100", 1, "300", unit="l")], regime="cbec"), ON)


def test_rebate_not_tabulated():
    with pytest.raises(NotCovered, match="HS 9503000000"):
        rebate(D("1130"), D("0.13"), "9503000000", ON)


def test_not_covered_for_untabulated_eaeu_date():
    with pytest.raises(NotCovered, match="destination RU, on 2019-06-01"):
        quote(h.request("RU", "RUB", [h.line("61091000", 1, "10")]), date(2019, 6, 1))
