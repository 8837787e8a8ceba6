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
from ..request import QuoteLine
from ..result import TaxLine
from .common import Assessment, Ctx
from .duties import line_duties
from .taxes import tax_line, tax_row
from .values import assessment, customs_values


def _rates(ctx: Ctx, ln: QuoteLine) -> tuple[Decimal, Decimal]:
    """(consumption tax rate, 0 when none applies; VAT rate) of one line."""
    ct = tax_row(ctx, "consumption_tax", ln, required=False)
    vat = tax_row(ctx, "vat", ln)
    return (ct.rate if ct is not None else ZERO), vat.rate  # type: ignore[return-value,union-attr]


def general_trade(ctx: Ctx, cvs: list[Decimal], a: Assessment, limit: Decimal) -> Assessment:
    """Full tax on a single item over the order limit: MFN duty, CT on V + D, VAT on all.
    Several items over the limit cannot use the channel."""
    if not ctx.single_item():
        raise QuoteRefused(
            "cn_cbec_order_limit",
            f"-621005 order value {fmt(ctx.round(sum(cvs, ZERO)))} CNY over the single-order "
            f"limit {fmt(limit)} CNY and not a single item",
        )
    a.regime = "cn_cbec_single_item_general_trade"
    a.duties, per_line = line_duties(ctx, cvs)
    taxes: list[TaxLine] = []
    for ln, v, d in zip(ctx.lines, cvs, per_line, strict=True):
        c, vat = _rates(ctx, ln)
        ct = ZERO
        if c:
            ct_line = tax_line(ctx, "consumption_tax", (v + d) / (1 - c), c)
            taxes.append(ct_line)
            ct = ct_line.amount
        taxes.append(tax_line(ctx, "vat", v + d + ct, vat))
    a.taxes = taxes
    return a


def check_quota(ctx: Ctx, value: Decimal) -> None:
    """Refuse a buyer whose year so far plus this order passes the annual quota."""
    annual_limit = ctx.param("cbec_annual_limit")
    used = ctx.req.buyer_year_used
    if used + value > annual_limit:
        raise QuoteRefused(
            "cn_cbec_annual_quota",
            f"-621018 annual CBEC quota exceeded: used {fmt(used)} + order {fmt(ctx.round(value))}"
            f" > {fmt(annual_limit)} CNY",
        )


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    order_limit = ctx.param("cbec_order_limit")
    check_quota(ctx, value)
    a = assessment(ctx, cvs, "cn_cbec", collected_at="checkout")
    if value > order_limit:
        return general_trade(ctx, cvs, a, order_limit)
    factor = ctx.param("cbec_tax_factor")
    taxes: list[TaxLine] = []
    for ln, v in zip(ctx.lines, cvs, strict=True):
        c, vat = _rates(ctx, ln)
        base = v / (1 - c) if c else v
        if c:
            taxes.append(tax_line(ctx, "consumption_tax", base, c * factor))
        taxes.append(tax_line(ctx, "vat", base, vat * factor))
    a.taxes = taxes
    return a
