"""China postal articles tax (行邮税) on personal items outside CBEC.

One rate replaces duty, VAT and consumption tax: 13 %, 20 % or 50 % by category (mapped to
HS prefixes in the tables). The tax base is the article's dutiable price (完税价格): the
price listed in the official table (完税价格表) where the article is listed, per unit;
otherwise the market retail price, which the tables do not hold, so the declared price is
used and the quote says so (GAC Announcement 2012 No. 15, principles 1-2). A price paid of
2× or more, or ½ or less, of the listed price makes the owner produce the seller's invoice,
on which customs then set the dutiable price (principle 3): an order filed through this
service is that sales record, so such a line is assessed on its declared price and the quote
says why. A parcel whose tax is at or
under CNY 50 pays nothing. Parcel value cap CNY 1,000 (CNY 800 from Hong Kong, Macao and
Taiwan) unless the parcel is a single indivisible item.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import NotCovered, QuoteRefused
from ..model import DutiablePrice, Threshold
from ..money import ZERO, fmt
from ..request import QuoteLine
from ..result import Rule, TaxLine
from .common import Assessment, Ctx
from .taxes import tax_line, tax_row
from .values import assessment

VALUATION_SOURCE = (
    "GAC Announcement 2012 No. 15 (进境物品完税价格确定原则, kept unchanged by Announcements "
    "2018 No. 140 and 2019 No. 63), as quoted by a 青岛海关 12360 answer"
)
DECLARED_PRICE = Rule(
    "cn_postal:declared_price",
    "dutiable price: the declared price, for articles without a listed price in the tables "
    "(the law takes the main-market retail price of the same article, which the tables do "
    "not hold)",
    VALUATION_SOURCE,
)


def _cap_text(cap: Threshold) -> tuple[str, str]:
    return (
        # sorted: a frozenset prints in a hash-seed dependent order, and rule ids must be
        # the same in every process
        f"threshold:{cap.id}:{','.join(sorted(cap.origins or ()))}",
        f"parcel value cap {fmt(cap.amount)} {cap.currency} unless a single indivisible item",
    )


def _listed_text(row: DutiablePrice) -> tuple[str, str]:
    return (
        f"dutiable:{row.tax_number}:{row.hs}:{row.valid_from}",
        f"dutiable price {fmt(row.price)} {row.currency} per {row.unit} "  # type: ignore[arg-type]
        f"(完税价格表 税号 {row.tax_number} {row.article}) instead of the price paid",
    )


def _separately_text(row: DutiablePrice) -> tuple[str, str]:
    return (
        f"dutiable:{row.tax_number}:{row.hs}:{row.valid_from}",
        f"完税价格表 税号 {row.tax_number} {row.article}: valued separately (另行确定) at the "
        "market retail price, which the tables do not hold: the declared price is used",
    )


def _invoice_text(row: DutiablePrice) -> tuple[str, str]:
    return (
        f"dutiable:{row.tax_number}:invoice",
        f"price paid 2x or more, or 1/2 or less, of the listed {fmt(row.price)} {row.currency}: "  # type: ignore[arg-type]
        "customs set the dutiable price from the seller's invoice (principle 3); the order's "
        "declared price, filed as that invoice, is used",
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


def dutiable_value(ctx: Ctx, ln: QuoteLine, declared: Decimal) -> Decimal:
    """A line's tax base: the listed price × quantity, else (unlisted, valued separately, or
    paid outside ½…2× the listed price) the declared value."""
    row = ctx.scope.dutiable_price(ln.hs_code)
    if row is None or row.unit != ln.unit:
        ctx.add_rule(DECLARED_PRICE)
        return declared
    if row.price is None:
        ctx.note(row, _separately_text)
        return declared
    ctx.note(row, _listed_text)
    listed = ctx.convert(row.price, row.currency)
    paid = ctx.unit_value(ln)
    if paid >= 2 * listed or paid * 2 <= listed:
        ctx.note(row, _invoice_text)
        return declared
    return listed * ln.quantity


def assess(ctx: Ctx) -> Assessment:
    check_cap(ctx)
    bases = [dutiable_value(ctx, ln, v) for ln, v in zip(ctx.lines, ctx.values, strict=True)]
    a = assessment(ctx, bases, "cn_postal_articles")
    kind = "postal_articles_tax"
    a.taxes = [
        tax_line(ctx, kind, v, tax_row(ctx, kind, ln).rate)  # type: ignore[arg-type]
        for ln, v in zip(ctx.lines, bases, strict=True)
    ]
    total = sum((t.amount for t in a.taxes), ZERO)
    if total <= ctx.param("postal_tax_waiver"):
        a.regime = "cn_postal_articles_waived"
        a.taxes = [TaxLine(t.kind, t.base, t.rate, ctx.round(ZERO)) for t in a.taxes]
    return a
