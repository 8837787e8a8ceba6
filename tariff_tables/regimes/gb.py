"""United Kingdom: £135 consignments (VAT by the seller at sale, no duty) and above.

At or under £135 intrinsic value (excise goods excluded): no customs duty, VAT charged by the
seller at the point of sale on the price including delivery; a gift at or under £39 is
VAT-free (a gift is no sale: any VAT is due at the border). Above £135: duty on the CIF
value and import VAT on CIF + duty at the border.
"""

from __future__ import annotations

from .common import Assessment, Ctx
from .taxes import duty_and_tax, taxes_on
from .values import assessment, customs_values

REGIME = "gb"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    if not ctx.within(ctx.threshold("gb_low_value")):
        return duty_and_tax(ctx, assessment(ctx, cvs, "gb_import"), cvs, "vat")
    gift = ctx.req.category == "gift"
    if gift and ctx.within(ctx.threshold("gb_gift")):
        return assessment(ctx, cvs, "gb_gift_relief")
    a = assessment(ctx, cvs, "gb_low_value", collected_at="border" if gift else "checkout")
    a.taxes = taxes_on(ctx, "vat", cvs)
    return a
