"""Australia: low-value goods (≤ AUD 1,000) GST at sale; above, duty + GST at the border.

At or under AUD 1,000 of goods value (excluding GST and shipping; alcohol and tobacco
excluded): no duty, GST collected by a registered vendor at sale on the price including
delivery (none when the vendor is not registered). Above: duty on the FOB customs value;
GST on the value of the taxable importation = customs value + duty + transport & insurance.
"""

from __future__ import annotations

from ..money import ZERO
from .common import Assessment, Ctx, add, allocate, customs_values, line_duties, taxes_on

REGIME = "au"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx, "FOB")
    transport = allocate(ctx, ctx.freight + ctx.insurance)
    a = Assessment(ctx.round(sum(cvs, ZERO)), "FOB", "au_import", "border")
    if ctx.within(ctx.threshold("au_lvg")):
        a.regime = "au_low_value_goods"
        if ctx.req.seller_collects_vat:
            a.collected_at = "checkout"
            a.taxes = taxes_on(ctx, "gst", add(cvs, transport))
        return a
    a.duties, per_line = line_duties(ctx, cvs)
    a.taxes = taxes_on(ctx, "gst", add(add(cvs, per_line), transport))
    return a
