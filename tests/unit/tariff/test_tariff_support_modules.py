"""Rebate methods, quota ledger, FX importers, settlement, loader checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tariff_tables import (
    DataError,
    FxRate,
    InvalidRequest,
    NotCovered,
    fx,
    load_tariff,
    quota,
    rebate,
)
from tariff_tables.loader import build
from tariff_tables.settlement import ExportRow, ReceiptRow, fx_settlement_report

D = Decimal
ON = date(2026, 5, 1)


# -- rebates -------------------------------------------------------------------------------


def test_rebate_capped_at_purchase_vat_rate():
    r = rebate(D("10900"), D("0.09"), "6109100010", ON)
    assert r.refund == D("900.00") and "capped" in r.reason


def _exempt_credit_refund(method: str, uncredited: str, hs: str = "6109100010"):
    """免抵退 on CNY 100,000 FOB with `uncredited` input VAT left to credit."""
    return rebate(
        D(0), D("0.13"), hs, ON, method, fob_cny=D("100000"), uncredited_input_vat=D(uncredited)
    )


def test_rebate_exempt_credit_refund_limit():
    r = _exempt_credit_refund("免抵退", "20000")
    assert r.limit == D("13000.00")
    assert r.refund == D("13000.00") and r.credit == D("0.00")
    r2 = _exempt_credit_refund("exempt_credit_refund", "5000")
    assert r2.refund == D("5000.00") and r2.credit == D("8000.00")
    batt = rebate(D(0), D("0.13"), "8507600010", ON, "exempt_credit_refund", fob_cny=D("100000"))
    assert batt.limit == D("6000.00") and batt.non_creditable == D("7000.00")


def test_rebate_no_invoice_exemption():
    r = rebate(D("45200"), D("0.13"), "6109100010", ON, "无票免税")
    assert r.refund == 0 and "无票免税" in r.reason


def test_rebate_bad_method():
    with pytest.raises(InvalidRequest):
        rebate(D(1), D("0.13"), "6109100010", ON, "magic")


# -- quota ---------------------------------------------------------------------------------


def _run(events):
    entry, used = None, D(0)
    for ev, amount in events:
        entry, delta = quota.apply(
            entry, ev, order_ref="O1", buyer_id="B", year=2026, amount=D(amount)
        )
        used += delta
    return entry, used


@pytest.mark.parametrize(
    ("events", "used", "state"),
    [
        ([("declared", 100)], 100, "declared"),
        ([("declared", 100), ("declared", 100), ("released", 100)], 100, "released"),
        ([("released", 100), ("declared", 100)], 100, "released"),  # out of order
        ([("declared", 100), ("cancelled", 100)], 0, "cancelled"),
        ([("declared", 100), ("cancelled", 100), ("cancelled", 100)], 0, "cancelled"),
        ([("declared", 100), ("released", 100), ("cancelled", 100)], 100, "released"),
        ([("declared", 100), ("released", 100), ("returned", 100)], 0, "returned"),
        ([("declared", 100), ("declared", 120)], 120, "declared"),
        ([("cancelled", 100), ("declared", 100)], 100, "declared"),
    ],
)
def test_quota_ledger_never_double_counts(events, used, state):
    entry, total = _run(events)
    assert total == D(used) and entry.state == state
    assert quota.used_in_year([entry], "B", 2026) == D(used)


def test_quota_check():
    c = quota.check(D(25000), D(1000), ON)
    assert c.limit == D(26000) and c.remaining == D(1000) and not c.would_exceed
    assert quota.check(D(25000), D("1000.01"), ON).would_exceed
    assert quota.remaining(D(30000), D(26000)) == 0


# -- FX --------------------------------------------------------------------------------------

ECB = """Date,USD,JPY,BGN,GBP,
2026-05-19,1.1000,170.00,N/A,0.8500,
2026-05-20,1.1100,171.00,N/A,0.8510,
2026-05-21,1.1200,172.00,N/A,0.8520,
"""


def test_ecb_import_rows():
    rows = fx.parse_ecb_csv(ECB)
    assert len(rows) == 9 and rows[0].base == "EUR"
    usd = [r for r in rows if r.quote == "USD"]
    assert [(r.valid_from, r.rate) for r in usd][1] == (date(2026, 5, 20), D("1.1100"))
    assert fx.penultimate_wednesday(2026, 5) == date(2026, 5, 20)
    assert fx.third_wednesday(2026, 9) == date(2026, 9, 16)
    t = load_tariff().with_fx_rates(usd[1:2])  # the operator's row wins for its date
    assert t.fx("EUR", "USD", date(2026, 5, 20))[0] == D("1.1100")
    with pytest.raises(NotCovered):
        t.fx("EUR", "KZT", date(2026, 5, 20))


def test_ecb_daily_format():
    rows = fx.parse_ecb_csv("Date, USD, JPY, \n12 November 2024, 1.0606, 164.10, \n")
    assert rows[0].valid_from == date(2024, 11, 12) and rows[1].rate == D("164.10")


def test_hmrc_import_and_table_csv():
    text = (
        "Country/Territories,Currency,Currency Code,Currency Units per £1,Start date,"
        "End date\nEurozone,Euro,EUR,1.1900,01/11/2026,30/11/2026\n"
        "USA,Dollar,USD,1.3100,01/11/2026,30/11/2026\n"
    )
    rows = fx.parse_hmrc_csv(text)
    assert [(r.base, r.quote, r.rate) for r in rows] == [
        ("GBP", "EUR", D("1.1900")),
        ("GBP", "USD", D("1.3100")),
    ]
    assert rows[0].valid_to == date(2026, 11, 30)
    out = fx.to_table_csv(rows)
    assert out.startswith("GBP,EUR,1.1900,2026-11-01,2026-11-30,2026-11,")


def test_inverse_rate_used_when_only_opposite_published():
    t = load_tariff()
    rate, row = t.fx("AED", "USD", date(2026, 11, 1))
    assert row is not None and rate == 1 / D("3.6725")


# -- settlement ------------------------------------------------------------------------------


def test_fx_settlement_report():
    exports = [
        ExportRow("USD", D("10000"), ON, "6109100010", D("45200")),
        ExportRow("USD", D("5000"), ON),
        ExportRow("EUR", D("2000"), ON, "6109100010", D("11300")),
    ]
    receipts = [ReceiptRow("USD", D("12000"), ON), ReceiptRow("EUR", D("2000"), ON)]
    rep = fx_settlement_report(exports, receipts, {"USD": D("7.1"), "EUR": D("7.7")})
    eur, usd = rep
    assert usd.declared_export_value == D("15000") and usd.receipts == D("12000")
    assert usd.receipts_cny == D("85200.00") and usd.unreceived == D("3000")
    assert usd.rebate_claimable_cny == D("5200.00")
    assert eur.rebate_claimable_cny == D("1300.00")
    assert usd.to_json()["receipts_cny"] == "85200.00"
    with pytest.raises(NotCovered, match="GBP/CNY"):
        fx_settlement_report([], [ReceiptRow("GBP", D(1), ON)], {})


# -- loader ----------------------------------------------------------------------------------

GOOD = """destinations: [XX]
profiles:
  - {currency: EUR, valuation: CIF, regime: standard, rounding: x, valid_from: 2026-01-01,
     valid_to: null, source: "Test publication No. 1"}
taxes:
  - {kind: vat, hs: "", rate: "0.2", valid_from: 2026-01-01, valid_to: null,
     source: "Test publication No. 1"}
"""


def _tables(tmp_path: Path, text: str):
    (tmp_path / "destinations").mkdir()
    (tmp_path / "destinations" / "xx.yaml").write_text(text, encoding="utf-8")
    return build(tmp_path)


def test_loader_reads_a_minimal_table(tmp_path):
    t = _tables(tmp_path, GOOD)
    assert t.profile("XX", date(2026, 2, 1)).currency == "EUR"
    assert t.table_version.startswith("tt-")


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        pytest.param('rate: "0.2"', 'rate: "20"', "fraction", id="percent-not-fraction"),
        pytest.param('rate: "0.2"', "rate: 0.2x", "not a decimal", id="not-a-number"),
        pytest.param(
            'source: "Test publication No. 1"}\n', "source: x}\n", "does not name", id="source"
        ),
        pytest.param(
            "valid_to: null,\n     source", "source", "valid_to must be present", id="no-valid-to"
        ),
        pytest.param('kind: vat, hs: ""', 'kind: vat, hs: "61.09A"', "HS prefix", id="bad-hs"),
        pytest.param("kind: vat", "kind: excise", "not one of", id="unknown-kind"),
        pytest.param('rate: "0.2"', "rate: null", "must say why", id="gap-without-note"),
    ],
)
def test_loader_rejects_bad_rows(tmp_path, old, new, match):
    assert old in GOOD
    with pytest.raises(DataError, match=match):
        _tables(tmp_path, GOOD.replace(old, new, 1))


def test_loader_rejects_overlapping_periods(tmp_path):
    extra = (
        '  - {kind: vat, hs: "", rate: "0.21", valid_from: 2026-06-01, valid_to: null,\n'
        '     source: "Test publication No. 2"}\n'
    )
    with pytest.raises(DataError, match="overlapping tax"):
        _tables(tmp_path, GOOD + extra)


def test_shipped_tables_load_and_version_is_stable():
    assert build().table_version == load_tariff().table_version


def test_every_shipped_row_names_a_source():
    t = load_tariff().tables
    for rows in (
        t.profiles,
        t.thresholds,
        t.duties,
        t.taxes,
        t.flat_duties,
        t.bands,
        t.parameters,
        t.fx,
        t.rebates,
    ):
        for row in rows:
            assert len(row.source) >= 8


def test_fx_rows_validated():
    row = FxRate(date(2020, 1, 1), None, "USD", "SAR", D("3.7"), "Test publication", "x")
    with pytest.raises(DataError, match="overlapping fx override"):
        load_tariff().with_fx_rates([row, row])
    # an operator's row overrides the shipped peg for its dates
    assert load_tariff().with_fx_rates([row]).fx("USD", "SAR", ON)[0] == D("3.7")
