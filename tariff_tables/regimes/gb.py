"""United Kingdom: £135 consignments (VAT by the seller at sale, no duty) and above.

At or under £135 intrinsic value (excise goods excluded): no customs duty, VAT charged by the
seller at the point of sale on the price including delivery; a gift at or under £39 is
VAT-free. Above £135: duty on the CIF value and import VAT on CIF + duty at the border.
"""

from __future__ import annotations

from ..money import ZERO
from .common import Assessment, Ctx, add, customs_values, line_duties, taxes_on

REGIME = "gb"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    a = Assessment(ctx.round(sum(cvs, ZERO)), "CIF", "gb_import", "border")
    if ctx.within(ctx.threshold("gb_low_value")):
        a.regime = "gb_low_value"
        if ctx.req.category == "gift" and ctx.within(ctx.threshold("gb_gift")):
            a.regime = "gb_gift_relief"
            return a
        if ctx.req.category != "gift":
            a.collected_at = "checkout"
        a.taxes = taxes_on(ctx, "vat", cvs)
        return a
    a.duties, per_line = line_duties(ctx, cvs)
    a.taxes = taxes_on(ctx, "vat", add(cvs, per_line))
    return a
