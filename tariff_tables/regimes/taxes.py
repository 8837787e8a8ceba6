"""Taxes: the row for each line (most specific prefix whose condition holds), tax lines
grouped by rate, and the ordinary import's tax on value + duty."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..errors import NotCovered
from ..model import TaxRate
from ..money import ZERO
from ..request import QuoteLine
from ..result import TaxLine
from .common import Assessment, Ctx
from .duties import line_duties
from .scope import rate_text
from .values import add


def _condition_holds(ctx: Ctx, row: TaxRate, ln: QuoteLine) -> bool:
    cond = row.condition
    if cond is None:
        return True
    unit_value = ctx.unit_value(ln)
    if cond.currency != ctx.cur:
        unit_value = unit_value / ctx.convert(Decimal(1), cond.currency)
    for unit, floor in cond.per_unit:
        if ln.unit == unit and unit_value >= floor:
            return True
    return False


def tax_row(ctx: Ctx, kind: str, ln: QuoteLine, required: bool = True) -> TaxRate | None:
    """The tax row for one line: most specific prefix whose condition holds.

    `required` taxes (VAT/GST) raise NotCovered when absent; optional ones (consumption
    tax) simply do not apply. A gap row (rate None) always raises.
    """
    for row, rule in ctx.scope.tax_rows(kind, ln.hs_code):
        if row.condition is None or _condition_holds(ctx, row, ln):
            if rule is None:
                raise NotCovered(
                    f"{kind} rate not tabulated ({row.note})",
                    destination=ctx.dest,
                    hs_code=ln.hs_code,
                    on=ctx.on,
                )
            ctx._rules[id(rule)] = rule
            return row
    if required:
        raise NotCovered(
            f"no {kind} rate tabulated", destination=ctx.dest, hs_code=ln.hs_code, on=ctx.on
        )
    return None


def tax_line(ctx: Ctx, kind: str, base: Decimal, rate: Decimal) -> TaxLine:
    """`kind` at `rate` on `base`, base and amount rounded half-up to the minor unit."""
    q = ctx.quantum
    return TaxLine(
        kind,
        base.quantize(q, ROUND_HALF_UP),
        rate_text(rate),
        (base * rate).quantize(q, ROUND_HALF_UP),
    )


def taxes_on(ctx: Ctx, kind: str, bases: list[Decimal]) -> list[TaxLine]:
    """`kind` tax on per-line bases, grouped by rate (assessed at declaration level)."""
    groups: dict[Decimal, Decimal] = {}
    for i, ln in enumerate(ctx.lines):
        rate: Decimal = tax_row(ctx, kind, ln).rate  # type: ignore[union-attr,assignment]
        groups[rate] = groups.get(rate, ZERO) + bases[i]
    return [tax_line(ctx, kind, base, rate) for rate, base in groups.items()]


def duty_and_tax(
    ctx: Ctx,
    a: Assessment,
    cvs: list[Decimal],
    kind: str,
    transport: list[Decimal] | None = None,
) -> Assessment:
    """The ordinary import: duty per line on the customs values, then `kind` tax on each
    line's value + duty (+ its share of `transport` where that is taxed but not dutiable)."""
    a.duties, per_line = line_duties(ctx, cvs)
    bases = add(cvs, per_line)
    a.taxes = taxes_on(ctx, kind, bases if transport is None else add(bases, transport))
    return a
