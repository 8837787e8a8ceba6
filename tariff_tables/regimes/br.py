"""Brazil: simplified import (II) by value band, ICMS grossed up.

Remessa Conforme sellers (collecting at checkout): II = rate × value − deduction per the
band the value falls in (20 % up to USD 50; 60 % − USD 20 up to USD 3,000 from 2024-08-01).
Other sellers: the simplified regime's flat rate. Value = goods + freight + insurance.
ICMS is calculated "por dentro": base = (value + II) / (1 − icms), ICMS = base × icms.
"""

from __future__ import annotations

from ..errors import NotCovered
from ..model import Band
from ..money import ZERO, fmt
from ..result import DutyLine
from .common import Assessment, Ctx
from .scope import rate_text
from .taxes import tax_line, tax_row
from .values import assessment, band_for, customs_values

REGIME = "br"
LINE_DUTY = False


def _band_text(b: Band, scheme: str) -> tuple[str, str]:
    return (
        f"band:BR:{scheme}:{b.upper}:{b.valid_from}",
        f"II {rate_text(b.rate * 100)}% − {fmt(b.deduction)} {b.currency} up to "
        f"{fmt(b.upper)} {b.currency}",
    )


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    rc = ctx.req.seller_collects_vat
    scheme = "remessa_conforme" if rc else "simplified_regime"
    bands = ctx.scope.bands(scheme, ctx.req.origin_country)
    if not bands:
        raise NotCovered(f"BR {scheme} rates", destination="BR", on=ctx.on)
    band = band_for(ctx, bands, value)
    if band is None:
        raise NotCovered(
            f"BR value above the {scheme} upper bound "
            f"({fmt(bands[-1].upper)} {bands[-1].currency}): regular import regime",
            destination="BR",
            on=ctx.on,
        )
    ctx.note(band, _band_text, scheme)
    ii = ctx.round(max(value * band.rate - ctx.convert(band.deduction, band.currency), ZERO))
    rate = rate_text(band.rate)
    if band.deduction:
        rate = f"{rate} - {fmt(band.deduction)} {band.currency}"
    a = assessment(ctx, cvs, f"br_{scheme}", collected_at="checkout" if rc else "border")
    a.duties = [DutyLine(f"br_import_tax_{scheme}", ctx.round(value), rate, ii)]
    icms = tax_row(ctx, "icms", ctx.lines[0]).rate
    assert icms is not None
    a.taxes = [tax_line(ctx, "icms", (value + ii) / (1 - icms), icms)]
    return a
