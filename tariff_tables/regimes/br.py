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
from ..result import DutyLine, Rule, TaxLine
from .common import Assessment, Ctx, customs_values, rate_text, rule_for, tax_row

REGIME = "br"
LINE_DUTY = False


def band_rule(band: Band, scheme: str) -> Rule:
    """The rule naming the value band applied (one shared Rule per row)."""
    return rule_for(
        band,
        lambda b: (
            f"band:BR:{scheme}:{b.upper}:{b.valid_from}",
            f"II {rate_text(b.rate * 100)}% − {fmt(b.deduction)} {b.currency} up to "
            f"{fmt(b.upper)} {b.currency}",
        ),
    )


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    rc = ctx.req.seller_collects_vat
    scheme = "remessa_conforme" if rc else "simplified_regime"
    bands = ctx.tariff.bands(ctx.dest, scheme, ctx.on, ctx.req.origin_country)
    if not bands:
        raise NotCovered(f"BR {scheme} rates", destination="BR", on=ctx.on)
    band = next((b for b in bands if value <= ctx.convert(b.upper, b.currency)), None)
    if band is None:
        raise NotCovered(
            f"BR value above the {scheme} upper bound "
            f"({fmt(bands[-1].upper)} {bands[-1].currency}): regular import regime",
            destination="BR",
            on=ctx.on,
        )
    ctx.add_rule(band_rule(band, scheme))
    ii = ctx.round(max(value * band.rate - ctx.convert(band.deduction, band.currency), ZERO))
    rate = rate_text(band.rate)
    if band.deduction:
        rate = f"{rate} - {fmt(band.deduction)} {band.currency}"
    a = Assessment(ctx.round(value), "CIF", f"br_{scheme}", "checkout" if rc else "border")
    a.duties = [DutyLine(f"br_import_tax_{scheme}", ctx.round(value), rate, ii)]
    row = tax_row(ctx, "icms", ctx.lines[0], required=True)
    icms = row.rate
    assert icms is not None
    base = (value + ii) / (1 - icms)
    a.taxes = [TaxLine("icms", ctx.round(base), rate_text(icms), ctx.round(base * icms))]
    return a
