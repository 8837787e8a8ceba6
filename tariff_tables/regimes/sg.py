"""Singapore: GST on low-value goods at checkout, import GST relief on the CIF value.

Two tests with two bases (Singapore Customs, "GST on Low-Value Goods"):
- a low-value good is an item whose sales value (the price of the goods alone) is at most
  S$400; a vendor registered under the overseas vendor regime (OVR) charges GST on it at
  checkout, item by item, so the parcel is not taxed again at import;
- otherwise (a seller not registered, or an item over S$400) import GST relief applies
  when the CIF value of the whole shipment (goods + freight + insurance) is at most S$400
  (post or air; intoxicating liquors and tobacco excluded); above, GST on CIF + duty at the
  border. Only liquor, tobacco, motor vehicles and petroleum are dutiable (the tables mark
  their rates as gaps).
"""

from __future__ import annotations

from .common import Assessment, Ctx
from .taxes import duty_and_tax, taxes_on
from .values import assessment, customs_values

REGIME = "sg"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    if ctx.req.seller_collects_vat:
        dearest = max(ctx.unit_value(ln) for ln in ctx.lines)  # the test is per item
        if ctx.within(ctx.threshold("sg_low_value_goods"), dearest):
            a = assessment(ctx, cvs, "sg_low_value_goods", collected_at="checkout")
            a.taxes = taxes_on(ctx, "gst", cvs)
            return a
    if ctx.within(ctx.threshold("sg_import_relief")):
        return assessment(ctx, cvs, "sg_import_relief")
    return duty_and_tax(ctx, assessment(ctx, cvs, "sg_import"), cvs, "gst")
