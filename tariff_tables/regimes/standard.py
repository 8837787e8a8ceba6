"""The plain import regime: duty on the customs value, value-added tax on value + duty.

Used where the only special rule is a de minimis: `duty_de_minimis` waives duty and
`tax_de_minimis` waives the tax when the order is at or under them (US, CA, KR, SA, AE, TH,
TR). Either may be absent (no de minimis) or suspended for some origins (US for goods of
China and Hong Kong from 2025-05-02).
"""

from __future__ import annotations

from ..money import ZERO
from .common import Assessment, Ctx
from .duties import line_duties
from .taxes import taxes_on
from .values import add, assessment, customs_values

REGIME = "standard"


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    duty_free = ctx.within(ctx.threshold("duty_de_minimis"))
    tax_free = ctx.within(ctx.threshold("tax_de_minimis"))
    outcome = "de_minimis" if duty_free and tax_free else "import"
    a = assessment(ctx, cvs, f"{ctx.dest.lower()}_{outcome}", ctx.profile.valuation)
    per_line = [ZERO] * len(cvs)
    if not duty_free:
        a.duties, per_line = line_duties(ctx, cvs)
    if not tax_free:
        bases = add(cvs, per_line)
        a.taxes = [line for kind in ctx.scope.tax_kinds() for line in taxes_on(ctx, kind, bases)]
    return a
