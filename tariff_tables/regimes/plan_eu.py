"""Compiled plan of the EU regime (`eu.assess`); see `plan` for the equivalence contract.

Paths (what decides the rules a quote shows): over the €150 test; within it with the flat
duty; within it with duty relief; within it but the relief test failed (or no relief).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP

# Element-wise sums of per-line lists are `list(map(add, a, b))`: the same `+` on the same
# operands as `[x + y for x, y in zip(a, b)]`, at half its cost on CPython 3.11.
from operator import add

from ..money import ZERO
from ..request import QuoteRequest
from ..result import Quote, Rule, TaxLine
from .eu import flat_line, flat_rule
from .plan import Gate, Plan, allocate, customs_values, line_duties, taxes_on

OVER, FLAT, RELIEF, DUTY = "over", "flat", "relief", "duty"


class EuPlan(Plan):
    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        hs = shape[0]
        origins = (shape[2], *shape[1])
        self.ioss = shape[3]
        self.low = Gate(scope, scope.threshold("eu_low_value", origins), hs)
        self.flat_duty = None
        self.flat_rules: tuple[Rule, ...] = ()
        self.relief = None
        if self.low.fixed is None:  # the order can be within the €150 test
            flat = scope.flat_duty("eu_flat_duty")
            if flat is not None:
                n = len({h[:6] for h in hs})
                if flat.currency == scope.cur:  # Ctx.convert
                    amount, fx = flat.amount, ()
                else:
                    rate, rule = scope.fx_to_cur(flat.currency)
                    amount, fx = flat.amount * rate, (rule,) if rule is not None else ()
                amount = (amount * n).quantize(self.q, ROUND_HALF_UP)
                self.flat_duty = (flat_line(flat, n, amount), amount)
                self.flat_rules = (*fx, flat_rule(flat, n))
            else:
                self.relief = Gate(scope, scope.threshold("eu_duty_relief", origins), hs)
        self.measures, self.duty_rules = self.optional(self.lines.duties)
        self.vat, self.vat_rules = self.lines.taxes("vat")

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        freight = req.shipping_cost
        insurance = req.insurance_cost
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        cv = sum(cvs, ZERO)
        low = self.low.passes(goods, freight, insurance)
        if low and self.flat_duty is not None:
            line, amount = self.flat_duty
            duties = [line]
            duty = ZERO + amount
            per_line = allocate(amount, values, goods)
            regime, path = "eu_low_value_flat_duty", FLAT
        elif low and self.relief.passes(goods, freight, insurance):  # type: ignore[union-attr]
            duties = []
            duty = ZERO
            per_line = [ZERO] * len(cvs)
            regime, path = "eu_low_value_relief", RELIEF
        else:
            if self.measures is None:
                return None  # duties missing or not ad valorem: the generic path
            duties, per_line, duty = line_duties(self.measures, cvs, q)
            regime, path = "eu_import", DUTY if low else OVER
        collected = "border"
        if low and self.ioss:
            collected = "checkout"
            regime += "_ioss"
        bases = list(map(add, cvs, per_line))
        taxes: list[TaxLine] = []
        tax = taxes_on("vat", self.vat, bases, q, taxes)
        customs_value = cv.quantize(q, ROUND_HALF_UP)
        return self.finish(
            req, payer, customs_value, "CIF", duties, taxes, collected, regime, path, duty, tax
        )

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        if path == OVER:
            return [self.low.rules(False), self.duty_rules, self.vat_rules]
        chunks: list[Sequence[Rule]] = [self.low.rules(True)]
        if path == FLAT:
            chunks.append(self.flat_rules)
        else:
            chunks.append(self.relief.rules(path == RELIEF))  # type: ignore[union-attr]
            if path == DUTY:
                chunks.append(self.duty_rules)
        chunks.append(self.vat_rules)
        return chunks
