"""Compiled per-order-shape plans: the fast path of the common import regimes.

Why: a quote through the generic regime code makes some 80 Python calls (thresholds,
`within`, `tax_row`, `taxes_on`, `line_duties`, a `LineView` per line, an `Assessment`)
around a few dozen Decimal operations, so the bookkeeping cost several times the arithmetic.
Yet everything except the arithmetic depends only on the order's *shape* — its HS codes,
goods origins, dispatch country and a few flags — and a batch has few shapes. A plan
resolves that part once per (route, shape): which threshold applies and what it excludes,
each line's duty measures and tax rows, their rules, how taxes group by rate. Running the
plan is then one tight function per regime that does only the per-order arithmetic.

Equivalence contract: a plan must give exactly the `Quote` the generic path gives — same
Decimal operations on the same operands in the same order (including additions of zero
and the order of sums, since Decimal addition is not associative), same rules in the same
order, same objects' values. Plans never raise: compiling raises `NoPlan` (or a
TariffError) whenever the shape needs something value-dependent or missing (a
conditional tax row, a specific duty, a gap, a missing rate), and such shapes take the
generic path, which raises exactly as before. `tests/unit/tariff/test_tariff_plan_
equivalence.py` checks the contract against digests recorded from the generic engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..errors import TariffError
from ..model import Threshold
from ..money import ZERO, exponent
from ..request import QuoteRequest
from ..result import DutyLine, Quote, Rule, TaxLine, new_duty_line, new_quote, new_tax_line
from .scope import Scope, rate_text

# (hs codes, goods origins, dispatch country, seller collects VAT, category): what a plan
# may treat as constant. Everything else about an order is read when the plan runs.
Shape = tuple[tuple[str, ...], tuple[str, ...], str, bool, str]


def shape_of(req: QuoteRequest) -> Shape:
    lines = req.lines
    return (
        tuple([ln.hs_code for ln in lines]),
        tuple([ln.origin_country for ln in lines]),
        req.origin_country,
        req.seller_collects_vat,
        req.category,
    )


class NoPlan(Exception):
    """This shape cannot be compiled; quote it through the generic regime code."""


class Gate:
    """`Ctx.within(ctx.threshold(ident))` for one shape: the outcome is either fixed
    (no threshold, suspended, an excluded HS code: never within) or a value comparison.

    `passes(goods, freight, insurance) -> bool` is that outcome, chosen once per shape:
    always False when fixed, else `Ctx.within`'s comparison (value from `Ctx.value_for`)."""

    __slots__ = ("fixed", "base", "limit", "ok", "over", "passes")

    def __init__(self, scope: Scope, th: Threshold | None, hs_codes: Sequence[str]):
        self.fixed: tuple[Rule, ...] | None = None
        self.base = ""
        self.limit = ZERO
        self.ok: tuple[Rule, ...] = ()
        self.over: tuple[Rule, ...] = ()
        self.passes: Callable[[Decimal, Decimal, Decimal], bool] = _never
        if th is None:
            self.fixed = ()
            return
        if th.amount is None:
            self.fixed = (scope.suspended_rule(th),)
            return
        if th.excludes:
            for hs in hs_codes:
                rule = scope.excluded(th, hs)
                if rule is not None:
                    self.fixed = (rule,)
                    return
        plan = scope.within_plan(th)
        lead = (plan.fx_rule,) if plan.fx_rule is not None else ()
        self.base = th.base
        self.limit = plan.limit
        self.ok = (*lead, plan.ok_rule)
        self.over = (*lead, plan.over_rule)
        self.passes = _comparison(th.base, plan.limit)

    def rules(self, ok: bool) -> tuple[Rule, ...]:
        if self.fixed is not None:
            return self.fixed
        return self.ok if ok else self.over


def _never(goods: Decimal, freight: Decimal, insurance: Decimal) -> bool:
    return False


def _comparison(base: str, limit: Decimal) -> Callable[[Decimal, Decimal, Decimal], bool]:
    """`Ctx.within`'s comparison of the value `Ctx.value_for` gives for `base`."""
    if base in ("intrinsic", "fob"):
        return lambda goods, freight, insurance: goods <= limit
    if base == "goods_and_shipping":
        return lambda goods, freight, insurance: goods + freight <= limit
    return lambda goods, freight, insurance: goods + freight + insurance <= limit


# One duty measure on one line: (line label, ad valorem rate, rate text).
Measure = tuple[str, Decimal, str]


class Lines:
    """The shape's per-line table answers: duty measures, tax groups, and their rules."""

    def __init__(self, scope: Scope, shape: Shape):
        self.scope = scope
        self.hs = shape[0]
        self.origins = shape[1]
        self.n = len(self.hs)

    def duties(self, additional: bool = True) -> tuple[tuple[tuple[Measure, ...], ...], tuple]:
        """Per line, the measures `line_duties` applies, and their rules in use order."""
        per_line = []
        rules: list[Rule] = []
        for hs, origin in zip(self.hs, self.origins, strict=True):
            mfn, extra = self.scope.duty_plans(hs, origin)
            measures = []
            for _m, label, rate, text, rule in (mfn, *extra) if additional else (mfn,):
                if rate is None:  # a specific or compound duty: evaluated generically
                    raise NoPlan
                measures.append((label, rate, text))
                rules.append(rule)
            per_line.append(tuple(measures))
        return tuple(per_line), tuple(rules)

    def taxes(self, kind: str) -> tuple[tuple[tuple[Decimal, str, tuple[int, ...]], ...], tuple]:
        """`taxes_on` grouping for `kind`: (rate, rate text, line indexes) per group, in
        first-use order, and the tax rules in use order."""
        groups: dict[Decimal, list[int]] = {}
        rules: list[Rule] = []
        for i, hs in enumerate(self.hs):
            for row, rule in self.scope.tax_rows(kind, hs):
                if row.condition is not None or rule is None:
                    raise NoPlan  # depends on the line's unit value, or a gap (raises)
                groups.setdefault(row.rate, []).append(i)  # type: ignore[arg-type]
                rules.append(rule)
                break
            else:
                raise NoPlan  # no row: the generic path raises NotCovered
        return tuple((r, rate_text(r), tuple(ix)) for r, ix in groups.items()), tuple(rules)


def dedupe(*chunks: Sequence[Rule]) -> tuple[Rule, ...]:
    """Rules in order of first use, de-duplicated by identity (as `Ctx` does)."""
    seen: dict[int, Rule] = {}
    for chunk in chunks:
        for rule in chunk:
            seen.setdefault(id(rule), rule)
    return tuple(seen.values())


def allocate(extra: Decimal, values: list[Decimal], goods: Decimal) -> list[Decimal]:
    """`common.allocate`, on plain values."""
    n = len(values)
    if n == 1:
        return [extra]
    if not extra:
        return [ZERO] * n
    if goods == 0:
        return [extra / n] * n
    return [extra * v / goods for v in values]


def customs_values(
    fob: bool, values: list[Decimal], goods: Decimal, freight: Decimal, insurance: Decimal
) -> list[Decimal]:
    """`common.customs_values`, on plain values: each value plus its `allocate` share of
    freight + insurance, the share's operations inlined (`extra * v / goods`, `extra / n`,
    or ZERO)."""
    if fob:
        return values
    extra = freight + insurance
    n = len(values)
    if n == 1:
        return [values[0] + extra]
    if not extra:
        return [v + ZERO for v in values]
    if goods == 0:
        share = extra / n
        return [v + share for v in values]
    return [v + extra * v / goods for v in values]


def line_duties(
    measures: tuple[tuple[Measure, ...], ...], cvs: list[Decimal], q: Decimal
) -> tuple[list[DutyLine], list[Decimal], Decimal]:
    """`common.line_duties` for ad valorem measures (rules are the plan's business).

    Also returns the running sum `finish` needs: ZERO plus each amount in line order, the
    same additions `quote()`'s `_totals` makes over the duty lines."""
    out = []
    per_line = []
    duty = ZERO
    for line_measures, cv in zip(measures, cvs, strict=True):
        shown = cv.quantize(q, ROUND_HALF_UP)
        if len(line_measures) == 1:  # the usual line, MFN only: the loop below, unrolled
            ((label, rate, text),) = line_measures
            total = (cv * rate).quantize(q, ROUND_HALF_UP)
            out.append(new_duty_line(label, shown, text, total))
            duty = duty + total
        else:
            total = None
            for label, rate, text in line_measures:
                amount = (cv * rate).quantize(q, ROUND_HALF_UP)
                out.append(new_duty_line(label, shown, text, amount))
                duty = duty + amount
                total = amount if total is None else total + amount
        per_line.append(total)
    return out, per_line, duty  # type: ignore[return-value]


def taxes_on(
    kind: str,
    groups: tuple[tuple[Decimal, str, tuple[int, ...]], ...],
    bases: list[Decimal],
    q: Decimal,
    out: list[TaxLine],
    tax: Decimal = ZERO,
) -> Decimal:
    """`common.taxes_on` (declaration level, no factor) with the grouping precomputed.

    Appends the tax lines to `out` and returns `tax` plus each amount in order: starting
    from ZERO and chaining the kinds, the same additions `_totals` makes over `out`."""
    for rate, text, idx in groups:
        base = ZERO
        for i in idx:
            base = base + bases[i]
        amount = (base * rate).quantize(q, ROUND_HALF_UP)
        out.append(new_tax_line(kind, base.quantize(q, ROUND_HALF_UP), text, amount))
        tax = tax + amount
    return tax


class Plan:
    """Shared constants of a compiled plan and the packaging `quote()` does after a regime.

    Subclasses set `run(req, payer) -> Quote | None` (None: leave this order to the
    generic path) and, per outcome path, their rule chunks.
    """

    def __init__(self, route, scope: Scope, shape: Shape, table_version: str, out):
        self.currency = scope.cur
        self.q = scope.quantum
        self.dest_cur = route.dest_cur
        self.dest_q = exponent(route.dest_cur)
        self.lead = tuple(route.lead.values())
        # (rate, rule) to the destination currency, or None when it is the order currency
        self.out: tuple[Decimal, Rule | None] | None = out
        self.table_version = table_version
        self.fob = scope.profile.valuation == "FOB"
        self.lines = Lines(scope, shape)
        self.scope = scope
        self._rules: dict[object, tuple[Rule, ...]] = {}
        # `finish` packages assessments without fees: their total, and in the destination
        # currency, are constants (same Decimal operations, done once)
        self.no_fees = ZERO.quantize(self.q)
        self.no_fees_out = None
        if out is not None:
            self.no_fees_out = (self.no_fees * out[0]).quantize(self.dest_q, ROUND_HALF_UP)

    @staticmethod
    def optional(resolve: Callable[[], tuple]) -> tuple:
        """Resolve table answers only some paths need; (None, ()) when they are missing or
        not plannable, and a run that needs them leaves the order to the generic path."""
        try:
            return resolve()
        except (NoPlan, TariffError):
            return None, ()

    def rules(self, path: object) -> tuple[Rule, ...]:
        hit = self._rules.get(path)
        if hit is None:
            chunks = [self.lead, *self.rule_chunks(path)]
            if self.out is not None and self.out[1] is not None:
                chunks.append((self.out[1],))
            hit = self._rules[path] = dedupe(*chunks)
        return hit

    def rule_chunks(self, path) -> list[Sequence[Rule]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(
        self,
        req: QuoteRequest,
        payer: str,
        customs_value: Decimal,
        valuation: str,
        duties: list[DutyLine],
        taxes: list[TaxLine],
        collected_at: str,
        regime: str,
        path: object,
        duty: Decimal | None = None,
        tax: Decimal | None = None,
    ) -> Quote:
        """`quote()`'s packaging for an order-currency assessment without fees.

        `duty`/`tax`, when given, are the running sums `line_duties`/`taxes_on` returned:
        ZERO plus each line's amount in order, exactly what `_totals` adds up."""
        q = self.q
        if duty is None:
            duty = ZERO
            for d in duties:
                duty += d.amount
        if tax is None:
            tax = ZERO
            for t in taxes:
                tax += t.amount
        duty = duty.quantize(q)
        tax = tax.quantize(q)
        fee = self.no_fees  # no fee lines: ZERO.quantize(q)
        if self.out is None:
            dest_amounts = {
                "customs_value": customs_value,
                "duty_total": duty,
                "tax_total": tax,
                "fee_total": fee,
                "total": duty + tax + fee,
            }
        else:
            rate = self.out[0]
            dq = self.dest_q
            d_duty = (duty * rate).quantize(dq, ROUND_HALF_UP)
            d_tax = (tax * rate).quantize(dq, ROUND_HALF_UP)
            d_fee = self.no_fees_out  # (fee * rate).quantize(dq, ROUND_HALF_UP)
            dest_amounts = {
                "customs_value": (customs_value * rate).quantize(dq, ROUND_HALF_UP),
                "duty_total": d_duty,
                "tax_total": d_tax,
                "fee_total": d_fee,
                "total": d_duty + d_tax + d_fee,
            }
        return new_quote(
            self.currency,
            customs_value,
            valuation,
            tuple(duties),
            tuple(taxes),
            (),
            collected_at,
            payer,
            regime,
            self._rules.get(path) or self.rules(path),
            self.table_version,
            self.dest_cur,
            dest_amounts,
        )


class NationalPlan(Plan):
    """A plan of a regime that assesses in the national currency (`REGIMES[...][1]`):
    the order is converted in as `Ctx` does, and packaged as `quote()`'s national branch
    does (totals in the national currency, lines back at 1 / rate)."""

    def __init__(self, route, scope: Scope, shape: Shape, table_version: str, out):
        super().__init__(route, scope, shape, table_version, out)
        self.order_cur = route.currency
        self.order_q = exponent(route.currency)
        self.fx_in = route.fx_in
        self.back = None if route.fx_in is None else Decimal(1) / route.fx_in

    def national_values(self, req: QuoteRequest) -> tuple[list[Decimal], Decimal, Decimal]:
        """Line values, freight and insurance in the national currency (`LineView`, `Ctx`)."""
        fx_in = self.fx_in
        if fx_in is None:
            values = [ln.quantity * ln.unit_value for ln in req.lines]
            return values, req.shipping_cost, req.insurance_cost
        values = [ln.quantity * (ln.unit_value * fx_in) for ln in req.lines]
        return values, req.shipping_cost * fx_in, req.insurance_cost * fx_in

    def package(
        self, req, payer, customs_value, duties, taxes, regime, path, collected_at="border"
    ) -> Quote:
        """`quote()`'s national-currency branch: totals in the national currency, lines
        back in the order currency (`_back`), rounded half-up to its minor unit."""
        q = self.q
        duty = tax = ZERO
        for d in duties:
            duty += d.amount
        for t in taxes:
            tax += t.amount
        duty = duty.quantize(q)
        tax = tax.quantize(q)
        fee = self.no_fees
        dest_amounts = {
            "customs_value": customs_value,
            "duty_total": duty,
            "tax_total": tax,
            "fee_total": fee,
            "total": duty + tax + fee,
        }
        back = self.back
        if back is not None:
            oq = self.order_q
            customs_value = (customs_value * back).quantize(oq, ROUND_HALF_UP)
            duties = [
                new_duty_line(
                    d.measure,
                    (d.base * back).quantize(oq, ROUND_HALF_UP),
                    d.rate,
                    (d.amount * back).quantize(oq, ROUND_HALF_UP),
                )
                for d in duties
            ]
            taxes = [
                new_tax_line(
                    t.kind,
                    (t.base * back).quantize(oq, ROUND_HALF_UP),
                    t.rate,
                    (t.amount * back).quantize(oq, ROUND_HALF_UP),
                )
                for t in taxes
            ]
        return new_quote(
            self.order_cur,
            customs_value,
            "CIF",
            tuple(duties),
            tuple(taxes),
            (),
            collected_at,
            payer,
            regime,
            self._rules.get(path) or self.rules(path),
            self.table_version,
            self.dest_cur,
            dest_amounts,
        )


Compiler = Callable[..., Plan]


def compile_plan(compiler: Compiler, route, shape: Shape, tariff, as_of) -> Plan | None:
    """A plan for this shape, or None when the shape must take the generic path (which
    then raises whatever the tables lack, where it always did)."""
    try:
        out = None
        if route.dest_cur != route.scope.cur:
            out = route.to_destination(tariff, route.scope.cur, as_of)
        return compiler(route, route.scope, shape, tariff.table_version, out)
    except (NoPlan, TariffError):
        return None
