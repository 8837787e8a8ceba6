"""European Union: the €150 intrinsic-value test, IOSS, and the flat duty from 2026-07-01.

At or under €150 (intrinsic value, consignment, excise goods excluded): no customs duty
before 2026-07-01 (low-value relief). Council Regulation (EU) 2026/382 deletes that relief
from 2026-07-01 and, until 2028-07-01, charges a flat duty per distinct HS6 subheading on
consignments whose import VAT is exempt under IOSS (Directive 2006/112/EC Art. 143(1)(ca))
or that are postal consignments; any other consignment pays the TARIC duty. (A wider scope
reported for later Commission texts is not modelled: see the flat duty's source.) VAT at
checkout when the seller uses IOSS, otherwise import VAT at the border. Above €150: TARIC
duty on the CIF value and import VAT at the border. VAT base = customs value + duty
(including the flat duty).
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import NotCovered
from ..model import FlatDuty
from ..money import ZERO, fmt
from ..result import DutyLine
from .common import Assessment, Ctx
from .duties import line_duties
from .taxes import taxes_on
from .values import add, allocate, assessment, customs_values

REGIME = "eu"


def _flat_text(flat: FlatDuty, n: int) -> tuple[str, str]:
    return (
        f"flat:{flat.id}",
        f"flat duty {fmt(flat.amount)} {flat.currency} per "
        f"distinct HS6 subheading ({n} in this parcel)",
    )


def flat_duty(ctx: Ctx, flat: FlatDuty) -> DutyLine:
    """The flat duty on the parcel: the amount per distinct HS6 subheading × their count."""
    n = len({ln.hs_code[:6] for ln in ctx.lines})
    amount = ctx.round(ctx.convert(flat.amount, flat.currency) * n)
    ctx.note(flat, _flat_text, n)
    rate = f"{fmt(flat.amount)} {flat.currency}/{flat.per}"
    return DutyLine("eu_flat_duty_per_hs6", Decimal(n), rate, amount)


def flat_duty_scope(ctx: Ctx, flat: FlatDuty | None) -> FlatDuty | None:
    """The flat duty when the consignment is in its scope: IOSS or a postal consignment."""
    if flat is None or ctx.req.seller_collects_vat or ctx.req.channel == "post":
        return flat
    if ctx.req.channel is None:
        raise NotCovered(
            "EU flat duty: the channel (post or express) decides whether a consignment "
            "without IOSS is in its scope",
            destination=ctx.dest,
            on=ctx.on,
        )
    return None


def assess(ctx: Ctx) -> Assessment:
    cvs = customs_values(ctx)
    low = ctx.within(ctx.threshold("eu_low_value"))
    flat = flat_duty_scope(ctx, ctx.scope.flat_duty("eu_flat_duty")) if low else None
    relief = ctx.threshold("eu_duty_relief") if low and flat is None else None
    a = assessment(ctx, cvs, "eu_import")
    if flat is not None:
        a.duties = [flat_duty(ctx, flat)]
        per_line = allocate(ctx, a.duties[0].amount)
        a.regime = "eu_low_value_flat_duty"
    elif relief is not None and ctx.within(relief):
        per_line = [ZERO] * len(cvs)
        a.regime = "eu_low_value_relief"
    else:
        a.duties, per_line = line_duties(ctx, cvs)
    if low and ctx.req.seller_collects_vat:
        a.collected_at = "checkout"
        a.regime += "_ioss"
    a.taxes = taxes_on(ctx, "vat", add(cvs, per_line))
    return a
