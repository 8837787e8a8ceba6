"""Mexico: the courier regime's global rate (duty and VAT in one) by origin and value band.

Only goods imported by courier (order channel `express`) are under it. Every goods origin
in the consignment must have a tabulated global rate for the value, and they must agree (a
consignment mixing rates is not covered). Postal imports follow another regime, not
covered here; an order that does not state its channel is not covered either.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import NotCovered
from ..model import Band
from ..money import ZERO, fmt
from ..result import DutyLine
from .common import Assessment, Ctx
from .scope import rate_text
from .values import assessment, band_for, customs_values

REGIME = "mx"
LINE_DUTY = False


def _band_text(b: Band) -> tuple[str, str]:
    return (
        f"band:MX:{b.upper}:{b.valid_from}",
        f"courier global rate {rate_text(b.rate * 100)}% up to "
        f"{fmt(b.upper)} {b.currency} (duty and VAT included)",
    )


def _not_covered(what: str, ctx: Ctx) -> NotCovered:
    return NotCovered(what, destination="MX", on=ctx.on)


def global_rate(ctx: Ctx, value: Decimal) -> Band:
    """The one band every goods origin of the consignment falls in for `value`."""
    chosen = None
    for origin in sorted({ln.origin_country for ln in ctx.lines}):
        bands = ctx.scope.bands("courier_global", origin)
        if not bands:
            raise _not_covered(f"MX courier global rate for goods of origin {origin}", ctx)
        band = band_for(ctx, bands, value)
        if band is None:
            top = bands[-1]
            raise _not_covered(
                f"MX value above {fmt(top.upper)} {top.currency}: general import regime", ctx
            )
        if chosen is not None and chosen.rate != band.rate:
            raise _not_covered("MX courier consignment mixing origins with different rates", ctx)
        chosen = band
    assert chosen is not None
    return chosen


def assess(ctx: Ctx) -> Assessment:
    if ctx.req.channel != "express":
        what = "MX postal import regime" if ctx.req.channel == "post" else "MX channel not stated"
        raise _not_covered(f"{what} (only the courier regime, channel express, is tabulated)", ctx)
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    band = global_rate(ctx, value)
    ctx.note(band, _band_text)
    a = assessment(ctx, cvs, "mx_courier_global_rate")
    a.duties = [
        DutyLine(
            "mx_courier_global_rate",
            ctx.round(value),
            rate_text(band.rate),
            ctx.round(value * band.rate),
        )
    ]
    return a
