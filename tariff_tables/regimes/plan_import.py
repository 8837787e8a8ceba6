"""Compiled plans of the plain import regimes: `standard`, `gb`, `au`, `sg`, `my`.

Each mirrors its regime module step by step (see `plan` for the equivalence contract);
`path` names the branch a quote took, which fixes the rules it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

# Element-wise sums of per-line lists are `list(map(add, a, b))`: the same `+` on the same
# operands as `[x + y for x, y in zip(a, b)]`, at half its cost on CPython 3.11.
from operator import add

from ..money import ZERO
from ..request import QuoteRequest
from ..result import Quote, Rule, TaxLine, new_tax_line
from .plan import Gate, Plan, allocate, customs_values, line_duties, taxes_on
from .scope import rate_text


def _gate(plan: Plan, scope, shape, ident: str) -> Gate:
    return Gate(scope, scope.threshold(ident, (shape[2], *shape[1])), shape[0])


class StandardPlan(Plan):
    """`standard.assess`: duty and tax de minimis, then MFN (+ additional) duty and the
    destination's value-added taxes on value + duty."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        self.duty_gate = _gate(self, scope, shape, "duty_de_minimis")
        self.tax_gate = _gate(self, scope, shape, "tax_de_minimis")
        self.valuation = scope.profile.valuation
        dest = scope.dest.lower()
        self.regimes = {True: f"{dest}_de_minimis", False: f"{dest}_import"}
        self.measures, self.duty_rules = self.optional(self.lines.duties)
        self.kinds, self.tax_rules = self.optional(self._taxes)

    def _taxes(self) -> tuple[list, tuple[Rule, ...]]:
        kinds = []
        tax_rules: list[Rule] = []
        for kind in self.scope.tariff.tax_kinds(self.scope.dest):
            groups, rules = self.lines.taxes(kind)
            kinds.append((kind, groups))
            tax_rules.extend(rules)
        return kinds, tuple(tax_rules)

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        freight = req.shipping_cost
        insurance = req.insurance_cost
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        duty_free = self.duty_gate.passes(goods, freight, insurance)
        tax_free = self.tax_gate.passes(goods, freight, insurance)
        customs_value = sum(cvs, ZERO).quantize(q, ROUND_HALF_UP)
        if (not duty_free and self.measures is None) or (not tax_free and self.kinds is None):
            return None  # a table answer this path needs is missing: the generic path
        if duty_free:
            duties = []
            duty = ZERO
            per_line = [ZERO] * len(cvs)
        else:
            duties, per_line, duty = line_duties(self.measures, cvs, q)
        taxes: list[TaxLine] = []
        tax = ZERO
        if not tax_free:
            bases = list(map(add, cvs, per_line))
            for kind, groups in self.kinds:
                tax = taxes_on(kind, groups, bases, q, taxes, tax)
        return self.finish(
            req,
            payer,
            customs_value,
            self.valuation,
            duties,
            taxes,
            "border",
            self.regimes[duty_free and tax_free],
            (duty_free, tax_free),
            duty,
            tax,
        )

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        duty_free, tax_free = path
        chunks = [self.duty_gate.rules(duty_free), self.tax_gate.rules(tax_free)]
        if not duty_free:
            chunks.append(self.duty_rules)
        if not tax_free:
            chunks.append(self.tax_rules)
        return chunks


class _LowValuePlan(Plan):
    """Shared by GB, AU and SG: one low-value threshold, above it duty + tax at the border."""

    threshold = ""
    kind = ""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        self.low = _gate(self, scope, shape, self.threshold)
        self.seller_collects = shape[3]
        self.measures, self.duty_rules = self.optional(self.lines.duties)
        self.tax, self.tax_rules = self.lines.taxes(self.kind)

    def values(self, req: QuoteRequest):
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        return values, goods, req.shipping_cost, req.insurance_cost


class GbPlan(_LowValuePlan):
    """`gb.assess`. Paths: "over", "low" (VAT at sale or border), "gift" (gift relief)."""

    threshold = "gb_low_value"
    kind = "vat"

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        self.gift = shape[4] == "gift"
        self.gift_gate = _gate(self, scope, shape, "gb_gift") if self.gift else None

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values, goods, freight, insurance = self.values(req)
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        customs_value = sum(cvs, ZERO).quantize(q, ROUND_HALF_UP)
        if self.low.passes(goods, freight, insurance):
            if self.gift:
                if self.gift_gate.passes(goods, freight, insurance):  # type: ignore[union-attr]
                    return self.finish(
                        req, payer, customs_value, "CIF", [], [], "border", "gb_gift_relief",
                        "gift",
                    )  # fmt: skip
                path = "gift_over"
            else:
                path = "low"
            collected = "border" if self.gift else "checkout"
            taxes: list[TaxLine] = []
            tax = taxes_on("vat", self.tax, cvs, q, taxes)
            return self.finish(
                req, payer, customs_value, "CIF", [], taxes, collected, "gb_low_value", path,
                ZERO, tax,
            )  # fmt: skip
        if self.measures is None:
            return None
        duties, per_line, duty = line_duties(self.measures, cvs, q)
        bases = list(map(add, cvs, per_line))
        taxes = []
        tax = taxes_on("vat", self.tax, bases, q, taxes)
        return self.finish(
            req, payer, customs_value, "CIF", duties, taxes, "border", "gb_import", "over",
            duty, tax,
        )  # fmt: skip

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        if path == "over":
            return [self.low.rules(False), self.duty_rules, self.tax_rules]
        chunks: list[Sequence[Rule]] = [self.low.rules(True)]
        if path != "low":
            chunks.append(self.gift_gate.rules(path == "gift"))  # type: ignore[union-attr]
        if path != "gift":
            chunks.append(self.tax_rules)
        return chunks


class AuPlan(_LowValuePlan):
    """`au.assess`: FOB value; GST at sale at or under AUD 1,000 (registered vendors);
    above, duty and GST on value + duty + transport at the border."""

    threshold = "au_lvg"
    kind = "gst"

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values, goods, freight, insurance = self.values(req)
        cvs = values  # customs_values(ctx, "FOB")
        transport = allocate(freight + insurance, values, goods)
        customs_value = sum(cvs, ZERO).quantize(q, ROUND_HALF_UP)
        if self.low.passes(goods, freight, insurance):
            if not self.seller_collects:
                return self.finish(
                    req, payer, customs_value, "FOB", [], [], "border", "au_low_value_goods",
                    "low",
                )  # fmt: skip
            bases = list(map(add, cvs, transport))
            taxes: list[TaxLine] = []
            tax = taxes_on("gst", self.tax, bases, q, taxes)
            return self.finish(
                req, payer, customs_value, "FOB", [], taxes, "checkout", "au_low_value_goods",
                "low_gst", ZERO, tax,
            )  # fmt: skip
        if self.measures is None:
            return None
        duties, per_line, duty = line_duties(self.measures, cvs, q)
        with_duty = list(map(add, cvs, per_line))
        bases = list(map(add, with_duty, transport))
        taxes = []
        tax = taxes_on("gst", self.tax, bases, q, taxes)
        return self.finish(
            req, payer, customs_value, "FOB", duties, taxes, "border", "au_import", "over",
            duty, tax,
        )  # fmt: skip

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        if path == "over":
            return [self.low.rules(False), self.duty_rules, self.tax_rules]
        if path == "low":
            return [self.low.rules(True)]
        return [self.low.rules(True), self.tax_rules]


class SgPlan(_LowValuePlan):
    """`sg.assess`: GST at sale at or under S$400 (registered vendors), else duty and GST
    on CIF + duty at the border."""

    threshold = "sg_low_value"
    kind = "gst"

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values, goods, freight, insurance = self.values(req)
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        customs_value = sum(cvs, ZERO).quantize(q, ROUND_HALF_UP)
        if self.low.passes(goods, freight, insurance):
            if not self.seller_collects:
                return self.finish(
                    req, payer, customs_value, "CIF", [], [], "border", "sg_low_value_goods",
                    "low",
                )  # fmt: skip
            taxes: list[TaxLine] = []
            tax = taxes_on("gst", self.tax, cvs, q, taxes)
            return self.finish(
                req, payer, customs_value, "CIF", [], taxes, "checkout", "sg_low_value_goods",
                "low_gst", ZERO, tax,
            )  # fmt: skip
        if self.measures is None:
            return None
        duties, per_line, duty = line_duties(self.measures, cvs, q)
        bases = list(map(add, cvs, per_line))
        taxes = []
        tax = taxes_on("gst", self.tax, bases, q, taxes)
        return self.finish(
            req, payer, customs_value, "CIF", duties, taxes, "border", "sg_import", "over",
            duty, tax,
        )  # fmt: skip

    rule_chunks = AuPlan.rule_chunks


class MyPlan(StandardPlan):
    """`my.assess`: at or under RM 500 (intrinsic), sales tax on the goods at checkout by
    registered sellers (others: the generic path raises NotCovered); above, `standard`."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        self.lvg = _gate(self, scope, shape, "my_lvg")
        self.seller_collects = shape[3]
        self.lvg_rate, self.lvg_rules = self.optional(self._rate)

    def _rate(self) -> tuple[tuple[Decimal, str], tuple[Rule, ...]]:
        rate, rule = self.scope.param("my_lvg_sales_tax_rate")
        return (rate, rate_text(rate)), (rule,)

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        freight = req.shipping_cost
        insurance = req.insurance_cost
        if not self.lvg.passes(goods, freight, insurance):
            return StandardPlan.run(self, req, payer)  # its paths are (duty_free, tax_free)
        if not self.seller_collects or self.lvg_rate is None:
            return None  # the generic path raises NotCovered
        q = self.q
        rate, text = self.lvg_rate
        cvs = customs_values(self.fob, values, goods, freight, insurance)
        taxes = [
            new_tax_line(
                "sales_tax",
                goods.quantize(q, ROUND_HALF_UP),
                text,
                (goods * rate).quantize(q, ROUND_HALF_UP),
            )
        ]
        return self.finish(
            req, payer, sum(cvs, ZERO).quantize(q, ROUND_HALF_UP), self.valuation, [], taxes,
            "checkout", "my_low_value_goods", "lvg",
        )  # fmt: skip

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        if path == "lvg":
            return [self.lvg.rules(True), self.lvg_rules]
        return [self.lvg.rules(False), *StandardPlan.rule_chunks(self, path)]
