"""Compiled plans give exactly what the generic regime code gives, order by order.

The digest harness guards outputs recorded once; this compares the two paths directly on
thousands of fresh orders, concentrating on the regimes whose plans see few digest cases
(EAEU, BR, MX, CN CBEC and postal incl. per-ml/g cosmetics and watches, MY).
"""

from __future__ import annotations

import random
import sys
from datetime import date
from decimal import Decimal

import pytest
import tariff_test_helpers as h

from tariff_tables import QuoteLine, QuoteRequest, TariffError, quote
from tariff_tables.tariff import Tariff

D = Decimal
FX = (
    ("EUR", "RUB", "100"),
    ("EUR", "KZT", "600"),
    ("USD", "BRL", "5.5"),
    ("USD", "MXN", "18"),
    ("USD", "MYR", "4.4"),
    ("USD", "GBP", "0.79"),
    ("USD", "CNY", "7.1"),
    ("EUR", "CNY", "7.8"),
    ("USD", "EUR", "0.92"),
)

DESTINATIONS = {
    "RU": ("EUR", ["61091000", "64039900", "85171300", "95030000"]),
    "KZ": ("EUR", ["61091000", "42022200", "85183000"]),
    "BR": ("USD", ["61091000", "85171300", "95030000", "33049900"]),
    "MX": ("USD", ["61091000", "64041100", "85171300"]),
    "MY": ("USD", ["61091000", "95030000"]),
    "CN": (
        "CNY",
        [
            "33049900",
            "33030000",
            "91021100",
            "62019300",
            "49019900",
            "85098000",
            "96032100",
            "61091000",
        ],
    ),
    "DE": ("EUR", ["61091000", "62061000", "64041100"]),
    "GB": ("USD", ["61091000", "42022210"]),
}
DATES = (date(2026, 6, 30), date(2026, 7, 1), date(2026, 11, 15))


def _request(rnd: random.Random) -> tuple[QuoteRequest, date]:
    dest = rnd.choice(list(DESTINATIONS))
    local, codes = DESTINATIONS[dest]
    currency = rnd.choice([local, local, "USD", "EUR"])
    lines = []
    for n in range(rnd.choice([1, 1, 1, 2, 3])):
        hs = rnd.choice(codes)
        unit = rnd.choice(["piece", "piece", "ml", "g"]) if hs.startswith("33") else "piece"
        qty = D(rnd.choice([1, 1, 2, 5, 50]))
        value = D(rnd.choice(["0.5", "3", "14", "40", "120", "300", "800", "2600", "6000"]))
        lines.append(
            QuoteLine(
                f"s{n}",
                "article",
                hs,
                qty,
                unit,
                D(rnd.choice(["0.1", "0.5", "2"])),
                value,
                rnd.choice(["CN", "CN", "US", "JP", "HK"]),
            )
        )
    kw = {}
    if dest == "CN":
        kw["regime"] = rnd.choice(["cbec", "postal"])
        kw["buyer_year_used"] = D(rnd.choice(["0", "20000", "25990"]))
        origin = rnd.choice(["JP", "HK", "US"])
    else:
        origin = "CN"
    request = QuoteRequest(
        flow="import" if dest == "CN" else "export",
        currency=currency,
        origin_country=origin,
        destination_country=dest,
        lines=tuple(lines),
        shipping_cost=D(rnd.choice(["0", "5", "20"])),
        gross_weight_kg=rnd.choice([None, D("0.5"), D("2"), D("40")]),
        seller_collects_vat=rnd.random() < 0.4,
        channel=rnd.choice([None, "post", "courier"]),
        **kw,
    )
    return request, rnd.choice(DATES)


def _outcome(request: QuoteRequest, on: date, tariff: Tariff):
    try:
        return quote(request, on, tariff).to_json()
    except TariffError as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_plans_match_the_generic_path(monkeypatch, seed):
    base = h.tariff_with(*FX)
    rnd = random.Random(seed)
    cases = [_request(rnd) for _ in range(1500)]
    planned = Tariff(base.tables, base.table_version)
    fast = [_outcome(r, on, planned) for r, on in cases]
    # the package re-exports the function under the module's name: patch the module itself
    monkeypatch.setattr(sys.modules["tariff_tables.quote"], "PLANS", {})  # no plans from here
    generic = Tariff(base.tables, base.table_version)
    slow = [_outcome(r, on, generic) for r, on in cases]
    mismatches = [(c, f, s) for c, f, s in zip(cases, fast, slow, strict=True) if f != s]
    assert not mismatches, mismatches[:3]
    assert any(p is not None for p in planned.plans.values())
    assert sum(isinstance(f, dict) for f in fast) > 500  # most cases are real quotes
