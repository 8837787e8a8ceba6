"""Whole quotes, pinned as readable JSON: one file per case under tests/golden/quotes/.

Each file holds the request (`as_of`, optional test-fixture `fx_rates`, the `request` in the
QuoteRequest field names, amounts as strings) and what the engine answers: the `quote`
JSON (`Quote.to_json()` without `table_version`, so editing a comment in a table file
changes nothing here) or the `error` text (exception type and message). The cases cover
every regime, both sides of every threshold (at, just over), the currency paths (order
currency = destination currency, a different one, the national-currency regimes CN/JP
converting back), gaps in the tables and refusals.

A failing case prints a unified diff of the pretty JSON: expected (the file) against what
the engine now gives.

Re-recording is a deliberate act, for an intended change of behaviour that the commit
names: run

    SILKPOST_RECORD_GOLDEN=1 .venv/bin/pytest tests/unit/tariff/test_tariff_golden.py

which rewrites the `quote`/`error` of every file (keeping description, request and rates)
and skips the comparisons; review `git diff tests/golden/quotes` before committing. A new
case is a new file with `description`, `as_of`, `request` (and `fx_rates` if needed),
recorded the same way.
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tariff_test_helpers as h

from tariff_tables import QuoteLine, QuoteRequest, TariffError, quote
from tariff_tables.regimes import REGIMES

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "quotes"
RECORD = os.environ.get("SILKPOST_RECORD_GOLDEN") == "1"
CASES = sorted(GOLDEN.glob("*.json"))
_TARIFFS: dict[tuple, Any] = {}


def _tariff(rates: list[list[str]]):
    key = tuple(tuple(r) for r in rates)
    if key not in _TARIFFS:
        _TARIFFS[key] = h.tariff_with(*key)
    return _TARIFFS[key]


def request_of(body: dict[str, Any]) -> QuoteRequest:
    """The QuoteRequest a golden file describes (amounts as strings, as the API sends)."""
    fields = dict(body)
    fields["lines"] = tuple(QuoteLine(**line) for line in fields["lines"])
    return QuoteRequest(**fields)


def outcome(case: dict[str, Any]) -> dict[str, Any]:
    """What the engine answers for a case: {"quote": …} or {"error": "Type: message"}."""
    try:
        got = quote(
            request_of(case["request"]),
            date.fromisoformat(case["as_of"]),
            _tariff(case.get("fx_rates", [])),
        ).to_json()
    except TariffError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    del got["table_version"]
    return {"quote": got}


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _record(path: Path, case: dict[str, Any]) -> None:
    kept = {k: v for k, v in case.items() if k not in ("quote", "error")}
    path.write_text(_pretty({**kept, **outcome(case)}), encoding="utf-8")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_quote_matches_golden_file(path: Path):
    case = json.loads(path.read_text(encoding="utf-8"))
    if RECORD:
        _record(path, case)
        pytest.skip("re-recorded")
    want = {k: case[k] for k in ("quote", "error") if k in case}
    assert want, f"{path.name} has neither `quote` nor `error`: record it (module docstring)"
    got = outcome(case)
    if got != want:
        diff = difflib.unified_diff(
            _pretty(want).splitlines(keepends=True),
            _pretty(got).splitlines(keepends=True),
            fromfile=f"{path.name} (expected)",
            tofile="engine now",
        )
        pytest.fail("".join(diff), pytrace=False)


def test_golden_cases_cover_every_regime_and_outcome():
    """Every regime the engine knows answers at least one case; every error kind appears."""
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in CASES]
    tariff = h.tariff_with()
    regimes = {
        tariff.profile(c["request"]["destination_country"], date.fromisoformat(c["as_of"])).regime
        for c in cases
        if "quote" in c
    }
    assert regimes == set(REGIMES)
    cn = {c["request"].get("regime") for c in cases if "quote" in c}
    assert {"cbec", "postal"} <= cn
    errors = {c["error"].split(":", 1)[0] for c in cases if "error" in c}
    assert errors == {"NotCovered", "QuoteRefused", "InvalidRequest"}
    assert sum("quote" in c for c in cases) >= 40
