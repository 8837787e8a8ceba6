"""Rounding helpers: every jurisdiction rounds differently, so rounding is always explicit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)

# ISO 4217 minor units for the currencies whose exponent is not 2.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0, "UGX": 0}
_EXPONENTS: dict[str, Decimal] = {}


def exponent(currency: str) -> Decimal:
    """The quantum of one minor unit of `currency` (0.01 for most, 1 for JPY/KRW)."""
    q = _EXPONENTS.get(currency)
    if q is None:
        q = Decimal(1).scaleb(-_MINOR_UNITS.get(currency, 2))
        _EXPONENTS[currency] = q
    return q


CENT = Decimal("0.01")


def half_up(amount: Decimal, quantum: Decimal = CENT) -> Decimal:
    """Round half-up to `quantum`."""
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def truncate_to(amount: Decimal, step: Decimal) -> Decimal:
    """Drop everything below `step` (Japan truncates values to ¥1,000 and taxes to ¥100)."""
    if amount <= 0:
        return ZERO
    return amount // step * step  # `//` truncates toward zero


def fmt(amount: Decimal) -> str:
    """Decimal as a plain string without exponent notation."""
    return format(amount, "f")
