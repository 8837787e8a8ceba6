"""CN22 or CN23: the UPU 300 SDR rule, recorded on the snapshot.

Contents worth less than the threshold travel under a CN22, at or above it (and every parcel)
under a CN23. Sources disagree on whether exactly 300 SDR still fits a CN22, so both the
threshold and which side "exactly" falls on are parameters. The SDR rate is a dated value
supplied by the caller (the application keeps the dated table); it is recorded with the choice
so the decision can be explained later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot, FormChoice

DEFAULT_THRESHOLD_SDR = Decimal("300")

#: S10 service indicators whose items are parcels (always CN23).
PARCEL_SERVICE_LETTERS = frozenset("C")


@dataclass(frozen=True, slots=True)
class SdrRate:
    """Units of ``currency`` worth one SDR, as published for ``as_of`` by ``source``."""

    currency: str
    per_sdr: Decimal
    as_of: date
    source: str = ""


def choose(
    value: Decimal,
    currency: str,
    rate: SdrRate,
    *,
    parcel: bool = False,
    threshold_sdr: Decimal = DEFAULT_THRESHOLD_SDR,
    exactly_threshold_is_cn23: bool = True,
    on: date | None = None,
) -> FormChoice:
    """Pick the form for contents worth ``value`` ``currency``."""
    if rate.currency != currency:
        raise DeclarationError(
            f"SDR rate is for {rate.currency}, the contents are valued in {currency}"
        )
    if rate.per_sdr <= 0:
        raise DeclarationError("SDR rate must be positive")
    if on is not None and rate.as_of > on:
        raise DeclarationError(f"SDR rate of {rate.as_of} is later than the date {on}")
    value_sdr = (value / rate.per_sdr).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    over = value_sdr >= threshold_sdr if exactly_threshold_is_cn23 else value_sdr > threshold_sdr
    return FormChoice(
        form="CN23" if (parcel or over) else "CN22",
        value_sdr=value_sdr,
        threshold_sdr=threshold_sdr,
        sdr_rate=rate.per_sdr,
        sdr_rate_currency=rate.currency,
        sdr_rate_date=rate.as_of,
    )


def is_parcel(snapshot: DeclarationSnapshot) -> bool:
    """Parcels are recognised by the S10 service indicator (C* = parcels) or mail class C."""
    item_id = snapshot.order.item_id
    return (item_id[:1] in PARCEL_SERVICE_LETTERS) or snapshot.order.mail_class.upper() == "C"


def record(
    snapshot: DeclarationSnapshot,
    rate: SdrRate,
    *,
    threshold_sdr: Decimal = DEFAULT_THRESHOLD_SDR,
    exactly_threshold_is_cn23: bool = True,
) -> DeclarationSnapshot:
    """The snapshot with its :class:`FormChoice` set, valued at the goods value."""
    choice = choose(
        snapshot.goods_value,
        snapshot.order.currency,
        rate,
        parcel=is_parcel(snapshot),
        threshold_sdr=threshold_sdr,
        exactly_threshold_is_cn23=exactly_threshold_is_cn23,
        on=snapshot.created_at.date(),
    )
    return snapshot.with_changes(form=choice)
