"""Unit value far below what the service has seen for the same HS heading.

There is no shipped baseline: the comparison is with the median unit value of the order
lines the service has stored for the same heading (4 digits), unit and currency, and only
when that sample is large enough. Lines in other currencies join the sample converted at the
tariff's official rate for the date, where one is tabulated; the explanation says how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from tariff_tables.money import fmt, half_up

from .record import Risk


def shown(amount: Decimal) -> str:
    """An amount as a broker reads it, whatever scale the database returned it in:
    at least two decimals, more only when they are not zero (1.00000 → 1.00, 0.125)."""
    plain = amount.normalize()
    if plain.as_tuple().exponent > -2:  # type: ignore[operator]
        plain = plain.quantize(Decimal("0.01"))
    return fmt(plain)


@dataclass(frozen=True)
class Sample:
    """Stored unit values of one heading and unit, in one currency."""

    heading: str
    unit: str
    currency: str
    values: tuple[Decimal, ...]
    converted: int = 0
    fx_note: str = ""


@dataclass(frozen=True)
class Thresholds:
    """When a unit value is "far below": below ``ratio`` × the median of a sample of at
    least ``min_sample`` lines."""

    min_sample: int
    ratio: Decimal


def low_unit_value(
    index: int, unit_value: Decimal, sample: Sample, limits: Thresholds
) -> Risk | None:
    """The finding for line ``index``, or None when the value is not far below the median
    or the sample is too small to say."""
    size = len(sample.values)
    if size < limits.min_sample:
        return None
    mid = median(sample.values)
    if mid <= 0 or unit_value >= mid * limits.ratio:
        return None
    ratio = half_up(unit_value / mid, Decimal("0.001"))
    converted = f", {sample.converted} of them {sample.fx_note}" if sample.converted else ""
    return Risk(
        code="low_unit_value",
        severity="warning",
        field=f"items.{index}.unit_value",
        message=(
            f"Unit value {shown(unit_value)} {sample.currency} is far below what this service has "
            f"seen for HS heading {sample.heading}"
        ),
        explanation=(
            f"Median unit value of {size} stored lines of heading {sample.heading} per "
            f"{sample.unit} in {sample.currency}{converted}: {half_up(mid)} "
            f"{sample.currency}; this line's {shown(unit_value)} is {ratio} of it (flagged below "
            f"{limits.ratio}, with at least {limits.min_sample} lines)."
        ),
    )
