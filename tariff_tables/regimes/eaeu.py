"""Eurasian Economic Union (RU, KZ): personal-use e-commerce imports.

Until 2026-06-30: €200 and 31 kg per consignment; above, a unified 15 % of the value over
€200, at least €2 per kg of weight over 31 kg, replacing duties and taxes. From 2026-07-01:
€200 per purchase; above, 5 % of the whole value, at least €1 per kg, plus national VAT on
value + duty. Which arithmetic applies follows from the measure in force on the date.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import NotCovered
from ..expressions import Quantities, evaluate
from ..model import DutyMeasure, Threshold
from ..money import ZERO
from ..result import DutyLine
from .common import Assessment, Ctx
from .scope import rate_text
from .taxes import taxes_on
from .values import add, allocate, assessment, customs_values

REGIME = "eaeu"


def _no_quantity(unit: str) -> None:  # pragma: no cover - only kg terms are tabulated
    raise NotCovered(f"EAEU personal-use duty per {unit}")


def _measure_text(m: DutyMeasure, dest: str) -> tuple[str, str]:
    return f"duty:{dest}:{m.measure}", f"{m.measure}: {m.expression.text}"  # type: ignore[union-attr]


def dutiable(
    ctx: Ctx, m: DutyMeasure, th: Threshold, value: Decimal, weight: Decimal, limit: Decimal
) -> tuple[Decimal, Decimal] | None:
    """(value, kg) the measure is charged on, None when the order is exempt: until
    2026-06-30 the excess over both limits, from 2026-07-01 the whole order over €200."""
    if m.measure == "eaeu_personal_excess":
        over_value = max(value - limit, ZERO)
        over_weight = max(weight - ctx.param("eaeu_weight_limit_kg"), ZERO)
        ctx.within(th)
        return (over_value, over_weight) if over_value or over_weight else None
    return None if ctx.within(th) else (value, weight)


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    a = assessment(ctx, cvs, "eaeu_personal_exempt")
    th = ctx.threshold("eaeu_personal")
    if th is None or th.amount is None:
        raise NotCovered("EAEU personal-use threshold", destination=ctx.dest, on=ctx.on)
    m, _ = ctx.scope.duties("", None)
    weight = ctx.weight()
    limit = ctx.convert(th.amount, th.currency)
    ctx.note(m, _measure_text, ctx.dest)
    charged = dutiable(ctx, m, th, value, weight, limit)
    if charged is None:
        return a
    base, kg = charged
    expr = m.expression
    assert expr is not None
    amount = ctx.round(evaluate(expr, base, Quantities(kg, None, None), ctx.convert, _no_quantity))
    rate = expr.simple_ad_valorem
    a.regime = m.measure
    a.duties = [
        DutyLine(
            m.measure, ctx.round(base), rate_text(rate) if rate is not None else expr.text, amount
        )
    ]
    if ctx.param("eaeu_vat_applies"):
        a.taxes = taxes_on(ctx, "vat", add(cvs, allocate(ctx, amount)))
    return a
