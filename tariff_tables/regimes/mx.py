"""Mexico: the courier regime's global rate (duty and VAT in one) by origin and value band."""

from __future__ import annotations

from ..errors import NotCovered
from ..model import Band
from ..money import ZERO, fmt
from ..result import DutyLine, Rule
from .common import Assessment, Ctx, customs_values, rate_text, rule_for

REGIME = "mx"
LINE_DUTY = False


def band_rule(band: Band) -> Rule:
    """The rule naming the value band applied (one shared Rule per row)."""
    return rule_for(
        band,
        lambda b: (
            f"band:MX:{b.upper}:{b.valid_from}",
            f"courier global rate {rate_text(b.rate * 100)}% up to "
            f"{fmt(b.upper)} {b.currency} (duty and VAT included)",
        ),
    )


def assess(ctx: Ctx) -> Assessment:
    if ctx.req.channel == "post":
        raise NotCovered("MX postal import regime", destination="MX", on=ctx.on)
    cvs = customs_values(ctx)
    value = sum(cvs, ZERO)
    chosen = None
    for origin in sorted({ln.origin for ln in ctx.lines}):
        bands = ctx.tariff.bands(ctx.dest, "courier_global", ctx.on, origin)
        if not bands:
            raise NotCovered(
                f"MX courier global rate for goods of origin {origin}", destination="MX", on=ctx.on
            )
        band = next((b for b in bands if value <= ctx.convert(b.upper, b.currency)), None)
        if band is None:
            raise NotCovered(
                f"MX value above {fmt(bands[-1].upper)} {bands[-1].currency}: "
                "general import regime",
                destination="MX",
                on=ctx.on,
            )
        if chosen is not None and chosen.rate != band.rate:
            raise NotCovered(
                "MX courier consignment mixing origins with different rates",
                destination="MX",
                on=ctx.on,
            )
        chosen = band
    assert chosen is not None
    ctx.add_rule(band_rule(chosen))
    a = Assessment(ctx.round(value), "CIF", "mx_courier_global_rate", "border")
    a.duties = [
        DutyLine(
            "mx_courier_global_rate",
            ctx.round(value),
            rate_text(chosen.rate),
            ctx.round(value * chosen.rate),
        )
    ]
    return a
