"""Australia: low-value goods (≤ AUD 1,000) GST at sale; above, duty + GST at the border.

At or under AUD 1,000 of goods value (excluding GST and shipping; alcohol and tobacco
excluded): no duty, GST collected by a registered vendor at sale on the price including
delivery (none when the vendor is not registered). Above: duty on the FOB customs value;
GST on the value of the taxable importation = customs value + duty + transport & insurance.
"""

from __future__ import annotations

from .common import Assessment, Ctx
from .taxes import duty_and_tax, taxes_on
from .values import add, allocate, assessment, customs_values

REGIME = "au"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx, "FOB")
    transport = allocate(ctx, ctx.freight + ctx.insurance)
    if not ctx.within(ctx.threshold("au_lvg")):
        return duty_and_tax(ctx, assessment(ctx, cvs, "au_import", "FOB"), cvs, "gst", transport)
    if not ctx.req.seller_collects_vat:
        return assessment(ctx, cvs, "au_low_value_goods", "FOB")  # no GST collected
    a = assessment(ctx, cvs, "au_low_value_goods", "FOB", collected_at="checkout")
    a.taxes = taxes_on(ctx, "gst", add(cvs, transport))
    return a
