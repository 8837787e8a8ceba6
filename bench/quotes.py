"""Landed-cost quote throughput: the engine against an inline Decimal floor.

Builds a mixed batch of generated orders over every destination the tables cover, quotes
each one through `tariff_tables.quote`, and compares with a floor: the same kind of
arithmetic (line values, customs value, threshold test, duty per line, tax on value + duty,
rounding) done inline with Decimal on rates resolved beforehand. Prints figures only.

The floor rounds what every quote must show rounded, as the engine does: the customs
value, each duty line's base and amount, the tax base and amount, the duty/tax totals and
their sum, and — when the order currency is not the destination's — the customs value and
totals converted at the (pre-resolved) official rate. Earlier versions skipped those
roundings and the conversion, so the floor did less than any correct engine must.

FX rates are the shipped ECB reference rates under each destination's customs rule (loaded
lazily: the first quotes that need one parse the file, inside the timed loop of the first
pass; "tables loaded" is the start-up cost). RU and KZ orders are answered without
destination amounts (the ECB publishes no RUB or KZT rate).

    python bench/quotes.py [--orders 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tariff_tables import NotCovered, QuoteLine, QuoteRefused, QuoteRequest, quote  # noqa: E402
from tariff_tables.loader import load_tariff  # noqa: E402

D = Decimal
CENT = D("0.01")
ON = date(2026, 11, 15)
ITA = ["84713000", "85171300"]
TEE = ["61091000"]
EU = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "IE", "AT", "BE"]
# destination, order currency, HS codes, extra request fields, value range
SCENARIOS = (
    [(d, "EUR", TEE + ITA + ["61102000", "64039900"], {"seller_collects_vat": True}, 400)
     for d in EU]
    + [
        ("GB", "GBP", TEE + ITA + ["61102000", "95030000", "33049900"], {}, 400),
        ("US", "USD", TEE + ITA + ["95030000"], {}, 400),
        ("CA", "CAD", ITA, {"destination_region": "ON"}, 400),
        ("AU", "AUD", TEE + ITA, {"seller_collects_vat": True}, 1500),
        ("JP", "USD", ["84713000"], {"personal_use": True}, 500),
        ("KR", "USD", TEE + ITA, {}, 300),
        ("SG", "SGD", TEE + ITA, {}, 700),
        ("RU", "EUR", TEE + ITA, {"gross_weight_kg": D(2)}, 400),
        ("KZ", "EUR", TEE, {"gross_weight_kg": D(2)}, 400),
        ("BR", "USD", TEE + ITA, {"seller_collects_vat": True}, 200),
        ("MX", "USD", TEE + ITA, {"channel": "express"}, 300),
        ("SA", "SAR", TEE, {}, 250),
        ("AE", "AED", TEE, {}, 250),
        ("TH", "THB", ITA, {}, 9000),
        ("MY", "MYR", TEE, {"seller_collects_vat": True}, 120),
        ("CN", "CNY", ["96032100", "33049900", "49019900"], {"regime": "cbec"}, 1500),
        ("CN", "CNY", ["62019300", "49019900", "95030000"], {"regime": "postal"}, 300),
    ]
)  # fmt: skip


def generate(n: int, seed: int) -> list[QuoteRequest]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        dest, cur, codes, extra, top = SCENARIOS[i % len(SCENARIOS)]
        lines = tuple(
            QuoteLine(f"SKU-{i}-{k}", "bench article", rnd.choice(codes), D(rnd.randint(1, 3)),
                      "piece", D("0.3"), D(rnd.randint(100, top * 100)) / 100 / 3, "CN")
            for k in range(rnd.randint(1, 3))
        )  # fmt: skip
        lines = tuple(
            QuoteLine(ln.sku, ln.description, ln.hs_code, ln.quantity, ln.unit,
                      ln.net_weight_kg, ln.unit_value.quantize(CENT), ln.origin_country)
            for ln in lines
        )  # fmt: skip
        out.append(
            QuoteRequest(
                flow="import" if dest == "CN" else "export",
                currency=cur,
                origin_country="JP" if dest == "CN" else "CN",
                destination_country=dest,
                lines=lines,
                shipping_cost=D(rnd.randint(0, 2000)) / 100,
                **extra,
            )
        )
    return out


def resolve(tariff, reqs):
    """Rates for the floor, resolved outside the timed loop."""
    plans = []
    for r in reqs:
        prof = tariff.profile(r.destination_country, ON)
        duty_rates = []
        for ln in r.lines:
            try:
                mfn, _ = tariff.duties(r.destination_country, ln.hs_code, ln.origin_country, ON)
                rate = mfn.expression.simple_ad_valorem or D(0)
            except NotCovered:
                rate = D(0)
            duty_rates.append(rate)
        kinds = tariff.tax_kinds(r.destination_country) or ("vat",)
        cands = tariff.tax_candidates(
            r.destination_country, kinds[0], r.lines[0].hs_code, ON, r.destination_region
        )
        tax_rate = next((c.rate for c in cands if c.rate is not None), D("0.1"))
        out_rate = None
        if r.currency != prof.currency:
            try:
                out_rate, _row = tariff.fx(r.currency, prof.currency, ON, r.destination_country)
            except NotCovered:  # answered without destination amounts
                out_rate = None
        cif = prof.valuation == "CIF"
        plans.append((r, cif, tuple(duty_rates), tax_rate, D(150), out_rate))
    return plans


def floor(plans) -> D:
    """The inline arithmetic: what any engine must at least do per order."""
    grand = D(0)
    for r, cif, duty_rates, tax_rate, threshold, out_rate in plans:
        values = [ln.quantity * ln.unit_value for ln in r.lines]
        goods = sum(values, D(0))
        extra = r.shipping_cost + r.insurance_cost if cif else D(0)
        customs_value = (goods + extra).quantize(CENT, ROUND_HALF_UP)
        duty = D(0)
        if goods > threshold:
            for v, rate in zip(values, duty_rates, strict=True):
                cv = v + extra * v / goods if goods else v
                cv.quantize(CENT, ROUND_HALF_UP)  # the duty line shows its base rounded
                duty += (cv * rate).quantize(CENT, ROUND_HALF_UP)
        base = goods + extra + duty
        base.quantize(CENT, ROUND_HALF_UP)  # the tax line shows its base rounded
        tax = (base * tax_rate).quantize(CENT, ROUND_HALF_UP)
        duty, tax = duty.quantize(CENT), tax.quantize(CENT)  # the totals
        total = duty + tax
        if out_rate is not None:  # destination-currency amounts
            (customs_value * out_rate).quantize(CENT, ROUND_HALF_UP)
            total = (duty * out_rate).quantize(CENT, ROUND_HALF_UP) + (tax * out_rate).quantize(
                CENT, ROUND_HALF_UP
            )
        grand += total
    return grand


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--orders", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--repeat", type=int, default=3, help="best of N timed passes")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    tariff = load_tariff()
    load_s = time.perf_counter() - t0
    reqs = generate(args.orders, args.seed)
    plans = resolve(tariff, reqs)

    refused = uncovered = 0
    engine_s = floor_s = float("inf")
    for _ in range(max(args.repeat, 1)):
        refused = uncovered = 0
        start = time.perf_counter()
        for r in reqs:
            try:
                quote(r, ON, tariff)
            except QuoteRefused:
                refused += 1
            except NotCovered:
                uncovered += 1
        engine_s = min(engine_s, time.perf_counter() - start)

        start = time.perf_counter()
        floor(plans)
        floor_s = min(floor_s, time.perf_counter() - start)

    n = len(reqs)
    dests = len({r.destination_country for r in reqs})
    print(f"tables loaded in {load_s * 1000:.1f} ms (version {tariff.table_version})")
    print(f"orders: {n} over {dests} destinations ({refused} refused, {uncovered} not covered)")
    print(f"engine: {n / engine_s:,.0f} quotes/s ({engine_s * 1e6 / n:.1f} µs/quote)")
    print(f"floor:  {n / floor_s:,.0f} quotes/s ({floor_s * 1e6 / n:.1f} µs/quote)")
    print(f"ratio engine/floor time: {engine_s / floor_s:.2f}x (best of {args.repeat} passes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
