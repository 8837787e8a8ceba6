"""China CBEC import limits: the single-order limit and the buyer's annual quota.

The figures are the tariff's dated parameters (``cbec_order_limit``, ``cbec_annual_limit``)
and the quota arithmetic is ``tariff_tables.quota``; whether an order over the single-order
limit may still go as one indivisible item is the tariff engine's decision, read from the
quote's regime.
"""

from __future__ import annotations

from decimal import Decimal

from tariff_tables.model import Parameter
from tariff_tables.money import fmt, half_up
from tariff_tables.quota import QuotaCheck

from .record import Risk

SINGLE_ITEM_REGIME = "cn_cbec_single_item_general_trade"


def single_order_limit(
    value: Decimal, limit: Parameter, quote_regime: str | None, quote_error: str | None
) -> Risk | None:
    """An order whose CNY customs value is over the single-order limit."""
    if value <= limit.value:
        return None
    over = (
        f"The order's customs value {fmt(half_up(value))} CNY is over the single-order limit "
        f"of {fmt(limit.value)} CNY (from {limit.valid_from.isoformat()})."
    )
    if quote_regime == SINGLE_ITEM_REGIME:
        return Risk(
            code="single_order_limit",
            severity="warning",
            field=None,
            message="Over the CBEC single-order limit: one indivisible item, full tax applies",
            explanation=(
                f"{over} It holds a single indivisible item, which may still clear under "
                "CBEC but pays full general-trade tax (MFN duty, consumption tax and VAT "
                "without the 70 % reduction) and counts against the annual quota."
            ),
            source=limit.source,
        )
    why = (
        f"the tariff refused the quote: {quote_error}"
        if quote_error
        else "only a single indivisible item may exceed it"
    )
    return Risk(
        code="single_order_limit",
        severity="blocking",
        field=None,
        message="Over the CBEC single-order limit (customs error -621005)",
        explanation=f"{over} It is not one indivisible item ({why}). Split the order.",
        source=limit.source,
    )


def annual_quota(
    check: QuotaCheck, amount: Decimal, year: int, near_share: Decimal, source: str
) -> Risk | None:
    """The buyer's CBEC quota after this order: over the limit, or near it."""
    after = check.used + amount
    share = half_up(after / check.limit * 100, Decimal("0.1"))
    figures = (
        f"The buyer has used {fmt(half_up(check.used))} CNY of the {fmt(check.limit)} CNY "
        f"annual limit for {year}; this order adds {fmt(half_up(amount))} CNY, "
        f"{fmt(half_up(after))} CNY in all ({share} %)."
    )
    if check.would_exceed:
        return Risk(
            code="quota_over",
            severity="blocking",
            field="recipient.id_number",
            message="The buyer's annual CBEC quota would be exceeded (customs error -621018)",
            explanation=f"{figures} Customs refuse the inventory; the buyer cannot use the "
            "CBEC channel for it.",
            source=source,
        )
    if after < check.limit * near_share:
        return None
    return Risk(
        code="quota_near",
        severity="warning",
        field="recipient.id_number",
        message=f"The buyer is near the annual CBEC quota ({share} % used with this order)",
        explanation=f"{figures} Warned from {fmt(half_up(near_share * 100, Decimal('1')))} %.",
        source=source,
    )
