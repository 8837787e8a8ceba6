"""Property tests: never negative, totals equal the sum of lines, repeatable quotes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import tariff_test_helpers as h
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tariff_tables import NotCovered, QuoteRefused, quote

D = Decimal
TARIFF = h.tariff_with(
    ("USD", "KRW", "1400"), ("USD", "BRL", "5.5"), ("USD", "MXN", "18"), ("EUR", "RUB", "100"),
    ("EUR", "KZT", "600"), ("USD", "JPY", "150"), ("EUR", "SEK", "11.5"), ("USD", "CNY", "7.1"),
    ("EUR", "USD", "1.1"), ("GBP", "USD", "1.3"), ("USD", "CAD", "1.4"), ("USD", "AUD", "1.5"),
)  # fmt: skip
ITA = ["84713000", "85171300"]
TEE = ["61091000"]
# (destination, currency, HS choices, extra request fields, dates)
SCENARIOS = [
    ("DE", "EUR", TEE + ITA, {}, [date(2026, 6, 30), date(2026, 7, 1)]),
    ("SE", "EUR", TEE + ITA, {"seller_collects_vat": True}, [date(2026, 7, 1)]),
    ("GB", "GBP", TEE + ITA + ["61102000", "64039900"], {}, [date(2026, 11, 15)]),
    ("US", "USD", TEE + ITA + ["95030000"], {}, [date(2025, 8, 28), date(2026, 11, 15)]),
    ("CA", "CAD", ITA, {"destination_region": "ON"}, [date(2026, 11, 15)]),
    ("AU", "AUD", TEE + ITA, {"seller_collects_vat": True}, [date(2026, 11, 15)]),
    ("JP", "USD", ["84713000"], {"personal_use": True}, [date(2026, 11, 15)]),
    ("KR", "USD", TEE + ITA, {}, [date(2026, 11, 15)]),
    ("SG", "SGD", TEE + ITA, {}, [date(2026, 11, 15)]),
    ("RU", "EUR", TEE + ITA, {"gross_weight_kg": D(3)}, [date(2026, 6, 30), date(2026, 7, 1)]),
    ("KZ", "EUR", TEE, {"gross_weight_kg": D(1)}, [date(2026, 7, 1)]),
    ("BR", "USD", TEE + ITA, {"seller_collects_vat": True}, [date(2026, 11, 15)]),
    ("MX", "USD", TEE + ITA, {}, [date(2026, 11, 15)]),
    ("SA", "SAR", TEE, {}, [date(2026, 11, 15)]),
    ("TH", "THB", ITA, {}, [date(2026, 11, 15)]),
    ("MY", "MYR", TEE, {"seller_collects_vat": True}, [date(2026, 11, 15)]),
    ("CN", "CNY", ["96032100", "33049900", "49019900", "84713000"], {"regime": "cbec"},
     [date(2026, 11, 15)]),
    ("CN", "USD", ["62019300", "49019900", "95030000"], {"regime": "postal"},
     [date(2026, 11, 15)]),
]  # fmt: skip

money = st.decimals(min_value=D("0.01"), max_value=D("900"), places=2)


@st.composite
def requests(draw):
    dest, cur, codes, extra, dates = draw(st.sampled_from(SCENARIOS))
    n = draw(st.integers(1, 3))
    lines = [
        h.line(draw(st.sampled_from(codes)), draw(st.integers(1, 4)), draw(money),
               unit=draw(st.sampled_from(["piece", "ml"])), sku=f"L{i}")
        for i in range(n)
    ]  # fmt: skip
    req = h.request(
        dest,
        cur,
        lines,
        shipping_cost=draw(st.decimals(0, 50, places=2)),
        insurance_cost=draw(st.decimals(0, 5, places=2)),
        **extra,
    )
    return req, draw(st.sampled_from(dates))


def _quote(req, on):
    try:
        return quote(req, on, TARIFF)
    except (NotCovered, QuoteRefused):
        assume(False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_never_negative_and_totals_add_up(case):
    req, on = case
    q = _quote(req, on)
    assert all(d.amount >= 0 and d.base >= 0 for d in q.duties)
    assert all(t.amount >= 0 and t.base >= 0 for t in q.taxes)
    assert all(f.amount >= 0 for f in q.fees)
    assert q.duty_total == sum((d.amount for d in q.duties), D(0))
    assert q.tax_total == sum((t.amount for t in q.taxes), D(0))
    assert q.fee_total == sum((f.amount for f in q.fees), D(0))
    assert q.total == q.duty_total + q.tax_total + q.fee_total
    j = q.to_json()
    assert D(j["total"]) == D(j["duty_total"]) + D(j["tax_total"]) + D(j["fee_total"])
    da = q.destination_amounts
    assert da["total"] == da["duty_total"] + da["tax_total"] + da["fee_total"]
    assert q.collected_at in {"checkout", "border"}
    assert q.payer in {"sender", "recipient", "third_party"}
    assert {t.kind for t in q.taxes} <= {
        "vat",
        "gst",
        "consumption_tax",
        "icms",
        "sales_tax",
        "postal_articles_tax",
    }


@settings(max_examples=150, deadline=None)
@given(requests())
def test_quotes_identical_when_repeated(case):
    req, on = case
    first = _quote(req, on)
    again = quote(req, on, TARIFF)
    assert first == again
    assert first.to_json() == again.to_json()
