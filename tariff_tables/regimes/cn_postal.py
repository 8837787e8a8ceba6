"""China postal articles tax (行邮税) on personal items outside CBEC.

One rate replaces duty, VAT and consumption tax: 13 %, 20 % or 50 % by category (mapped to
HS prefixes in the tables), on the dutiable price of the goods. A parcel whose tax is at
or under CNY 50 pays nothing. Parcel value cap CNY 1,000 (CNY 800 from Hong Kong, Macao
and Taiwan) unless the parcel is a single indivisible item.
"""

from __future__ import annotations

from ..errors import NotCovered, QuoteRefused
from ..model import Threshold
from ..money import ZERO, fmt
from ..result import TaxLine
from .common import Assessment, Ctx
from .taxes import tax_line, tax_row
from .values import assessment


def _cap_text(cap: Threshold) -> tuple[str, str]:
    return (
        # sorted: a frozenset prints in a hash-seed dependent order, and rule ids must be
        # the same in every process
        f"threshold:{cap.id}:{','.join(sorted(cap.origins or ()))}",
        f"parcel value cap {fmt(cap.amount)} {cap.currency} unless a single indivisible item",
    )


def check_cap(ctx: Ctx) -> None:
    """Refuse a divisible parcel over the value cap for its dispatch country."""
    cap = ctx.scope.threshold_for("cn_postal_value_cap", ctx.req.origin_country)
    if cap is None or cap.amount is None:
        raise NotCovered("CN postal parcel value cap", destination="CN", on=ctx.on)
    limit = ctx.convert(cap.amount, cap.currency)
    ctx.note(cap, _cap_text)
    if ctx.goods > limit and not ctx.single_item():
        raise QuoteRefused(
            "cn_postal_value_cap",
            f"postal parcel value {fmt(ctx.round(ctx.goods))} CNY over the cap "
            f"{fmt(limit)} CNY and not a single indivisible item",
        )


def assess(ctx: Ctx) -> Assessment:
    check_cap(ctx)
    a = assessment(ctx, [ctx.goods], "cn_postal_articles")
    kind = "postal_articles_tax"
    a.taxes = [
        tax_line(ctx, kind, v, tax_row(ctx, kind, ln).rate)  # type: ignore[arg-type]
        for ln, v in zip(ctx.lines, ctx.values, strict=True)
    ]
    total = sum((t.amount for t in a.taxes), ZERO)
    if total <= ctx.param("postal_tax_waiver"):
        a.regime = "cn_postal_articles_waived"
        a.taxes = [TaxLine(t.kind, t.base, t.rate, ctx.round(ZERO)) for t in a.taxes]
    return a
