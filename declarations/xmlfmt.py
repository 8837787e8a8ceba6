"""Formatting values the way the message schemas expect them.

Kept in one place because the CEB and ITMATT schemas share the rules: plain decimals (never
exponent notation) with at most a given number of fraction digits, and compact timestamps.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

_QUANTS = {n: Decimal(1).scaleb(-n) for n in range(0, 9)}


@lru_cache(maxsize=8192)
def decimal_text(value: Decimal, places: int = 5, total_digits: int = 19) -> str:
    """``value`` rounded half-up to ``places`` decimals, without trailing zeros or exponent.

    Raises ``ValueError`` when the result has more than ``total_digits`` digits, which the
    schemas would reject (``totalDigits="19"``). The text depends on the value alone (equal
    decimals such as ``1.0`` and ``1.00`` give the same text), so it is remembered: messages
    repeat the same few amounts, and formatting costs more than the lookup.
    """
    q = value.quantize(_QUANTS[places], rounding=ROUND_HALF_UP)
    if q:
        # ``q`` has exactly ``places`` fraction digits, so plain "f" formatting never uses an
        # exponent; dropping the trailing zeros gives what ``normalize()`` would.
        text = format(q, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = "0"
    digits = len(text.lstrip("-0").replace(".", "")) or 1
    if digits > total_digits:
        raise ValueError(f"{value} has more than {total_digits} digits")
    return text


def round_money(value: Decimal, places: int = 5) -> Decimal:
    return value.quantize(_QUANTS[places], rounding=ROUND_HALF_UP)


def compact_datetime(value: datetime) -> str:
    """YYYYMMDDhhmmss, as CEB appTime/payTime."""
    if value.year >= 1000:  # strftime does not pad years below 1000
        return (
            f"{value.year}{value.month:02d}{value.day:02d}"
            f"{value.hour:02d}{value.minute:02d}{value.second:02d}"
        )
    return value.strftime("%Y%m%d%H%M%S")


def compact_date(value: date) -> str:
    """YYYYMMDD, as CEB declTime/ieDate."""
    if value.year >= 1000:
        return f"{value.year}{value.month:02d}{value.day:02d}"
    return value.strftime("%Y%m%d")


def compact_millis(value: datetime) -> str:
    """YYYYMMDDhhmmssSSS, as CEB receipts' returnTime (milliseconds, truncated)."""
    return compact_datetime(value) + f"{value.microsecond // 1000:03d}"
