"""Compiled plans of the value-band regimes: Brazil (`br.assess`) and Mexico (`mx.assess`);
see `plan` for the equivalence contract.

Both pick the first band whose upper bound (converted as `Ctx.convert` does) the order's
value does not exceed, so the band is value-dependent: the plan keeps each band with its
converted bound and the path is the band's index. Shapes whose bands are in more than one
currency (where the FX rules shown would depend on how many bands were tried) and orders
above the last band (the generic path raises) are not planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..model import Band
from ..money import ZERO, fmt
from ..request import QuoteRequest
from ..result import Quote, Rule, new_duty_line, new_tax_line
from .br import band_rule as br_band_rule
from .mx import band_rule as mx_band_rule
from .plan import NoPlan, Plan, customs_values
from .scope import Scope, rate_text

ONE = Decimal(1)


def converted(scope: Scope, bands: Sequence[Band]) -> tuple[tuple[Decimal, ...], tuple]:
    """Each band's upper bound in the computation currency (`Ctx.convert`), and the FX rule
    the first comparison records (bands in one currency only)."""
    currencies = {b.currency for b in bands}
    if len(currencies) != 1:
        raise NoPlan
    (currency,) = currencies
    if currency == scope.cur:
        return tuple(b.upper for b in bands), ()
    fx, rule = scope.fx_to_cur(currency)
    return tuple(b.upper * fx for b in bands), (rule,) if rule is not None else ()


def first_band(uppers: Sequence[Decimal], value: Decimal) -> int | None:
    """Index of the first band `value` does not exceed (`next(...)` in the regimes)."""
    for i, upper in enumerate(uppers):
        if value <= upper:
            return i
    return None


class BrPlan(Plan):
    """`br.assess`: import tax by band on goods + freight + insurance, ICMS grossed up."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        rc = shape[3]
        scheme = "remessa_conforme" if rc else "simplified_regime"
        bands = scope.tariff.bands(scope.dest, scheme, scope.on, shape[2])
        if not bands:
            raise NoPlan  # the generic path raises NotCovered
        self.uppers, self.fx_rules = converted(scope, bands)
        fx = None if bands[0].currency == scope.cur else scope.fx_to_cur(bands[0].currency)[0]
        self.bands = []
        for band in bands:
            deduction = band.deduction if fx is None else band.deduction * fx
            text = rate_text(band.rate)
            if band.deduction:
                text = f"{text} - {fmt(band.deduction)} {band.currency}"
            self.bands.append((band.rate, deduction, text, (br_band_rule(band, scheme),)))
        self.regime = f"br_{scheme}"
        self.label = f"br_import_tax_{scheme}"
        self.collected = "checkout" if rc else "border"
        for row, rule in scope.tax_rows("icms", shape[0][0]):  # `tax_row` on the first line
            if row.condition is not None or rule is None:
                raise NoPlan  # value-dependent, or a gap (the generic path raises)
            self.icms = row.rate
            self.icms_text = rate_text(row.rate)  # type: ignore[arg-type]
            self.icms_rules = (rule,)
            self.gross = 1 - row.rate  # type: ignore[operator]
            break
        else:
            raise NoPlan

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        cvs = customs_values(self.fob, values, goods, req.shipping_cost, req.insurance_cost)
        value = sum(cvs, ZERO)
        i = first_band(self.uppers, value)
        if i is None:
            return None  # above the last band: the generic path raises NotCovered
        rate, deduction, text, _rules = self.bands[i]
        ii = max(value * rate - deduction, ZERO).quantize(q, ROUND_HALF_UP)
        shown = value.quantize(q, ROUND_HALF_UP)
        base = (value + ii) / self.gross
        icms = self.icms
        taxes = [
            new_tax_line(
                "icms",
                base.quantize(q, ROUND_HALF_UP),
                self.icms_text,
                (base * icms).quantize(q, ROUND_HALF_UP),  # type: ignore[operator]
            )
        ]
        duties = [new_duty_line(self.label, shown, text, ii)]
        return self.finish(req, payer, shown, "CIF", duties, taxes, self.collected, self.regime, i)

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        # `Ctx.convert` of each bound tried, the band, its deduction, the ICMS row
        return [self.fx_rules, self.bands[path][3], self.fx_rules, self.icms_rules]


class MxPlan(Plan):
    """`mx.assess`: the courier global rate of the band every goods origin agrees on."""

    def __init__(self, route, scope, shape, table_version, out):
        super().__init__(route, scope, shape, table_version, out)
        if scope.channel == "post":
            raise NoPlan  # the generic path raises NotCovered
        self.per_origin = []
        fx_rules: list[Rule] = []
        for origin in sorted(set(shape[1])):
            bands = scope.tariff.bands(scope.dest, "courier_global", scope.on, origin)
            if not bands:
                raise NoPlan
            uppers, rules = converted(scope, bands)
            fx_rules.extend(rules)
            self.per_origin.append((uppers, bands))
        self.fx_rules = tuple(fx_rules)

    def run(self, req: QuoteRequest, payer: str) -> Quote | None:
        q = self.q
        values = [ln.quantity * ln.unit_value for ln in req.lines]
        goods = sum(values, ZERO)
        cvs = customs_values(self.fob, values, goods, req.shipping_cost, req.insurance_cost)
        value = sum(cvs, ZERO)
        chosen = i = None
        for uppers, bands in self.per_origin:
            i = first_band(uppers, value)
            if i is None:
                return None  # above the last band: the generic path raises NotCovered
            band = bands[i]
            if chosen is not None and chosen.rate != band.rate:
                return None  # origins with different rates: the generic path raises
            chosen = band
        assert chosen is not None  # the last origin's band `i` is the one noted
        shown = value.quantize(q, ROUND_HALF_UP)
        duties = [
            new_duty_line(
                "mx_courier_global_rate",
                shown,
                rate_text(chosen.rate),
                (value * chosen.rate).quantize(q, ROUND_HALF_UP),
            )
        ]
        return self.finish(
            req, payer, shown, "CIF", duties, [], "border", "mx_courier_global_rate", i
        )

    def rule_chunks(self, path) -> list[Sequence[Rule]]:
        return [self.fx_rules, (mx_band_rule(self.per_origin[-1][1][path]),)]
