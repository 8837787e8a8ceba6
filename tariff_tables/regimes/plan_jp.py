"""Compiled plan of the Japanese regime (`jp.assess`); see `plan` for the contract.

Japan assesses in yen: the plan converts the order into yen exactly as `Ctx` does, runs
`jp.assess`'s arithmetic (truncations included), then packages the result as `quote()`
does for a national-currency regime (totals in yen, lines converted back at 1 / rate).
Paths: (personal use, within the ¥10,000 exemption).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..errors import TariffError
from ..money import ZERO, exponent, truncate_to
from ..request import QuoteRequest
from ..result import DutyLine, Quote, Rule, TaxLine
from .jp import HUNDRED, THOUSAND, duty_rule
from .plan import Gate, NoPlan, Plan, allocate
from .scope import rate_text

ONE = Decimal(1)


class JpPlan(Plan):
    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        hs, origins = shape[0], shape[1]
        self.order_cur = route.currency
        self.order_q = exponent(route.currency)
        self.fx_in = route.fx_in
        self.back = None if route.fx_in is None else Decimal(1) / route.fx_in
        try:  # only personal-use orders need it; the others must not fail without it
            self.factor: tuple[Decimal, Rule] | None = scope.param("jp_personal_use_factor")
        except TariffError:
            self.factor = None
        self.gate = Gate(scope, scope.threshold("jp_small_value", (shape[2], *origins)), hs)
        measures = []
        duty_rules = []
        for code, origin in zip(hs, origins, strict=True):
            mfn, extra = scope.tariff.duties(scope.dest, code, origin, scope.on)
            line = []
            for m in (mfn, *extra):
                rate = m.expression.simple_ad_valorem  # type: ignore[union-attr]
                if rate is None:
                    raise NoPlan  # a specific duty: evaluated generically
                line.append((f"{m.measure}:{code}", rate, rate_text(rate)))
                duty_rules.append(duty_rule(m))
            measures.append(tuple(line))
        self.measures = tuple(measures)
        self.duty_rules = tuple(duty_rules)
        self.ct, self.ct_rules = self.lines.taxes("consumption_tax")
        self.num, num_rule = scope.param("jp_local_ct_numerator")
        self.den, den_rule = scope.param("jp_local_ct_denominator")
        self.param_rules = (num_rule, den_rule)
        self.local_text = f"{self.num}/{self.den}"

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        fx_in = self.fx_in
        if fx_in is None:
            values = [ln.quantity * ln.unit_value for ln in req.lines]
            freight = req.shipping_cost
            insurance = req.insurance_cost
        else:
            values = [ln.quantity * (ln.unit_value * fx_in) for ln in req.lines]
            freight = req.shipping_cost * fx_in
            insurance = req.insurance_cost * fx_in
        goods = sum(values, ZERO)
        personal = req.personal_use
        if personal:
            if self.factor is None:
                return None  # the generic path raises NotCovered
            factor = self.factor[0]
        else:
            factor = ONE
        shares = allocate(freight + insurance, values, goods)
        cvs = [v * factor + s for v, s in zip(values, shares, strict=True)]
        cv = sum(cvs, ZERO)
        gate = self.gate
        small = gate.fixed is None and cv <= gate.limit
        duties: list[DutyLine] = []
        taxes: list[TaxLine] = []
        if small:
            customs_value = cv.quantize(self.q, ROUND_HALF_UP)
            regime = "jp_small_value_exemption"
        else:
            if not cv:
                return None  # degenerate (all-zero order with an excluded code): generic
            customs_value = truncate_to(cv, THOUSAND)
            regime = "jp_import"
            duty_total = ZERO
            for measures, v in zip(self.measures, cvs, strict=True):
                base = truncate_to(v, THOUSAND)
                for label, rate, text in measures:
                    amount = truncate_to(base * rate, HUNDRED)
                    duties.append(DutyLine(label, base, text, amount))
                    duty_total += amount
            num, den = self.num, self.den
            for rate, text, idx in self.ct:
                g = ZERO
                for i in idx:
                    g = g + cvs[i]
                base = truncate_to(g + duty_total * g / cv, THOUSAND)
                national = truncate_to(base * rate, HUNDRED)
                local = truncate_to(national * num / den, HUNDRED)
                taxes.append(TaxLine("consumption_tax", base, text, national))
                taxes.append(TaxLine("consumption_tax", national, self.local_text, local))
        return self._package(req, payer, customs_value, duties, taxes, regime, (personal, small))

    def _package(self, req, payer, customs_value, duties, taxes, regime, path) -> Quote:
        """`quote()`'s national-currency branch: totals in yen, lines back in the order
        currency (`_back`), rounded half-up to its minor unit."""
        q = self.q
        duty = tax = fee = ZERO
        for d in duties:
            duty += d.amount
        for t in taxes:
            tax += t.amount
        duty = duty.quantize(q)
        tax = tax.quantize(q)
        fee = fee.quantize(q)
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
                DutyLine(
                    d.measure,
                    (d.base * back).quantize(oq, ROUND_HALF_UP),
                    d.rate,
                    (d.amount * back).quantize(oq, ROUND_HALF_UP),
                )
                for d in duties
            ]
            taxes = [
                TaxLine(
                    t.kind,
                    (t.base * back).quantize(oq, ROUND_HALF_UP),
                    t.rate,
                    (t.amount * back).quantize(oq, ROUND_HALF_UP),
                )
                for t in taxes
            ]
        return Quote(
            self.order_cur,
            customs_value,
            "CIF",
            tuple(duties),
            tuple(taxes),
            (),
            "border",
            payer,
            regime,
            self.rules(path),
            self.table_version,
            self.dest_cur,
            dest_amounts,
        )

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        personal, small = path
        chunks: list[Sequence[Rule]] = []
        if personal:
            chunks.append((self.factor[1],))  # type: ignore[index]
        chunks.append(self.gate.rules(small))
        if not small:
            chunks += [self.duty_rules, self.ct_rules, self.param_rules]
        return chunks
