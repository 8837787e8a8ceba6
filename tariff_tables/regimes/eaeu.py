"""Eurasian Economic Union (RU, KZ): personal-use e-commerce imports.

Until 2026-06-30: €200 and 31 kg per consignment; above, a unified 15 % of the value over
€200, at least €2 per kg of weight over 31 kg, replacing duties and taxes. From 2026-07-01:
€200 per purchase; above, 5 % of the whole value, at least €1 per kg, plus national VAT on
value + duty. Which arithmetic applies follows from the measure in force on the date.
"""

from __future__ import annotations

from ..errors import NotCovered
from ..expressions import Quantities, evaluate
from ..model import DutyMeasure
from ..money import ZERO
from ..result import DutyLine, Rule
from .common import Assessment, Ctx, add, allocate, customs_values, rate_text, rule_for, taxes_on

REGIME = "eaeu"


def _no_quantity(unit: str) -> None:  # pragma: no cover - only kg terms are tabulated
    raise NotCovered(f"EAEU personal-use duty per {unit}")


def measure_rule(dest: str, m: DutyMeasure) -> Rule:
    """The rule naming the personal-use measure (one shared Rule per row)."""
    return rule_for(m, lambda r: (f"duty:{dest}:{r.measure}", f"{r.measure}: {r.expression.text}"))


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    a = Assessment(ctx.round(value), "CIF", "eaeu_personal_exempt", "border")
    th = ctx.threshold("eaeu_personal")
    if th is None or th.amount is None:
        raise NotCovered("EAEU personal-use threshold", destination=ctx.dest, on=ctx.on)
    m, _ = ctx.tariff.duties(ctx.dest, "", None, ctx.on)
    expr = m.expression
    assert expr is not None
    weight = ctx.weight()
    limit = ctx.convert(th.amount, th.currency)
    ctx.add_rule(measure_rule(ctx.dest, m))
    if m.measure == "eaeu_personal_excess":
        weight_limit = ctx.param("eaeu_weight_limit_kg")
        over_value = max(value - limit, ZERO)
        over_weight = max(weight - weight_limit, ZERO)
        ctx.within(th)
        if not over_value and not over_weight:
            return a
        duty = evaluate(
            expr, over_value, Quantities(over_weight, None, None), ctx.convert, _no_quantity
        )
        base = over_value
    else:
        if ctx.within(th):
            return a
        duty = evaluate(expr, value, Quantities(weight, None, None), ctx.convert, _no_quantity)
        base = value
    rate = expr.simple_ad_valorem
    amount = ctx.round(duty)
    a.regime = m.measure
    a.duties = [
        DutyLine(
            m.measure, ctx.round(base), rate_text(rate) if rate is not None else expr.text, amount
        )
    ]
    if ctx.param("eaeu_vat_applies"):
        a.taxes = taxes_on(ctx, "vat", add(cvs, allocate(ctx, amount)))
    return a
