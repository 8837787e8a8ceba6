"""Singapore: GST on low-value goods (≤ S$400) at checkout by registered sellers.

At or under S$400: GST at checkout when the seller is GST-registered under the overseas
vendor regime, else import GST relief applies. Above: duty (only liquor, tobacco, motor
vehicles and petroleum are dutiable; the tables mark them as gaps) and GST on CIF + duty
at the border.
"""

from __future__ import annotations

from ..money import ZERO
from .common import Assessment, Ctx, add, customs_values, line_duties, taxes_on

REGIME = "sg"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    a = Assessment(ctx.round(sum(cvs, ZERO)), "CIF", "sg_import", "border")
    if ctx.within(ctx.threshold("sg_low_value")):
        a.regime = "sg_low_value_goods"
        if ctx.req.seller_collects_vat:
            a.collected_at = "checkout"
            a.taxes = taxes_on(ctx, "gst", cvs)
        return a
    a.duties, per_line = line_duties(ctx, cvs)
    a.taxes = taxes_on(ctx, "gst", add(cvs, per_line))
    return a
