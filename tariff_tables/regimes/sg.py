"""Singapore: GST on low-value goods (≤ S$400) at checkout by registered sellers.

At or under S$400: GST at checkout when the seller is GST-registered under the overseas
vendor regime, else import GST relief applies. Above: duty (only liquor, tobacco, motor
vehicles and petroleum are dutiable; the tables mark them as gaps) and GST on CIF + duty
at the border.
"""

from __future__ import annotations

from .common import Assessment, Ctx
from .taxes import duty_and_tax, taxes_on
from .values import assessment, customs_values

REGIME = "sg"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    if not ctx.within(ctx.threshold("sg_low_value")):
        return duty_and_tax(ctx, assessment(ctx, cvs, "sg_import"), cvs, "gst")
    if not ctx.req.seller_collects_vat:
        return assessment(ctx, cvs, "sg_low_value_goods")  # import GST relief
    a = assessment(ctx, cvs, "sg_low_value_goods", collected_at="checkout")
    a.taxes = taxes_on(ctx, "gst", cvs)
    return a
