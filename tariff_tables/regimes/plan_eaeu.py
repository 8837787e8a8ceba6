"""Compiled plan of the EAEU personal-use regime (`eaeu.assess`, RU and KZ); see `plan`
for the equivalence contract.

The duty is the compound "rate % MIN amount CUR/kg" expression of the measure in force:
the plan evaluates it as `expressions.evaluate` does (the ad valorem terms summed from
zero, then `max` with the per-kg floor converted as `Ctx.convert` does) and leaves any
other expression shape to the generic path. Paths: (within the €200 test, duty charged).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

# Element-wise sums of per-line lists are `list(map(add, a, b))`: the same `+` on the same
# operands as `[x + y for x, y in zip(a, b)]`, at half its cost on CPython 3.11.
from operator import add

from ..money import ZERO
from ..request import QuoteRequest
from ..result import Quote, Rule, new_duty_line
from .eaeu import measure_rule
from .plan import Gate, NoPlan, Plan, allocate, customs_values, taxes_on
from .scope import rate_text

EXCESS = "eaeu_personal_excess"  # old rules: on the value and weight over the limits


class EaeuPlan(Plan):
    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        th = scope.threshold("eaeu_personal", (shape[2], *shape[1]))
        if th is None or th.amount is None:
            raise NoPlan  # the generic path raises NotCovered
        m, _ = scope.tariff.duties(scope.dest, "", None, scope.on)
        expr = m.expression
        assert expr is not None
        if expr.maximum is not None or any(t.unit is not None for t in expr.terms):
            raise NoPlan
        floor = expr.minimum
        if floor is not None and floor.unit != "kg":
            raise NoPlan
        self.measure = m.measure
        self.excess = m.measure == EXCESS
        self.rates = tuple(t.rate for t in expr.terms)
        rate = expr.simple_ad_valorem
        self.rate_text = rate_text(rate) if rate is not None else expr.text

        def to_cur(currency: str) -> tuple[Decimal | None, tuple[Rule, ...]]:
            """`Ctx.convert`'s factor (None: same currency) and the rule it records."""
            if currency == scope.cur:
                return None, ()
            fx, rule = scope.fx_to_cur(currency)
            return fx, (rule,) if rule is not None else ()

        limit_fx, self.limit_rules = to_cur(th.currency)
        self.limit = th.amount if limit_fx is None else th.amount * limit_fx
        self.floor = None
        self.floor_rules: tuple[Rule, ...] = ()
        if floor is not None:
            fx, self.floor_rules = to_cur(floor.currency)
            self.floor = (floor.rate, fx)
        self.gate = Gate(scope, th, shape[0])
        self.measure_rules = (measure_rule(scope.dest, m),)
        self.weight_limit: Decimal | None = None
        self.weight_rules: tuple[Rule, ...] = ()
        if self.excess:
            self.weight_limit, rule = scope.param("eaeu_weight_limit_kg")
            self.weight_rules = (rule,)
        self.vat_applies, self.vat_rules = self.optional(self._vat_param)
        self.vat, self.tax_rules = self.optional(lambda: self.lines.taxes("vat"))

    def _vat_param(self) -> tuple[Decimal, tuple[Rule, ...]]:
        value, rule = self.scope.param("eaeu_vat_applies")
        return value, (rule,)

    def _duty(self, base: Decimal, kg: Decimal) -> Decimal:
        """`evaluate(expr, base, Quantities(kg, None, None), ctx.convert, ...)`."""
        total = ZERO
        for rate in self.rates:
            total = total + base * rate
        floor = self.floor
        if floor is not None:
            amount = floor[0] * kg
            if floor[1] is not None:
                amount = amount * floor[1]
            total = max(total, amount)
        return total

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        weight = req.weight_kg
        if weight is None:
            return None  # the generic path raises InvalidRequest
        q = self.q
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        freight = req.shipping_cost
        insurance = req.insurance_cost
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        value = sum(cvs, ZERO)
        customs_value = value.quantize(q, ROUND_HALF_UP)
        ok = self.gate.passes(goods, freight, insurance)
        if self.excess:
            over_value = max(value - self.limit, ZERO)
            over_weight = max(weight - self.weight_limit, ZERO)  # type: ignore[operator]
            if not over_value and not over_weight:
                return self._exempt(req, payer, customs_value, ok)
            duty = self._duty(over_value, over_weight)
            base = over_value
        else:
            if ok:
                return self._exempt(req, payer, customs_value, ok)
            duty = self._duty(value, weight)
            base = value
        amount = duty.quantize(q, ROUND_HALF_UP)
        duties = [
            new_duty_line(self.measure, base.quantize(q, ROUND_HALF_UP), self.rate_text, amount)
        ]
        if self.vat_applies is None:
            return None  # the generic path raises NotCovered
        taxes = []
        if self.vat_applies:
            if self.vat is None:
                return None
            shares = allocate(amount, values, goods)
            bases = list(map(add, cvs, shares))
            taxes_on("vat", self.vat, bases, q, taxes)
        return self.finish(
            req, payer, customs_value, "CIF", duties, taxes, "border", self.measure,
            (ok, True, bool(self.vat_applies)),
        )  # fmt: skip

    def _exempt(self, req, payer, customs_value, ok) -> Quote:
        return self.finish(
            req, payer, customs_value, "CIF", [], [], "border", "eaeu_personal_exempt",
            (ok, False, False),
        )  # fmt: skip

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        ok, charged, vat = path
        chunks = [self.limit_rules, self.measure_rules, self.weight_rules, self.gate.rules(ok)]
        if charged:
            chunks += [self.floor_rules, self.vat_rules]
            if vat:
                chunks.append(self.tax_rules)
        return chunks
