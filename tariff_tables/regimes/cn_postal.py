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
from ..result import Rule, TaxLine
from .common import Assessment, Ctx, rate_text, rule_for, tax_row


def cap_rule(cap: Threshold) -> Rule:
    """The rule naming the parcel value cap (one shared Rule per row)."""
    return rule_for(
        cap,
        lambda r: (
            # sorted: a frozenset prints in a hash-seed dependent order, and rule ids must
            # be the same in every process
            f"threshold:{r.id}:{','.join(sorted(r.origins or ()))}",
            f"parcel value cap {fmt(r.amount)} {r.currency} unless a single indivisible item",
        ),
    )


def assess(ctx: Ctx) -> Assessment:
    value = ctx.goods
    cap = ctx.tariff.threshold(ctx.dest, "cn_postal_value_cap", ctx.on, ctx.req.origin_country)
    if cap is None or cap.amount is None:
        raise NotCovered("CN postal parcel value cap", destination="CN", on=ctx.on)
    single = len(ctx.lines) == 1 and ctx.lines[0].quantity == 1
    limit = ctx.convert(cap.amount, cap.currency)
    ctx.add_rule(cap_rule(cap))
    if value > limit and not single:
        raise QuoteRefused(
            "cn_postal_value_cap",
            f"postal parcel value {fmt(ctx.round(value))} CNY over the cap "
            f"{fmt(limit)} CNY and not a single indivisible item",
        )
    a = Assessment(ctx.round(value), "CIF", "cn_postal_articles", "border")
    lines = []
    for ln in ctx.lines:
        row = tax_row(ctx, "postal_articles_tax", ln, required=True)
        rate = row.rate
        assert rate is not None
        lines.append(
            TaxLine(
                "postal_articles_tax",
                ctx.round(ln.value),
                rate_text(rate),
                ctx.round(ln.value * rate),
            )
        )
    total = sum((t.amount for t in lines), ZERO)
    waiver = ctx.param("postal_tax_waiver")
    if total <= waiver:
        a.regime = "cn_postal_articles_waived"
        lines = [TaxLine(t.kind, t.base, t.rate, ctx.round(ZERO)) for t in lines]
    a.taxes = lines
    return a
