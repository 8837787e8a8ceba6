"""Compiled plans of the Chinese import regimes (`cn_cbec.assess`, `cn_postal.assess`); see
`plan` for the equivalence contract. China assesses in yuan (`NationalPlan`).

Tax rows here may carry a unit-value condition (high-end cosmetics, watches), so a line's
row is picked when the plan runs, from the rows `tax_row` would try, in its order
(`Candidates`). CBEC orders over the single-order limit (refused, or the single-item
general-trade computation) and past the annual quota are left to the generic path, as are
postal parcels over the value cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..errors import TariffError
from ..money import ZERO
from ..request import QuoteLine, QuoteRequest
from ..result import Quote, Rule, new_tax_line
from .cn_postal import cap_rule
from .plan import NationalPlan, NoPlan, customs_values
from .scope import Scope, rate_text

# One row `tax_row` may pick: (unit-value floors or None, rate or None for a gap, rule).
Candidate = tuple[tuple[tuple[str, Decimal], ...] | None, Decimal | None, Rule | None]


def candidates(scope: Scope, kind: str, hs: str) -> tuple[Candidate, ...]:
    """The rows `tax_row(ctx, kind, line)` tries for `hs`, up to the first unconditional."""
    out = []
    for row, rule in scope.tax_rows(kind, hs):
        cond = row.condition
        if cond is None:
            out.append((None, row.rate, rule))
            break
        if cond.currency != scope.cur:
            raise NoPlan  # the comparison would record an FX rule: left to the generic path
        out.append((cond.per_unit, row.rate, rule))
    return tuple(out)


def pick(cands: tuple[Candidate, ...], ln: QuoteLine, unit_value: Decimal) -> Candidate | None:
    """`tax_row`'s choice (`_condition_holds` on the line's unit and unit value)."""
    for cand in cands:
        floors = cand[0]
        if floors is None:
            return cand
        for unit, floor in floors:
            if ln.unit == unit and unit_value >= floor:
                return cand
    return None


class PostalPlan(NationalPlan):
    """`cn_postal.assess`: one postal articles tax per line, waived at or under CNY 50."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        cap = scope.tariff.threshold(scope.dest, "cn_postal_value_cap", scope.on, shape[2])
        if cap is None or cap.amount is None:
            raise NoPlan  # the generic path raises NotCovered
        if cap.currency == scope.cur:  # `Ctx.convert`
            self.cap, self.cap_rules = cap.amount, (cap_rule(cap),)
        else:
            fx, rule = scope.fx_to_cur(cap.currency)
            fx_rules = (rule,) if rule is not None else ()
            self.cap, self.cap_rules = cap.amount * fx, (*fx_rules, cap_rule(cap))
        self.cands = tuple(candidates(scope, "postal_articles_tax", hs) for hs in shape[0])
        self.waiver, rule = scope.param("postal_tax_waiver")
        self.waiver_rules = (rule,)
        self.zero = ZERO.quantize(self.q, ROUND_HALF_UP)

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        fx_in = self.fx_in
        values, _freight, _insurance = self.national_values(req)
        value = sum(values, ZERO)
        lines = req.lines
        if value > self.cap and not (len(lines) == 1 and lines[0].quantity == 1):
            return None  # the generic path refuses the parcel
        taxes = []
        picked = []
        total = ZERO
        for ln, v, cands in zip(lines, values, self.cands, strict=True):
            cand = pick(cands, ln, ln.unit_value if fx_in is None else ln.unit_value * fx_in)
            if cand is None or cand[2] is None:
                return None  # no row, or a gap: the generic path raises NotCovered
            rate = cand[1]
            amount = (v * rate).quantize(q, ROUND_HALF_UP)  # type: ignore[operator]
            taxes.append(
                new_tax_line(
                    "postal_articles_tax",
                    v.quantize(q, ROUND_HALF_UP),
                    rate_text(rate),  # type: ignore[arg-type]
                    amount,
                )
            )
            total = total + amount
            picked.append(cand[2])
        regime = "cn_postal_articles"
        if total <= self.waiver:
            regime = "cn_postal_articles_waived"
            zero = self.zero
            taxes = [new_tax_line(t.kind, t.base, t.rate, zero) for t in taxes]
        customs_value = value.quantize(q, ROUND_HALF_UP)
        return self.package(req, payer, customs_value, [], taxes, regime, tuple(picked))

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        return [self.cap_rules, path, self.waiver_rules]


class CbecPlan(NationalPlan):
    """`cn_cbec.assess` within the order limit and the annual quota: no duty, consumption
    tax (grossed up) and VAT at the CBEC factor of the statutory rates, per line."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        self.order_limit, order_rule = scope.param("cbec_order_limit")
        self.annual_limit, annual_rule = scope.param("cbec_annual_limit")
        self.factor, factor_rule = scope.param("cbec_tax_factor")
        self.param_rules = (order_rule, annual_rule, factor_rule)
        self.cands = tuple(
            (candidates(scope, "consumption_tax", hs), candidates(scope, "vat", hs))
            for hs in shape[0]
        )

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        fx_in = self.fx_in
        values, freight, insurance = self.national_values(req)
        goods = sum(values, ZERO)
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        value = sum(cvs, ZERO)
        if req.buyer_year_used + value > self.annual_limit or value > self.order_limit:
            return None  # refused, or the single-item general-trade path: generic
        factor = self.factor
        taxes = []
        picked: list[Rule] = []
        for ln, v, (ct_cands, vat_cands) in zip(req.lines, cvs, self.cands, strict=True):
            uv = ln.unit_value if fx_in is None else ln.unit_value * fx_in
            ct = pick(ct_cands, ln, uv)
            if ct is None:
                c = ZERO
            elif ct[2] is None:
                return None  # a gap: the generic path raises NotCovered
            else:
                c = ct[1]  # type: ignore[assignment]
                picked.append(ct[2])
            vat_row = pick(vat_cands, ln, uv)
            if vat_row is None or vat_row[2] is None:
                return None  # no VAT row, or a gap: the generic path raises NotCovered
            picked.append(vat_row[2])
            base = v / (1 - c) if c else v
            shown = base.quantize(q, ROUND_HALF_UP)
            if c:
                rate = c * factor
                taxes.append(
                    new_tax_line(
                        "consumption_tax",
                        shown,
                        rate_text(rate),
                        (base * rate).quantize(q, ROUND_HALF_UP),
                    )
                )
            rate = vat_row[1] * factor  # type: ignore[operator]
            amount = (base * rate).quantize(q, ROUND_HALF_UP)
            taxes.append(new_tax_line("vat", shown, rate_text(rate), amount))
        customs_value = value.quantize(q, ROUND_HALF_UP)
        return self.package(
            req, payer, customs_value, [], taxes, "cn_cbec", tuple(picked), "checkout"
        )

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        return [self.param_rules, path]


class CnPlan:
    """Both Chinese regimes for one shape; `req.regime` picks one, as `regimes._cn` does.
    A regime whose plan cannot be compiled leaves its orders to the generic path."""

    def __init__(self, route, scope, shape, table_version, out):
        self.cbec = self._compile(CbecPlan, route, scope, shape, table_version, out)
        self.postal = self._compile(PostalPlan, route, scope, shape, table_version, out)
        if self.cbec is None and self.postal is None:
            raise NoPlan

    @staticmethod
    def _compile(cls, *args):
        try:
            return cls(*args)
        except (NoPlan, TariffError):
            return None

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        plan = self.cbec if req.regime == "cbec" else self.postal
        return None if plan is None else plan.run(req, payer)
