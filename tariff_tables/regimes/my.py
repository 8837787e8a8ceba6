"""Malaysia: low-value goods (≤ RM 500) sales tax at checkout by registered sellers.

At or under RM 500: the LVG sales tax on the goods value, charged by a seller registered
for it (an unregistered seller's low-value goods are not covered). Above: the standard
import regime (duty, then import sales tax on value + duty).
"""

from __future__ import annotations

from ..errors import NotCovered
from .common import Assessment, Ctx
from .standard import assess as standard
from .taxes import tax_line
from .values import assessment, customs_values

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
    a = assessment(
        ctx, customs_values(ctx), "my_low_value_goods", ctx.profile.valuation, "checkout"
    )
    a.taxes = [tax_line(ctx, "sales_tax", ctx.goods, rate)]
    return a
