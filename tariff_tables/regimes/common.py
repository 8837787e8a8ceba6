"""Shared arithmetic of the regimes: the assessment context, customs value, duties, taxes.

Every regime is a function `assess(ctx) -> Assessment`. The helpers here keep the common
steps (allocating transport costs to lines, resolving measures by longest HS prefix,
stacking taxes on value + duty) in one place, so a regime module reads like its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InvalidRequest, NotCovered
from ..expressions import Quantities, evaluate
from ..model import TaxRate, Threshold
from ..money import ZERO
from ..request import QuoteLine, QuoteRequest
from ..result import DutyLine, FeeLine, Rule, TaxLine
from .scope import DutyPlan, RuleText, Scope, fx_text, rate_text, rule_for

__all__ = ["fx_text", "rate_text", "rule_for"]  # re-exported for the regime modules


@dataclass(slots=True)
class Assessment:
    """What a regime returns, in the computation currency of the context."""

    customs_value: Decimal
    valuation: str
    regime: str
    collected_at: str
    duties: list[DutyLine] = field(default_factory=list)
    taxes: list[TaxLine] = field(default_factory=list)
    fees: list[FeeLine] = field(default_factory=list)


class LineView:
    """A request line with its value in the computation currency."""

    __slots__ = ("line", "hs", "origin", "value", "unit_value", "quantity", "unit", "kg")

    def __init__(self, line: QuoteLine, fx_in: Decimal | None):
        self.line = line
        self.hs = line.hs_code
        self.origin = line.origin_country
        self.quantity = line.quantity
        self.unit = line.unit
        self.kg = line.net_weight_kg
        uv = line.unit_value if fx_in is None else line.unit_value * fx_in
        self.unit_value = uv
        self.value = line.quantity * uv

    def quantities(self) -> Quantities:
        items = self.quantity if self.unit in ("piece", "set", "pair") else None
        litres = (
            self.quantity
            if self.unit == "l"
            else self.quantity / 1000
            if self.unit == "ml"
            else None
        )
        return Quantities(self.kg, items, litres)


class Ctx:
    """Everything a regime needs for one quote: the order's lines and values, plus the
    shared `Scope` that answers the table questions (and owns the rule texts)."""

    __slots__ = (
        "req",
        "scope",
        "on",
        "tariff",
        "profile",
        "dest",
        "cur",
        "lines",
        "freight",
        "insurance",
        "_rules",
        "_origins",
        "quantum",
        "goods",
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
        self.on = scope.on
        self.tariff = scope.tariff
        self.profile = scope.profile
        self.dest = scope.dest
        self.cur = scope.cur
        self.quantum = scope.quantum
        lines = []
        goods = ZERO
        for line in req.lines:
            view = LineView(line, fx_in)
            lines.append(view)
            goods += view.value
        self.lines = lines
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

    # -- bookkeeping -----------------------------------------------------------------------

    @property
    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def add_rule(self, rule: Rule) -> None:
        self._rules.setdefault(id(rule), rule)

    def note(self, row: Any, build: RuleText, key: object = None) -> None:
        """Record that the quote applied `row` (text built lazily, once per process)."""
        rule = rule_for(row, build, key)
        self._rules.setdefault(id(rule), rule)

    def round(self, amount: Decimal) -> Decimal:
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
        goods = self.goods
        if base in ("intrinsic", "fob"):
            return goods
        if base == "goods_and_shipping":
            return goods + self.freight
        return goods + self.freight + self.insurance  # cif

    def weight(self) -> Decimal:
        w = self.req.weight_kg
        if w is None:
            raise InvalidRequest(
                "gross_weight_kg (or every line's net_weight_kg) is needed "
                f"for destination {self.dest}"
            )
        return w

    # -- thresholds ------------------------------------------------------------------------

    def threshold(self, ident: str) -> Threshold | None:
        """The strictest threshold `ident` over the dispatch country and every goods origin
        (see `Scope.threshold`)."""
        origins = self._origins
        if origins is None:
            origins = self._origins = (
                self.req.origin_country,
                *[ln.origin for ln in self.lines],
            )
        return self.scope.threshold(ident, origins)

    def within(self, th: Threshold | None, value: Decimal | None = None) -> bool:
        """True when the order is at or under the threshold and nothing excludes it.

        `value` overrides the value computed from the threshold's base (Japan compares the
        taxable value after its personal-use reduction).
        """
        if th is None:
            return False
        rules = self._rules
        if th.amount is None:
            rule = self.scope.suspended_rule(th)
            rules.setdefault(id(rule), rule)
            return False
        if th.excludes:
            for ln in self.lines:
                rule = self.scope.excluded(th, ln.hs)
                if rule is not None:
                    rules.setdefault(id(rule), rule)
                    return False
        plan = self.scope.within_plan(th)
        if plan.fx_rule is not None:
            rules.setdefault(id(plan.fx_rule), plan.fx_rule)
        ok = (self.value_for(th.base) if value is None else value) <= plan.limit
        rule = plan.ok_rule if ok else plan.over_rule
        rules.setdefault(id(rule), rule)
        return ok

    def param(self, name: str) -> Decimal:
        value, rule = self.scope.param(name)
        self._rules.setdefault(id(rule), rule)
        return value


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
    return [ln.value + s for ln, s in zip(lines, shares, strict=True)]


def _missing(ctx: Ctx, ln: LineView):
    def missing(unit: str) -> None:
        raise InvalidRequest(
            f"line {ln.line.sku}: a specific duty on HS {ln.hs} for "
            f"{ctx.dest} needs the quantity in {unit}"
        )

    return missing


def measure_duty(ctx: Ctx, plan: DutyPlan, ln: LineView, base: Decimal) -> DutyLine:
    """Evaluate one measure on one line, rounded to the computation currency."""
    m, label, rate, text, rule = plan
    q = ctx.quantum
    if rate is not None:
        amount = (base * rate).quantize(q, ROUND_HALF_UP)
    else:
        expr = m.expression
        assert expr is not None
        amount = ctx.round(evaluate(expr, base, ln.quantities(), ctx.convert, _missing(ctx, ln)))
    ctx._rules.setdefault(id(rule), rule)
    return DutyLine(label, base.quantize(q, ROUND_HALF_UP), text, amount)


def line_duties(
    ctx: Ctx, cvs: list[Decimal], *, additional: bool = True
) -> tuple[list[DutyLine], list[Decimal]]:
    """MFN (+ origin-specific additional) duties per line; returns lines and per-line sums."""
    out: list[DutyLine] = []
    per_line: list[Decimal] = []
    for ln, cv in zip(ctx.lines, cvs, strict=True):
        mfn, extra = ctx.scope.duty_plans(ln.hs, ln.origin)
        d = measure_duty(ctx, mfn, ln, cv)
        out.append(d)
        total = d.amount
        if additional:
            for m in extra:
                e = measure_duty(ctx, m, ln, cv)
                out.append(e)
                total += e.amount
        per_line.append(total)
    return out, per_line


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


def tax_row(ctx: Ctx, kind: str, ln: LineView, *, required: bool) -> TaxRate | None:
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


def taxes_on(
    ctx: Ctx,
    kind: str,
    bases: list[Decimal],
    *,
    per_line: bool = False,
    factor: Decimal | None = None,
) -> list[TaxLine]:
    """`kind` tax on per-line bases, grouped by rate (declaration level) unless `per_line`.

    `factor` scales the statutory rate (China CBEC charges 70 % of it).
    """
    q = ctx.quantum
    groups: dict[Decimal, Decimal] = {}
    out: list[TaxLine] = []
    for ln, base in zip(ctx.lines, bases, strict=True):
        row = tax_row(ctx, kind, ln, required=True)
        rate = row.rate if factor is None else row.rate * factor  # type: ignore[operator]
        if per_line:
            out.append(
                TaxLine(
                    kind,
                    base.quantize(q, ROUND_HALF_UP),
                    rate_text(rate),  # type: ignore[arg-type]
                    (base * rate).quantize(q, ROUND_HALF_UP),  # type: ignore[operator]
                )
            )
        else:
            groups[rate] = groups.get(rate, ZERO) + base  # type: ignore[index]
    for rate, base in groups.items():
        out.append(
            TaxLine(
                kind,
                base.quantize(q, ROUND_HALF_UP),
                rate_text(rate),
                (base * rate).quantize(q, ROUND_HALF_UP),
            )
        )
    return out


def tax_kinds(ctx: Ctx) -> tuple[str, ...]:
    """The value-added style taxes a destination levies (vat, gst or sales_tax)."""
    return ctx.tariff.tax_kinds(ctx.dest)


def add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    return [x + y for x, y in zip(a, b, strict=True)]
