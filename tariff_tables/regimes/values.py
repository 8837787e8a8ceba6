"""Values of an order: its customs values per line, transport allocation, value bands."""

from __future__ import annotations

import operator
from decimal import ROUND_HALF_UP, Decimal

from ..model import Band
from ..money import ZERO
from .common import Assessment, Ctx


def assessment(
    ctx: Ctx,
    cvs: list[Decimal],
    regime: str,
    valuation: str = "CIF",
    collected_at: str = "border",
) -> Assessment:
    """An assessment of customs value Σ `cvs` (rounded), with no duty or tax yet."""
    cv = sum(cvs, ZERO).quantize(ctx.quantum, ROUND_HALF_UP)
    return Assessment(cv, valuation, regime, collected_at)


def allocate(ctx: Ctx, extra: Decimal) -> list[Decimal]:
    """Split `extra` (freight + insurance) over the lines in proportion to their value."""
    values = ctx.values
    n = len(values)
    if n == 1:
        return [extra]
    if not extra:
        return [ZERO] * n
    goods = ctx.goods
    if goods == 0:
        return [extra / n] * n
    return [extra * v / goods for v in values]


def customs_values(ctx: Ctx, valuation: str | None = None) -> list[Decimal]:
    """Per-line customs value: goods + allocated freight and insurance for CIF, goods for FOB."""
    values = ctx.values
    if (valuation or ctx.profile.valuation) == "FOB":
        return list(values)
    extra = ctx.freight + ctx.insurance
    if len(values) == 1:  # the common single-line parcel: the whole of `extra` (allocate)
        return [values[0] + extra]
    return add(values, allocate(ctx, extra))


def add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    """Line by line sums (of per-line lists, equally long by construction)."""
    return list(map(operator.add, a, b))


def band_for(ctx: Ctx, bands: tuple[Band, ...], value: Decimal) -> Band | None:
    """The first (lowest) band whose upper bound, in the computation currency, is at or
    above `value`; None when the value is above them all."""
    return next((b for b in bands if value <= ctx.convert(b.upper, b.currency)), None)
