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
from ..money import ZERO, truncate_to
from ..request import QuoteRequest
from ..result import DutyLine, Quote, Rule, TaxLine, new_duty_line, new_tax_line
from .jp import HUNDRED, THOUSAND, duty_rule
from .plan import Gate, NationalPlan, NoPlan, allocate
from .scope import rate_text

ONE = Decimal(1)


class JpPlan(NationalPlan):
    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        hs, origins = shape[0], shape[1]
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
        values, freight, insurance = self.national_values(req)
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
                    duties.append(new_duty_line(label, base, text, amount))
                    duty_total += amount
            num, den = self.num, self.den
            for rate, text, idx in self.ct:
                g = ZERO
                for i in idx:
                    g = g + cvs[i]
                base = truncate_to(g + duty_total * g / cv, THOUSAND)
                national = truncate_to(base * rate, HUNDRED)
                local = truncate_to(national * num / den, HUNDRED)
                taxes.append(new_tax_line("consumption_tax", base, text, national))
                taxes.append(new_tax_line("consumption_tax", national, self.local_text, local))
        return self.package(req, payer, customs_value, duties, taxes, regime, (personal, small))

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        personal, small = path
        chunks: list[Sequence[Rule]] = []
        if personal:
            chunks.append((self.factor[1],))  # type: ignore[index]
        chunks.append(self.gate.rules(small))
        if not small:
            chunks += [self.duty_rules, self.ct_rules, self.param_rules]
        return chunks
