"""Shared arithmetic of the regimes: the assessment context, customs value, duties, taxes.

Every regime is a function `assess(ctx) -> Assessment`. The helpers here keep the common
steps (allocating transport costs to lines, resolving measures by longest HS prefix,
stacking taxes on value + duty) in one place, so a regime module reads like its rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InvalidRequest, NotCovered
from ..expressions import Quantities, evaluate
from ..model import DutyMeasure, Profile, TaxRate, Threshold
from ..money import ZERO, exponent, fmt
from ..request import QuoteLine, QuoteRequest
from ..result import DutyLine, FeeLine, Rule, TaxLine
from ..tariff import Tariff


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


_RULES: dict[tuple[int, object], tuple[object, Rule]] = {}
RuleText = Callable[[Any], tuple[str, str]]


def rule_for(row: Any, build: RuleText, key: object = None) -> Rule:
    """The Rule for a table row as stated at one call site, built once and shared.

    Quotes in a batch apply the same rows again and again; formatting their text every time
    would cost more than the arithmetic. `build` is only called on the first use; the cache
    key is the row, the call site (the lambda's code) and an optional extra `key` for texts
    that depend on more than the row.
    """
    k = (id(row), build.__code__, key)
    hit = _RULES.get(k)
    if hit is None or hit[0] is not row:
        ident, text = build(row)
        hit = _RULES[k] = (row, Rule(ident, text, row.source))
    return hit[1]


def fx_text(r: Any) -> tuple[str, str]:
    """Rule text for an FX row (one function, so every use shares one cached Rule)."""
    return f"fx:{r.base}{r.quote}:{r.valid_from}", f"FX {r.base}/{r.quote} {r.rate} ({r.period})"


class Ctx:
    """Everything a regime needs for one quote."""

    __slots__ = (
        "req",
        "on",
        "tariff",
        "profile",
        "dest",
        "cur",
        "lines",
        "freight",
        "insurance",
        "rules",
        "_seen",
        "quantum",
        "goods",
    )

    def __init__(
        self,
        req: QuoteRequest,
        on: date,
        tariff: Tariff,
        profile: Profile,
        cur: str,
        fx_in: Decimal | None,
    ):
        self.req = req
        self.on = on
        self.tariff = tariff
        self.profile = profile
        self.dest = req.destination_country
        self.cur = cur
        self.quantum = exponent(cur)
        self.lines = [LineView(ln, fx_in) for ln in req.lines]
        goods = ZERO
        for ln in self.lines:
            goods += ln.value
        self.goods = goods  # intrinsic value, in the computation currency
        if fx_in is None:
            self.freight = req.shipping_cost
            self.insurance = req.insurance_cost
        else:
            self.freight = req.shipping_cost * fx_in
            self.insurance = req.insurance_cost * fx_in
        self.rules: list[Rule] = []
        self._seen: set[int] = set()

    # -- bookkeeping -----------------------------------------------------------------------

    def add_rule(self, rule: Rule) -> None:
        rid = id(rule)
        if rid not in self._seen:
            self._seen.add(rid)
            self.rules.append(rule)

    def note(self, row: Any, build: RuleText, key: object = None) -> None:
        """Record that the quote applied `row` (text built lazily, once per process)."""
        hit = _RULES.get((id(row), build.__code__, key))
        rule = hit[1] if hit is not None and hit[0] is row else rule_for(row, build, key)
        rid = id(rule)
        if rid not in self._seen:
            self._seen.add(rid)
            self.rules.append(rule)

    def round(self, amount: Decimal) -> Decimal:
        return amount.quantize(self.quantum, ROUND_HALF_UP)

    # -- values ----------------------------------------------------------------------------

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        """`amount` in `currency` → computation currency at the dated official rate."""
        if currency == self.cur:
            return amount
        rate, row = self.tariff.fx(currency, self.cur, self.on)
        if row is not None:
            self.note(row, fx_text)
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
        """The strictest threshold `ident` over the dispatch country and every goods origin.

        Preferential thresholds (e.g. a higher one for goods from a free-trade partner)
        only help when every origin involved qualifies; a suspension for any origin wins.
        """
        origins = {self.req.origin_country, *(ln.origin for ln in self.lines)}
        best: Threshold | None = None
        for o in origins:
            th = self.tariff.threshold(self.dest, ident, self.on, o, self.req.channel)
            if th is None:
                return None
            if th.amount is None:
                return th
            if best is None or (best.amount is not None and th.amount < best.amount):
                best = th
        return best

    def within(self, th: Threshold | None, value: Decimal | None = None) -> bool:
        """True when the order is at or under the threshold and nothing excludes it.

        `value` overrides the value computed from the threshold's base (Japan compares the
        taxable value after its personal-use reduction).
        """
        if th is None:
            return False
        if th.amount is None:
            self.note(
                th,
                lambda _r: (
                    f"threshold:{th.id}:suspended",
                    f"{th.id}: suspended for origins {sorted(th.origins or [])}",
                ),
            )
            return False
        for ln in self.lines:
            for prefix in th.excludes:
                if ln.hs.startswith(prefix):
                    self.note(
                        th,
                        lambda r, p=prefix: (
                            f"threshold:{r.id}:excluded",
                            f"{r.id}: HS {p} excluded from the threshold",
                        ),
                        prefix,
                    )
                    return False
        limit = self.convert(th.amount, th.currency)
        ok = (self.value_for(th.base) if value is None else value) <= limit
        self.note(
            th,
            lambda _r: (
                f"threshold:{th.id}",
                f"{th.id}: {th.base} value {'at or under' if ok else 'over'} "
                f"{fmt(th.amount)} {th.currency} per {th.scope}",  # type: ignore[arg-type]
            ),
            ok,
        )
        return ok

    def param(self, name: str) -> Decimal:
        p = self.tariff.parameter(self.dest, name, self.on)
        self.note(
            p,
            lambda _r: (
                f"param:{name}",
                f"{name} = {fmt(p.value)}{' ' + p.unit if p.unit else ''}",
            ),
        )
        return p.value


def allocate(ctx: Ctx, extra: Decimal) -> list[Decimal]:
    """Split `extra` (freight + insurance) over the lines in proportion to their value."""
    n = len(ctx.lines)
    if n == 1:
        return [extra]
    if not extra:
        return [ZERO] * n
    goods = ctx.goods
    if goods == 0:
        return [extra / n] * n
    return [extra * ln.value / goods for ln in ctx.lines]


def customs_values(ctx: Ctx, valuation: str | None = None) -> list[Decimal]:
    """Per-line customs value: goods + allocated freight and insurance for CIF, goods for FOB."""
    if (valuation or ctx.profile.valuation) == "FOB":
        return [ln.value for ln in ctx.lines]
    shares = allocate(ctx, ctx.freight + ctx.insurance)
    return [ln.value + s for ln, s in zip(ctx.lines, shares, strict=True)]


_RATE_TEXT: dict[Decimal, str] = {}


def rate_text(rate: Decimal) -> str:
    """A rate as a plain decimal string ("0.091"), memoised: the same few rates recur."""
    text = _RATE_TEXT.get(rate)
    if text is None:
        text = _RATE_TEXT[rate] = fmt(rate.normalize()) if rate else "0"
    return text


def _missing(ctx: Ctx, ln: LineView):
    def missing(unit: str) -> None:
        raise InvalidRequest(
            f"line {ln.line.sku}: a specific duty on HS {ln.hs} for "
            f"{ctx.dest} needs the quantity in {unit}"
        )

    return missing


def _duty_rule(m: DutyMeasure) -> Rule:
    return rule_for(
        m,
        lambda r: (
            f"duty:{r.destination}:{r.measure}:{r.hs or '*'}:{r.valid_from}",
            f"{r.measure} {r.expression.text} on HS {r.hs or 'all goods'}",
        ),
    )


# (id(measure), hs) → (measure, label, ad valorem rate or None, rate text, rule): the parts
# of a duty line that do not depend on the order, worked out once per measure and code.
_DUTY_PLANS: dict[tuple[int, str], tuple[DutyMeasure, str, Decimal | None, str, Rule]] = {}


def _duty_plan(m: DutyMeasure, hs: str) -> tuple[DutyMeasure, str, Decimal | None, str, Rule]:
    plan = _DUTY_PLANS.get((id(m), hs))
    if plan is None or plan[0] is not m:
        expr = m.expression
        assert expr is not None
        rate = expr.simple_ad_valorem
        text = rate_text(rate) if rate is not None else expr.text
        plan = _DUTY_PLANS[(id(m), hs)] = (m, f"{m.measure}:{hs}", rate, text, _duty_rule(m))
    return plan


def measure_duty(ctx: Ctx, m: DutyMeasure, ln: LineView, base: Decimal) -> DutyLine:
    """Evaluate one measure on one line, rounded to the computation currency."""
    _m, label, rate, text, rule = _duty_plan(m, ln.hs)
    if rate is not None:
        amount = (base * rate).quantize(ctx.quantum, ROUND_HALF_UP)
    else:
        expr = m.expression
        assert expr is not None
        amount = ctx.round(evaluate(expr, base, ln.quantities(), ctx.convert, _missing(ctx, ln)))
    ctx.add_rule(rule)
    return DutyLine(label, base.quantize(ctx.quantum, ROUND_HALF_UP), text, amount)


def line_duties(
    ctx: Ctx, cvs: list[Decimal], *, additional: bool = True
) -> tuple[list[DutyLine], list[Decimal]]:
    """MFN (+ origin-specific additional) duties per line; returns lines and per-line sums."""
    out: list[DutyLine] = []
    per_line: list[Decimal] = []
    for ln, cv in zip(ctx.lines, cvs, strict=True):
        mfn, extra = ctx.tariff.duties(ctx.dest, ln.hs, ln.origin, ctx.on)
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
    for row in ctx.tariff.tax_candidates(ctx.dest, kind, ln.hs, ctx.on, ctx.req.destination_region):
        if _condition_holds(ctx, row, ln):
            if row.rate is None:
                raise NotCovered(
                    f"{kind} rate not tabulated ({row.note})",
                    destination=ctx.dest,
                    hs_code=ln.hs,
                    on=ctx.on,
                )
            ctx.note(
                row,
                lambda r: (
                    f"tax:{r.destination}:{r.kind}:{r.name}:{r.hs or '*'}:"
                    f"{r.region or '*'}:{r.valid_from}",
                    f"{r.kind} {r.name} {rate_text(r.rate * 100)}% on HS {r.hs or 'all goods'}",
                ),
            )
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
    groups: dict[Decimal, Decimal] = {}
    out: list[TaxLine] = []
    for ln, base in zip(ctx.lines, bases, strict=True):
        row = tax_row(ctx, kind, ln, required=True)
        rate = row.rate if factor is None else row.rate * factor  # type: ignore[operator]
        if per_line:
            out.append(TaxLine(kind, ctx.round(base), rate_text(rate), ctx.round(base * rate)))
        else:
            groups[rate] = groups.get(rate, ZERO) + base
    for rate, base in groups.items():
        out.append(TaxLine(kind, ctx.round(base), rate_text(rate), ctx.round(base * rate)))
    return out


def tax_kinds(ctx: Ctx) -> tuple[str, ...]:
    """The value-added style taxes a destination levies (vat, gst or sales_tax)."""
    return ctx.tariff.tax_kinds(ctx.dest)


def add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    return [x + y for x, y in zip(a, b, strict=True)]
