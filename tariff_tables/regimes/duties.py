"""Duties per line: each measure by longest HS prefix (MFN + origin-specific additional)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InvalidRequest
from ..expressions import evaluate
from ..result import DutyLine
from .common import Ctx, LineView
from .scope import DutyPlan


def _missing(ctx: Ctx, ln: LineView) -> Callable[[str], None]:
    def missing(unit: str) -> None:
        raise InvalidRequest(
            f"line {ln.line.sku}: a specific duty on HS {ln.hs} for "
            f"{ctx.dest} needs the quantity in {unit}"
        )

    return missing


def measure_duty(
    ctx: Ctx,
    plan: DutyPlan,
    ln: LineView,
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
        raw = evaluate(expr, base, ln.quantities(), ctx.convert, _missing(ctx, ln))
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
        mfn, extra = duty_plans(ln.hs, ln.origin)
        d = measure_duty(ctx, mfn, ln, base, rounding)
        out.append(d)
        total = d.amount
        for m in extra:
            e = measure_duty(ctx, m, ln, base, rounding)
            out.append(e)
            total += e.amount
        per_line.append(total)
    return out, per_line
