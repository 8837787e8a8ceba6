"""SDR conversion for the CN22/CN23 choice.

CN22 is for letter-post items worth less than 300 SDR; CN23 from 300 SDR and for every
parcel. Sources disagree on "exactly 300", so the cut-off and its inclusiveness are
arguments with the project's default, not constants buried in code. SDR rates come from the
dated FX table (currency XDR); a missing rate is "not covered".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .loader import load_tariff
from .tariff import Tariff

CN22_LIMIT_SDR = Decimal(300)


def value_in_sdr(amount: Decimal, currency: str, on: date, tariff: Tariff | None = None) -> Decimal:
    """`amount` of `currency` in SDR at the dated official rate."""
    rate, _row = (tariff or load_tariff()).fx(currency, "XDR", on)
    return amount * rate


def customs_form(
    total_value: Decimal,
    currency: str,
    on: date,
    *,
    parcel: bool = False,
    limit_sdr: Decimal = CN22_LIMIT_SDR,
    limit_inclusive_cn23: bool = True,
    tariff: Tariff | None = None,
) -> str:
    """'CN22' or 'CN23' for an item of `total_value` in `currency` posted on `on`."""
    if parcel:
        return "CN23"
    sdr = value_in_sdr(total_value, currency, on, tariff)
    over = sdr >= limit_sdr if limit_inclusive_cn23 else sdr > limit_sdr
    return "CN23" if over else "CN22"
