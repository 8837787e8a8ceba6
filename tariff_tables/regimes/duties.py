"""Duties per line: each measure by longest HS prefix (MFN + origin-specific additional)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InvalidRequest
from ..expressions import Quantities, evaluate
from ..request import QuoteLine
from ..result import DutyLine
from .common import Ctx
from .scope import DutyPlan


def quantities(line: QuoteLine) -> Quantities:
    """What a specific duty can be charged on: net kg, items, litres."""
    qty, unit = line.quantity, line.unit
    items = qty if unit in ("piece", "set", "pair") else None
    litres = qty if unit == "l" else qty / 1000 if unit == "ml" else None
    return Quantities(line.net_weight_kg, items, litres)


def _missing(ctx: Ctx, ln: QuoteLine) -> Callable[[str], None]:
    def missing(unit: str) -> None:
        raise InvalidRequest(
            f"line {ln.sku}: a specific duty on HS {ln.hs_code} for "
            f"{ctx.dest} needs the quantity in {unit}"
        )

    return missing


def measure_duty(
    ctx: Ctx,
    plan: DutyPlan,
    ln: QuoteLine,
    base: Decimal,
    rounding: Callable[[Decimal], Decimal] | None = None,
) -> DutyLine:
    """One measure on one line; the amount rounded half-up to the computation currency
    unless the regime has its own `rounding` (Japan truncates)."""
    m, label, rate, text, rule = plan
    if rate is not None:
        raw = base * rate
    else:
        expr = m.expression
        assert expr is not None
        raw = evaluate(expr, base, quantities(ln), ctx.convert, _missing(ctx, ln))
    q = ctx.quantum
    amount = raw.quantize(q, ROUND_HALF_UP) if rounding is None else rounding(raw)
    ctx._rules.setdefault(id(rule), rule)
    return DutyLine(label, base.quantize(q, ROUND_HALF_UP), text, amount)


def line_duties(
    ctx: Ctx,
    bases: list[Decimal],
    rounding: Callable[[Decimal], Decimal] | None = None,
) -> tuple[list[DutyLine], list[Decimal]]:
    """MFN + origin-specific additional duties per line; returns lines and per-line sums."""
    out: list[DutyLine] = []
    per_line: list[Decimal] = []
    duty_plans = ctx.scope.duty_plans
    for i, ln in enumerate(ctx.lines):
        base = bases[i]
        mfn, extra = duty_plans(ln.hs_code, ln.origin_country)
        d = measure_duty(ctx, mfn, ln, base, rounding)
        out.append(d)
        total = d.amount
        for m in extra:
            e = measure_duty(ctx, m, ln, base, rounding)
            out.append(e)
            total += e.amount
        per_line.append(total)
    return out, per_line
