"""Duties per line: each measure by longest HS prefix (MFN + origin-specific additional)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InvalidRequest
from ..expressions import Quantities, evaluate
from ..money import ZERO
from ..request import QuoteLine
from ..result import DutyLine
from .common import Ctx


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


def line_duties(
    ctx: Ctx,
    bases: list[Decimal],
    rounding: Callable[[Decimal], Decimal] | None = None,
) -> tuple[list[DutyLine], list[Decimal]]:
    """Each line's duties on its base: the MFN measure by longest HS prefix, then the
    additional measures for the line's origin. Amounts are rounded half-up to the minor
    unit unless the regime has its own `rounding` (Japan truncates); the base is shown
    rounded. Returns the duty lines and each line's total."""
    q = ctx.quantum
    rules = ctx._rules
    duty_plans = ctx.scope.duty_plans
    out: list[DutyLine] = []
    per_line: list[Decimal] = []
    for i, ln in enumerate(ctx.lines):
        base = bases[i]
        shown = base.quantize(q, ROUND_HALF_UP)
        total = ZERO
        for m, label, rate, text, rule in duty_plans(ln.hs_code, ln.origin_country):
            if rate is not None:
                raw = base * rate
            else:  # a specific or compound duty
                expr = m.expression
                assert expr is not None
                raw = evaluate(expr, base, quantities(ln), ctx.convert, _missing(ctx, ln))
            amount = raw.quantize(q, ROUND_HALF_UP) if rounding is None else rounding(raw)
            rules[id(rule)] = rule
            out.append(DutyLine(label, shown, text, amount))
            total += amount
        per_line.append(total)
    return out, per_line
