"""Malaysia: low-value goods (≤ RM 500) sales tax at checkout by registered sellers."""

from __future__ import annotations

from ..errors import NotCovered
from ..money import ZERO
from ..result import TaxLine
from .common import Assessment, Ctx, customs_values, rate_text
from .standard import assess as standard

REGIME = "my"


def assess(ctx: Ctx) -> Assessment:
    if not ctx.within(ctx.threshold("my_lvg")):
        return standard(ctx)
    if not ctx.req.seller_collects_vat:
        raise NotCovered(
            "MY low-value goods from a seller not registered for LVG sales tax",
            destination="MY",
            on=ctx.on,
        )
    rate = ctx.param("my_lvg_sales_tax_rate")
    value = ctx.goods
    a = Assessment(
        ctx.round(sum(customs_values(ctx), ZERO)),
        ctx.profile.valuation,
        "my_low_value_goods",
        "checkout",
    )
    a.taxes = [TaxLine("sales_tax", ctx.round(value), rate_text(rate), ctx.round(value * rate))]
    return a
