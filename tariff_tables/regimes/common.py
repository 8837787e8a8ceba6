"""Shared steps of the regimes: the assessment context, customs values, duties, taxes.

Every regime is a function `assess(ctx) -> Assessment`. The steps here (allocating
transport costs to lines, duties by longest HS prefix, taxes grouped by rate on value +
duty, value bands) live in one place, so a regime module reads like its rule. Table
questions go to the shared `Scope`, which answers each once per destination and date.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InvalidRequest, NotCovered
from ..expressions import Quantities, evaluate
from ..model import Band, TaxRate, Threshold
from ..money import ZERO
from ..request import QuoteLine, QuoteRequest
from ..result import DutyLine, FeeLine, Rule, TaxLine
from ..tariff import Tariff
from .scope import DutyPlan, RuleText, Scope, rate_text, rule_for

__all__ = ["rate_text"]  # re-exported for the regime modules


@dataclass(slots=True)
class Assessment:
    """What a regime returns, in the computation currency of the context."""

    customs_value: Decimal
    valuation: str
    regime: str
    collected_at: str
    duties: list[DutyLine] = field(default_factory=list)
    taxes: list[TaxLine] = field(default_factory=list)
    fees: tuple[FeeLine, ...] = ()  # no regime charges fees yet


class LineView:
    """A request line with its value in the computation currency."""

    __slots__ = ("line", "hs", "origin", "unit_value", "value")

    def __init__(self, line: QuoteLine, fx_in: Decimal | None):
        self.line = line
        self.hs = line.hs_code
        self.origin = line.origin_country
        uv = line.unit_value if fx_in is None else line.unit_value * fx_in
        self.unit_value = uv
        self.value = line.quantity * uv

    @property
    def quantity(self) -> Decimal:
        return self.line.quantity

    @property
    def unit(self) -> str:
        return self.line.unit

    def quantities(self) -> Quantities:
        """What a specific duty can be charged on: net kg, items, litres."""
        qty, unit = self.line.quantity, self.line.unit
        items = qty if unit in ("piece", "set", "pair") else None
        litres = qty if unit == "l" else qty / 1000 if unit == "ml" else None
        return Quantities(self.line.net_weight_kg, items, litres)


class Ctx:
    """Everything a regime needs for one quote: the order's lines and values, plus the
    shared `Scope` that answers the table questions (and owns the rule texts)."""

    __slots__ = (
        "req",
        "scope",
        "profile",
        "cur",
        "quantum",
        "lines",
        "goods",
        "freight",
        "insurance",
        "_rules",
        "_origins",
        "_hs_codes",
    )

    def __init__(
        self,
        req: QuoteRequest,
        scope: Scope,
        fx_in: Decimal | None,
        lead: dict[int, Rule] | None = None,
    ):
        self.req = req
        self.scope = scope
        self.profile = scope.profile
        self.cur = scope.cur
        self.quantum = scope.quantum
        self.lines = lines = [LineView(line, fx_in) for line in req.lines]
        goods = ZERO
        for ln in lines:
            goods += ln.value
        self.goods = goods  # intrinsic value, in the computation currency
        if fx_in is None:
            self.freight = req.shipping_cost
            self.insurance = req.insurance_cost
        else:
            self.freight = req.shipping_cost * fx_in
            self.insurance = req.insurance_cost * fx_in
        # id → Rule, in order of first use (dicts keep insertion order): the quote's rules.
        self._rules: dict[int, Rule] = dict(lead) if lead else {}
        self._origins: tuple[str, ...] | None = None
        self._hs_codes: tuple[str, ...] | None = None

    @property
    def on(self) -> date:
        return self.scope.on

    @property
    def dest(self) -> str:
        return self.scope.dest

    @property
    def tariff(self) -> Tariff:
        return self.scope.tariff

    # -- bookkeeping -----------------------------------------------------------------------

    def add_rule(self, rule: Rule) -> None:
        self._rules.setdefault(id(rule), rule)

    def note(self, row: Any, build: RuleText, key: object = None) -> None:
        """Record that the quote applied `row` (text built lazily, once per process)."""
        rule = rule_for(row, build, key)
        self._rules.setdefault(id(rule), rule)

    def round(self, amount: Decimal) -> Decimal:
        """Half-up to the minor unit of the computation currency."""
        return amount.quantize(self.quantum, ROUND_HALF_UP)

    # -- values ----------------------------------------------------------------------------

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        """`amount` in `currency` → computation currency at the dated official rate."""
        if currency == self.cur:
            return amount
        rate, rule = self.scope.fx_to_cur(currency)
        if rule is not None:
            self._rules.setdefault(id(rule), rule)
        return amount * rate

    def value_for(self, base: str) -> Decimal:
        """The value a threshold is compared with."""
        if base in ("intrinsic", "fob"):
            return self.goods
        if base == "goods_and_shipping":
            return self.goods + self.freight
        return self.goods + self.freight + self.insurance  # cif

    def weight(self) -> Decimal:
        w = self.req.weight_kg
        if w is None:
            raise InvalidRequest(
                "gross_weight_kg (or every line's net_weight_kg) is needed "
                f"for destination {self.dest}"
            )
        return w

    def param(self, name: str) -> Decimal:
        value, rule = self.scope.param(name)
        self._rules.setdefault(id(rule), rule)
        return value

    # -- thresholds ------------------------------------------------------------------------

    def threshold(self, ident: str) -> Threshold | None:
        """The strictest threshold `ident` over the dispatch country and every goods origin
        (see `Scope.threshold`)."""
        origins = self._origins
        if origins is None:
            origins = self._origins = (self.req.origin_country, *[ln.origin for ln in self.lines])
        return self.scope.threshold(ident, origins)

    def within(self, th: Threshold | None, value: Decimal | None = None) -> bool:
        """True when the order is at or under the threshold and nothing excludes it.

        `value` overrides the value computed from the threshold's base (Japan compares the
        taxable value after its personal-use reduction).
        """
        if th is None:
            return False
        hs_codes = self._hs_codes
        if hs_codes is None and th.excludes:  # only exclusions depend on the HS codes
            hs_codes = self._hs_codes = tuple([ln.hs for ln in self.lines])
        plan = self.scope.within_plan(th, hs_codes if th.excludes else ())
        rules = self._rules
        if plan.refused is not None:
            rules.setdefault(id(plan.refused), plan.refused)
            return False
        if plan.fx_rule is not None:
            rules.setdefault(id(plan.fx_rule), plan.fx_rule)
        ok = (self.value_for(th.base) if value is None else value) <= plan.limit
        rule = plan.ok_rule if ok else plan.over_rule
        rules.setdefault(id(rule), rule)
        return ok


# -- values ----------------------------------------------------------------------------


def assessment(
    ctx: Ctx, cvs: list[Decimal], regime: str, valuation: str = "CIF", collected_at="border"
) -> Assessment:
    """An assessment of customs value Σ `cvs` (rounded), with no duty or tax yet."""
    cv = sum(cvs, ZERO).quantize(ctx.quantum, ROUND_HALF_UP)
    return Assessment(cv, valuation, regime, collected_at)


def allocate(ctx: Ctx, extra: Decimal) -> list[Decimal]:
    """Split `extra` (freight + insurance) over the lines in proportion to their value."""
    lines = ctx.lines
    n = len(lines)
    if n == 1:
        return [extra]
    if not extra:
        return [ZERO] * n
    goods = ctx.goods
    if goods == 0:
        return [extra / n] * n
    return [extra * ln.value / goods for ln in lines]


def customs_values(ctx: Ctx, valuation: str | None = None) -> list[Decimal]:
    """Per-line customs value: goods + allocated freight and insurance for CIF, goods for FOB."""
    lines = ctx.lines
    if (valuation or ctx.profile.valuation) == "FOB":
        return [ln.value for ln in lines]
    extra = ctx.freight + ctx.insurance
    if len(lines) == 1:  # the common single-line parcel: the whole of `extra` (allocate)
        return [lines[0].value + extra]
    shares = allocate(ctx, extra)
    return [ln.value + shares[i] for i, ln in enumerate(lines)]


def add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    """Line by line sums (of per-line lists, equally long by construction)."""
    return list(map(operator.add, a, b))


# -- duties ----------------------------------------------------------------------------


def _missing(ctx: Ctx, ln: LineView) -> Callable[[str], None]:
    def missing(unit: str) -> None:
        raise InvalidRequest(
            f"line {ln.line.sku}: a specific duty on HS {ln.hs} for "
            f"{ctx.dest} needs the quantity in {unit}"
        )

    return missing


def measure_duty(
    ctx: Ctx,
    plan: DutyPlan,
    ln: LineView,
    base: Decimal,
    rounding: Callable[[Decimal], Decimal] | None = None,
) -> DutyLine:
    """One measure on one line; the amount rounded half-up to the computation currency
    unless the regime has its own `rounding` (Japan truncates)."""
    m, label, rate, text, rule = plan
    if rate is not None:
        raw = base * rate
    else:
        expr = m.expression
        assert expr is not None
        raw = evaluate(expr, base, ln.quantities(), ctx.convert, _missing(ctx, ln))
    q = ctx.quantum
    amount = raw.quantize(q, ROUND_HALF_UP) if rounding is None else rounding(raw)
    ctx._rules.setdefault(id(rule), rule)
    return DutyLine(label, base.quantize(q, ROUND_HALF_UP), text, amount)


def line_duties(
    ctx: Ctx,
    bases: list[Decimal],
    rounding: Callable[[Decimal], Decimal] | None = None,
) -> tuple[list[DutyLine], list[Decimal]]:
    """MFN + origin-specific additional duties per line; returns lines and per-line sums."""
    out: list[DutyLine] = []
    per_line: list[Decimal] = []
    duty_plans = ctx.scope.duty_plans
    for i, ln in enumerate(ctx.lines):
        base = bases[i]
        mfn, extra = duty_plans(ln.hs, ln.origin)
        d = measure_duty(ctx, mfn, ln, base, rounding)
        out.append(d)
        total = d.amount
        for m in extra:
            e = measure_duty(ctx, m, ln, base, rounding)
            out.append(e)
            total += e.amount
        per_line.append(total)
    return out, per_line


# -- taxes -----------------------------------------------------------------------------


def _condition_holds(ctx: Ctx, row: TaxRate, ln: LineView) -> bool:
    cond = row.condition
    if cond is None:
        return True
    unit_value = ln.unit_value
    if cond.currency != ctx.cur:
        unit_value = unit_value / ctx.convert(Decimal(1), cond.currency)
    for unit, floor in cond.per_unit:
        if ln.unit == unit and unit_value >= floor:
            return True
    return False


def tax_row(ctx: Ctx, kind: str, ln: LineView, required: bool = True) -> TaxRate | None:
    """The tax row for one line: most specific prefix whose condition holds.

    `required` taxes (VAT/GST) raise NotCovered when absent; optional ones (consumption
    tax) simply do not apply. A gap row (rate None) always raises.
    """
    for row, rule in ctx.scope.tax_rows(kind, ln.hs):
        if row.condition is None or _condition_holds(ctx, row, ln):
            if rule is None:
                raise NotCovered(
                    f"{kind} rate not tabulated ({row.note})",
                    destination=ctx.dest,
                    hs_code=ln.hs,
                    on=ctx.on,
                )
            ctx._rules.setdefault(id(rule), rule)
            return row
    if required:
        raise NotCovered(
            f"no {kind} rate tabulated", destination=ctx.dest, hs_code=ln.hs, on=ctx.on
        )
    return None


def tax_line(ctx: Ctx, kind: str, base: Decimal, rate: Decimal, text: str | None = None) -> TaxLine:
    """`kind` at `rate` on `base`, base and amount rounded half-up to the minor unit."""
    q = ctx.quantum
    return TaxLine(
        kind,
        base.quantize(q, ROUND_HALF_UP),
        rate_text(rate) if text is None else text,
        (base * rate).quantize(q, ROUND_HALF_UP),
    )


def taxes_on(ctx: Ctx, kind: str, bases: list[Decimal]) -> list[TaxLine]:
    """`kind` tax on per-line bases, grouped by rate (assessed at declaration level)."""
    groups: dict[Decimal, Decimal] = {}
    for i, ln in enumerate(ctx.lines):
        rate: Decimal = tax_row(ctx, kind, ln).rate  # type: ignore[union-attr,assignment]
        groups[rate] = groups.get(rate, ZERO) + bases[i]
    return [tax_line(ctx, kind, base, rate) for rate, base in groups.items()]


def tax_kinds(ctx: Ctx) -> tuple[str, ...]:
    """The value-added style taxes a destination levies (vat, gst or sales_tax)."""
    return ctx.scope.tax_kinds()


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


# -- consignment value bands -------------------------------------------------------------


def band_for(ctx: Ctx, bands: tuple[Band, ...], value: Decimal) -> Band | None:
    """The first (lowest) band whose upper bound, in the computation currency, is at or
    above `value`; None when the value is above them all."""
    return next((b for b in bands if value <= ctx.convert(b.upper, b.currency)), None)
