"""China CBEC retail import (9610 / 1210).

Within the CNY 5,000 order limit and the CNY 26,000 annual quota: duty 0, consumption tax
and import VAT at 70 % of the statutory amount, CT grossed up: base = V / (1 − c).
An order over the limit is allowed only when it is a single item; it then pays full
general-trade tax (MFN duty, CT = (V + D)/(1 − c) × c, VAT = (V + D + CT) × v) and still
counts against the annual quota. A buyer past the quota cannot use the channel.
V = goods + freight + insurance. Taxes are per inventory line, rounded to the fen half-up.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import QuoteRefused
from ..money import ZERO, fmt
from ..result import TaxLine
from .common import Assessment, Ctx, customs_values, line_duties, rate_text, tax_row


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    order_limit = ctx.param("cbec_order_limit")
    annual_limit = ctx.param("cbec_annual_limit")
    used = ctx.req.buyer_year_used
    if used + value > annual_limit:
        raise QuoteRefused(
            "cn_cbec_annual_quota",
            f"-621018 annual CBEC quota exceeded: used {fmt(used)} + order {fmt(ctx.round(value))}"
            f" > {fmt(annual_limit)} CNY",
        )
    single = len(ctx.lines) == 1 and ctx.lines[0].quantity == 1
    a = Assessment(ctx.round(value), "CIF", "cn_cbec", "checkout")
    if value > order_limit:
        if not single:
            raise QuoteRefused(
                "cn_cbec_order_limit",
                f"-621005 order value {fmt(ctx.round(value))} CNY over the single-order limit "
                f"{fmt(order_limit)} CNY and not a single item",
            )
        a.regime = "cn_cbec_single_item_general_trade"
        a.duties, per_line = line_duties(ctx, cvs)
        for ln, v, d in zip(ctx.lines, cvs, per_line, strict=True):
            ct_row = tax_row(ctx, "consumption_tax", ln, required=False)
            c = ct_row.rate if ct_row is not None else ZERO
            vat = tax_row(ctx, "vat", ln, required=True).rate
            ct = ZERO
            if c:
                base = (v + d) / (1 - c)  # type: ignore[operator]
                ct = ctx.round(base * c)
                a.taxes.append(TaxLine("consumption_tax", ctx.round(base), rate_text(c), ct))
            vat_base = v + d + ct
            a.taxes.append(
                TaxLine(
                    "vat",
                    ctx.round(vat_base),
                    rate_text(vat),  # type: ignore[arg-type]
                    ctx.round(vat_base * vat),
                )
            )  # type: ignore[operator]
        return a
    factor = ctx.param("cbec_tax_factor")
    for ln, v in zip(ctx.lines, cvs, strict=True):
        ct_row = tax_row(ctx, "consumption_tax", ln, required=False)
        c: Decimal = ct_row.rate if ct_row is not None else ZERO  # type: ignore[assignment]
        vat: Decimal = tax_row(ctx, "vat", ln, required=True).rate  # type: ignore[union-attr,assignment]
        base = v / (1 - c) if c else v
        shown = ctx.round(base)
        if c:
            rate = c * factor
            a.taxes.append(
                TaxLine("consumption_tax", shown, rate_text(rate), ctx.round(base * rate))
            )
        rate = vat * factor
        a.taxes.append(TaxLine("vat", shown, rate_text(rate), ctx.round(base * rate)))
    return a
