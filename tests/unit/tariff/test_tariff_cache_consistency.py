"""The engine memoises table answers per (destination, date, currency) Scope and per route.

These tests quote a few hundred varied requests on fresh tables (cold caches), again on the
same tables (warm caches), and on other fresh tables in reverse order (caches filled in a
different order): every JSON breakdown and every error must be identical.
"""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal

import tariff_test_helpers as h

from tariff_tables import QuoteRequest, TariffError, quote

D = Decimal
PAIRS = (
    ("USD", "KRW", "1400"), ("USD", "BRL", "5.5"), ("USD", "MXN", "18"), ("EUR", "RUB", "100"),
    ("EUR", "KZT", "600"), ("USD", "JPY", "150"), ("EUR", "SEK", "11.5"), ("USD", "CNY", "7.1"),
    ("EUR", "USD", "1.1"), ("GBP", "USD", "1.3"), ("USD", "CAD", "1.4"), ("USD", "AUD", "1.5"),
    ("EUR", "CNY", "7.8"), ("EUR", "PLN", "4.3"),
)  # fmt: skip
CODES = [
    "61091000", "84713000", "85171300", "61102000", "64039900", "95030000", "33049900",
    "96032100", "49019900", "62019300", "22042100", "24022000", "71131900", "852589",
]  # fmt: skip
DESTS = ["DE", "FR", "SE", "PL", "GB", "US", "CA", "AU", "JP", "KR", "SG", "RU", "KZ", "BR",
         "MX", "SA", "AE", "TH", "TR", "MY", "CN"]  # fmt: skip
LOCAL = {"DE": "EUR", "FR": "EUR", "SE": "EUR", "PL": "EUR", "GB": "GBP", "US": "USD",
         "CA": "CAD", "AU": "AUD", "SG": "SGD", "SA": "SAR", "AE": "AED", "TH": "THB",
         "MY": "MYR", "CN": "CNY"}  # fmt: skip
DATES = [
    date(2025, 8, 28),
    date(2025, 8, 29),
    date(2026, 6, 30),
    date(2026, 7, 1),
    date(2026, 11, 15),
]


def _requests(n: int, seed: int) -> list[tuple[QuoteRequest, date]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        dest = rnd.choice(DESTS)
        cur = LOCAL.get(dest, "USD") if rnd.random() < 0.7 else rnd.choice(["USD", "EUR"])
        lines = [
            h.line(rnd.choice(CODES), rnd.choice([1, 1, 2, 3]),
                   D(rnd.randint(1, 90000)) / 100, unit=rnd.choice(["piece", "ml", "kg"]),
                   kg=rnd.choice([None, "0.4"]), origin=rnd.choice(["CN", "CN", "JP", "HK"]),
                   sku=f"S{i}-{k}")
            for k in range(rnd.choice([1, 1, 2, 3]))
        ]  # fmt: skip
        extra: dict = {
            "shipping_cost": D(rnd.randint(0, 3000)) / 100,
            "seller_collects_vat": rnd.random() < 0.5,
            "personal_use": rnd.random() < 0.5,
            "category": rnd.choice(["sale_of_goods", "gift"]),
            "gross_weight_kg": rnd.choice([None, D(2), D(40)]),
            "destination_region": rnd.choice([None, "ON"]),
        }
        if dest == "CN":
            extra["regime"] = rnd.choice(["cbec", "postal"])
            extra["origin_country"] = rnd.choice(["JP", "HK"])
        out.append((h.request(dest, cur, lines, **extra), rnd.choice(DATES)))
    return out


def _run(tariff, cases) -> list[str]:
    out = []
    for req, on in cases:
        try:
            out.append(json.dumps(quote(req, on, tariff).to_json()))
        except TariffError as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def test_cold_and_warm_caches_give_identical_quotes():
    cases = _requests(400, seed=3)
    tariff = h.tariff_with(*PAIRS)  # a new Tariff: every memo starts empty
    cold = _run(tariff, cases)
    warm = _run(tariff, cases)
    assert cold == warm
    # Caches filled in another order must not change any answer either.
    other = h.tariff_with(*PAIRS)
    assert _run(other, cases[::-1])[::-1] == cold
    assert (
        sum(not r.startswith(("NotCovered", "QuoteRefused", "InvalidRequest")) for r in cold) > 60
    )
