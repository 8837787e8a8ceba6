"""Differential guard for engine optimisations: every output must stay byte-identical.

A few thousand generated requests — every destination in the tables, dates on both sides
of every validity boundary, local and foreign order currencies (including zero-decimal
ones and pairs without a rate), several origins, units, regions, channels, categories and
both China regimes — are quoted, and each result's JSON text (or the error's type and
message) is hashed. The hashes are compared with `data/quote_digests.json`, recorded from
the engine *before* a change; any optimisation (compiled per-regime plans, fast paths)
must reproduce every one of them.

The digests depend on the tables, so they are tied to the table version they were recorded
with. After a deliberate change to the tables or to a result, re-record on the commit
*before* touching the engine, never after:

    .venv/bin/python tests/unit/tariff/test_tariff_plan_equivalence.py --record
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

if "tariff_test_helpers" not in sys.modules:  # run as a script (--record)
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    _spec = importlib.util.spec_from_file_location(
        "tariff_test_helpers", Path(__file__).with_name("helpers_tariff.py")
    )
    assert _spec and _spec.loader
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules["tariff_test_helpers"] = _mod
    _spec.loader.exec_module(_mod)

import tariff_test_helpers as h  # noqa: E402

from tariff_tables import QuoteRequest, TariffError, load_tariff, quote  # noqa: E402

D = Decimal
DIGESTS = Path(__file__).with_name("data") / "quote_digests.json"
N_CASES = 6000
SEED = 20260701
PAIRS = (
    ("USD", "KRW", "1400"), ("USD", "BRL", "5.5"), ("USD", "MXN", "18"), ("EUR", "RUB", "100"),
    ("EUR", "KZT", "600"), ("USD", "JPY", "150"), ("EUR", "SEK", "11.5"), ("USD", "CNY", "7.1"),
    ("EUR", "USD", "1.1"), ("GBP", "USD", "1.3"), ("USD", "CAD", "1.4"), ("USD", "AUD", "1.5"),
    ("EUR", "CNY", "7.8"), ("EUR", "PLN", "4.3"), ("EUR", "GBP", "0.85"), ("USD", "SGD", "1.35"),
    ("USD", "THB", "36"), ("USD", "MYR", "4.7"), ("USD", "TRY", "32"), ("EUR", "CZK", "25"),
    ("EUR", "DKK", "7.46"), ("EUR", "HUF", "390"), ("EUR", "RON", "4.97"), ("USD", "EUR", "0.92"),
)  # fmt: skip
CODES = [
    "61091000", "84713000", "85171300", "61102000", "64039900", "95030000", "33049900",
    "96032100", "49019900", "62019300", "22042100", "24022000", "71131900", "85258900",
    "62034106", "42023210", "42022190", "71171990", "95069990", "85044060", "87031000",
    "22030000", "30049000", "91021100", "27101900", "94036000", "33030010", "64041120",
    "61034220", "85076000", "99999999", "610910", "9503000000",
]  # fmt: skip
UNITS = ["piece", "piece", "piece", "ml", "kg", "l", "g", "pair", "set"]
ORIGINS = ["CN", "CN", "CN", "HK", "JP", "US", "MX", "TW", "DE"]
FOREIGN = ["USD", "EUR", "GBP", "CNY", "JPY", "KRW", "HKD"]
# Rough units per USD, so generated values in weak currencies are not all trivially small.
SCALE = {"JPY": 150, "KRW": 1400, "HUF": 390, "THB": 36, "RUB": 100, "KZT": 600, "CZK": 25,
         "TRY": 32, "MXN": 18, "CNY": 7, "SEK": 11, "DKK": 7, "BRL": 5, "PLN": 4, "RON": 5,
         "MYR": 5, "AED": 4, "SAR": 4}  # fmt: skip
FIXED_DATES = [date(2024, 6, 1), date(2025, 8, 28), date(2025, 8, 29), date(2026, 11, 15)]


def boundary_dates(tariff) -> list[date]:
    """Each side of every validity boundary in the tables (2019-2028)."""
    days: set[date] = set(FIXED_DATES)
    for rows in vars(tariff.tables).values():
        for r in rows:
            days.update((r.valid_from - timedelta(days=1), r.valid_from))
            if r.valid_to is not None:
                days.update((r.valid_to, r.valid_to + timedelta(days=1)))
    return sorted(d for d in days if date(2019, 1, 1) <= d <= date(2028, 12, 31))


def _covered_codes(tariff, dest: str) -> list[str]:
    """Codes of CODES the destination has an MFN duty for (so most quotes get past duty)."""
    out = []
    for code in CODES:
        try:
            tariff.duties(dest, code, "CN", date(2026, 11, 15))
        except TariffError:
            continue
        out.append(code)
    return out


def cases(tariff) -> list[tuple[QuoteRequest, date]]:
    rnd = random.Random(SEED)
    dates = boundary_dates(tariff)
    local = {p.destination: p.currency for p in tariff.tables.profiles}
    start = {}
    for p in tariff.tables.profiles:
        start[p.destination] = min(p.valid_from, start.get(p.destination, p.valid_from))
    dests = sorted(local)
    covered = {d: _covered_codes(tariff, d) for d in dests}
    cn_codes = {
        "cbec": ["96032100", "33049900", "49019900", "84713000", "22042100", "71131900"],
        "postal": ["62019300", "49019900", "95030000", "33049900", "91021100"],
    }
    out = []
    for i in range(N_CASES):
        dest = dests[i % len(dests)]
        paired = [b for b, q, _ in PAIRS if q == local[dest]] + [
            q for b, q, _ in PAIRS if b == local[dest]
        ]
        roll = rnd.random()
        cur = local[dest] if roll < 0.6 else rnd.choice(paired or FOREIGN)
        if roll > 0.92:
            cur = rnd.choice(FOREIGN)
        n_lines = rnd.choice([1, 1, 1, 2, 2, 3, 4])
        regime = rnd.choice(["cbec", "postal"]) if dest == "CN" else None
        usual = cn_codes[regime] if regime else covered[dest] or CODES
        on = rnd.choice(
            [d for d in dates if d >= start[dest] - timedelta(days=1)]
            if rnd.random() < 0.9
            else dates
        )
        same = rnd.random() < 0.15  # repeated HS codes group taxes by rate
        first = rnd.choice(usual)
        lines = []
        for k in range(n_lines):
            unit = rnd.choice(UNITS)
            qty = rnd.choice(
                ["1", "1", "2", "3", "0.5"] if unit in ("kg", "l") else ["1", "1", "2", "5"]
            )
            cents = rnd.choice(
                [0, rnd.randint(1, 999), rnd.randint(1000, 30000), rnd.randint(30000, 900000)]
            )
            code = first if same else rnd.choice(usual if rnd.random() < 0.95 else CODES)
            value = D(cents * SCALE.get(cur, 1)) / 100
            lines.append(
                h.line(code, qty, value, unit=unit, kg=rnd.choice([None, None, "0.3", "2.5"]),
                       origin=rnd.choice(ORIGINS), sku=f"S{i}-{k}")
            )  # fmt: skip
        extra: dict = {
            "shipping_cost": D(rnd.choice([0, rnd.randint(1, 5000)])) / 100,
            "insurance_cost": D(rnd.choice([0, 0, rnd.randint(1, 800)])) / 100,
            "seller_collects_vat": rnd.random() < 0.5,
            "personal_use": rnd.random() < 0.5,
            "category": rnd.choice(["sale_of_goods", "sale_of_goods", "gift", "other"]),
            "gross_weight_kg": rnd.choice([None, D("0.5"), D(2), D(40)]),
            "destination_region": rnd.choice([None, None, "ON", "QC", "NS"]),
            "channel": rnd.choice([None, None, "post", "courier"]),
            "incoterm": rnd.choice([None, None, "DDP", "DAP"]),
            "duty_payer": rnd.choice([None, None, "sender", "recipient", "third_party"]),
            "origin_country": rnd.choice(["CN", "CN", "HK", "US", "MX"]),
        }
        if regime:
            extra["regime"] = regime
            extra["origin_country"] = rnd.choice(["JP", "HK", "US", "TW"])
            extra["buyer_year_used"] = D(rnd.choice([0, 0, 20000, 25900]))
        out.append((h.request(dest, cur, lines, **extra), on))
    return out


def outcome(tariff, req: QuoteRequest, on: date) -> str:
    """The exact text a caller sees: the JSON breakdown, or the error type and message."""
    try:
        return json.dumps(quote(req, on, tariff).to_json())
    except TariffError as exc:
        return f"{type(exc).__name__}: {exc}"


def digests(tariff, order: list[int] | None = None) -> dict[str, str]:
    all_cases = cases(tariff)
    out: dict[str, str] = {}
    for i in order if order is not None else range(len(all_cases)):
        req, on = all_cases[i]
        out[f"{i:05d}"] = hashlib.sha256(outcome(tariff, req, on).encode()).hexdigest()[:16]
    return dict(sorted(out.items()))


def fingerprint(tariff) -> str:
    text = "\n".join(f"{on.isoformat()} {req!r}" for req, on in cases(tariff))
    return hashlib.sha256(text.encode()).hexdigest()


def record() -> None:
    tariff = h.tariff_with(*PAIRS)
    body = {
        "note": "sha256[:16] of each quote JSON / error text; see test_tariff_plan_equivalence",
        "table_version": tariff.table_version,
        "cases": fingerprint(tariff),
        "digests": digests(tariff),
    }
    DIGESTS.parent.mkdir(exist_ok=True)
    DIGESTS.write_text(json.dumps(body, indent=0) + "\n")
    print(f"recorded {len(body['digests'])} digests in {DIGESTS}")


def _stored() -> dict:
    return json.loads(DIGESTS.read_text())


def _check(tariff, got: dict[str, str]) -> None:
    want = _stored()["digests"]
    bad = [k for k in want if got.get(k) != want[k]]
    if bad:
        all_cases = cases(tariff)
        shown = "\n".join(
            f"  {k}: {all_cases[int(k)][1]} {all_cases[int(k)][0]!r}\n    -> "
            f"{outcome(tariff, *all_cases[int(k)])[:400]}"
            for k in bad[:5]
        )
        raise AssertionError(f"{len(bad)} of {len(want)} quote outputs changed:\n{shown}")
    assert got.keys() == want.keys()


def test_recorded_for_these_tables_and_cases():
    stored = _stored()
    tariff = h.tariff_with(*PAIRS)
    assert stored["table_version"] == tariff.table_version, (
        "the tables changed since the digests were recorded: re-record on the engine "
        "before your change (see the module docstring)"
    )
    assert stored["cases"] == fingerprint(tariff), "the case generator changed: re-record"


def test_every_output_matches_the_recorded_digest():
    tariff = h.tariff_with(*PAIRS)
    _check(tariff, digests(tariff))


def test_every_output_matches_with_caches_filled_in_reverse_order():
    tariff = h.tariff_with(*PAIRS)
    _check(tariff, digests(tariff, order=list(range(N_CASES))[::-1]))


def test_cases_exercise_results_and_every_kind_of_error():
    tariff = h.tariff_with(*PAIRS)
    kinds: dict[str, int] = {}
    regimes: set[str] = set()
    for req, on in cases(tariff):
        text = outcome(tariff, req, on)
        kind = text.split(":", 1)[0] if not text.startswith("{") else "quote"
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "quote":
            regimes.add(json.loads(text)["regime"])
    assert kinds.get("quote", 0) > N_CASES // 3
    assert {"NotCovered", "QuoteRefused", "InvalidRequest"} <= kinds.keys()
    assert len(regimes) > 25
    assert load_tariff() is not None


def test_compiled_plans_take_most_quotable_shapes():
    """The digests prove plans change nothing; this proves they are actually used, so a
    change that silently sends every order down the generic path is noticed."""
    tariff = h.tariff_with(*PAIRS)
    for req, on in cases(tariff):
        outcome(tariff, req, on)
    compiled: dict[str, int] = {}
    for route in tariff.routes.values():
        for plan in route.plans.values():
            if plan is not None:
                names = [type(plan).__name__]
                if names == ["CnPlan"]:  # one per Chinese regime, either may be missing
                    names = [type(p).__name__ for p in (plan.cbec, plan.postal) if p is not None]
                for name in names:
                    compiled[name] = compiled.get(name, 0) + 1
    assert compiled.keys() == {
        "EuPlan", "StandardPlan", "GbPlan", "AuPlan", "SgPlan", "JpPlan", "MyPlan", "EaeuPlan",
        "BrPlan", "MxPlan", "CbecPlan", "PostalPlan",
    }  # fmt: skip
    # Mexico's tables start on 2026-11-01, so few cases reach its regime.
    assert compiled.pop("MxPlan") > 5
    assert min(compiled.values()) > 50


def test_one_lookup_key_ends_with_the_order_shape():
    """`quote()` finds plans by route key + shape in one lookup; its key must end with
    exactly what `plan.shape_of` calls the shape, or plans would be shared wrongly."""
    from tariff_tables.regimes.plan import shape_of

    tariff = h.tariff_with(*PAIRS)
    seen = {}
    for req, on in cases(tariff)[:600]:
        before = set(tariff.plans)
        outcome(tariff, req, on)
        for key in set(tariff.plans) - before:
            seen[key] = req
    assert len(seen) > 100
    for key, req in seen.items():
        assert key[5:] == shape_of(req)


if __name__ == "__main__" and "--record" in sys.argv:
    record()
