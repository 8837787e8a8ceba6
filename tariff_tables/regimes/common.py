"""The assessment context of one quote, and what a regime returns.

Every regime is a function `assess(ctx) -> Assessment`. The steps they share live once,
beside this module: `values` (customs values, transport allocation, value bands),
`duties` (duty per line by longest HS prefix) and `taxes` (tax rows, taxes grouped by
rate on value + duty), so a regime module reads like its rule. Table questions go to the
shared `Scope`, which answers each once per destination, date and currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import InvalidRequest
from ..model import Threshold
from ..money import ZERO
from ..request import QuoteLine, QuoteRequest
from ..result import DutyLine, FeeLine, Rule, TaxLine
from .scope import RuleText, Scope, rule_for


def is_single_item(quantities: Sequence[Decimal]) -> bool:
    """One line of quantity one: the single indivisible item China's CBEC order limit spares
    (财关税〔2018〕49号); the quote and the customs simulator both ask this."""
    return len(quantities) == 1 and quantities[0] == 1


@dataclass(slots=True)
class Assessment:
    """What a regime returns, in the computation currency of the context."""

    customs_value: Decimal
    valuation: str
    regime: str
    collected_at: str
    duties: Sequence[DutyLine] = ()
    taxes: Sequence[TaxLine] = ()
    fees: Sequence[FeeLine] = ()  # no regime charges fees yet


class Ctx:
    """Everything a regime needs for one quote: the order's lines (`lines`, the request's
    own) and their values in the computation currency (`values`, line by line), plus the
    shared `Scope` that answers the table questions (and owns the rule texts)."""

    __slots__ = (
        "req",
        "scope",
        "on",
        "dest",
        "profile",
        "cur",
        "quantum",
        "lines",
        "values",
        "fx_in",
        "goods",
        "freight",
        "insurance",
        "_rules",
        "_origins",
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
        self.on: date = scope.on
        self.dest: str = scope.dest
        self.profile = scope.profile
        self.cur = scope.cur
        self.quantum = scope.quantum
        self.lines = lines = req.lines
        self.fx_in = fx_in  # 1 order currency in the computation currency (None: the same)
        if fx_in is None:
            values = [ln.quantity * ln.unit_value for ln in lines]
            self.freight = req.shipping_cost
            self.insurance = req.insurance_cost
        else:
            values = [ln.quantity * (ln.unit_value * fx_in) for ln in lines]
            self.freight = req.shipping_cost * fx_in
            self.insurance = req.insurance_cost * fx_in
        self.values = values
        self.goods = sum(values, ZERO)  # intrinsic value, in the computation currency
        # id → Rule in order of first use, the quote's rules (a dict keeps the place a key
        # was first stored at: recording a rule again changes nothing).
        self._rules: dict[int, Rule] = dict(lead) if lead else {}
        self._origins: frozenset[str] | None = None

    # -- bookkeeping -----------------------------------------------------------------------

    def add_rule(self, rule: Rule) -> None:
        self._rules[id(rule)] = rule

    def note(self, row: Any, build: RuleText, key: object = None) -> None:
        """Record that the quote applied `row`, stated by `build(row)` (or `build(row, key)`),
        the text built once per process (`scope.rule_for`)."""
        rule = rule_for(row, build, key)
        self._rules[id(rule)] = rule

    def round(self, amount: Decimal) -> Decimal:
        """Half-up to the minor unit of the computation currency."""
        return amount.quantize(self.quantum, ROUND_HALF_UP)

    # -- values ----------------------------------------------------------------------------

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        """`amount` in `currency` → computation currency at the dated official rate."""
        if currency == self.cur:
            return amount
        rate, rule = self.scope.fx_to_cur(currency)
        if rule is not None:
            self._rules[id(rule)] = rule
        return amount * rate

    def unit_value(self, line: QuoteLine) -> Decimal:
        """A line's unit value in the computation currency."""
        return line.unit_value if self.fx_in is None else line.unit_value * self.fx_in

    def single_item(self) -> bool:
        return is_single_item([ln.quantity for ln in self.lines])

    def weight(self) -> Decimal:
        w = self.req.weight_kg
        if w is None:
            raise InvalidRequest(
                "gross_weight_kg (or every line's net_weight_kg) is needed "
                f"for destination {self.dest}"
            )
        return w

    def param(self, name: str) -> Decimal:
        value, rule = self.scope.param(name)
        self._rules[id(rule)] = rule
        return value

    # -- thresholds ------------------------------------------------------------------------

    def threshold(self, ident: str) -> Threshold | None:
        """The strictest threshold `ident` over the dispatch country and every goods origin
        (see `Scope.threshold`)."""
        origins = self._origins
        if origins is None:
            origins = self._origins = frozenset(
                [self.req.origin_country, *[ln.origin_country for ln in self.lines]]
            )
        return self.scope.threshold(ident, origins, self.req.origin_country)

    def within(self, th: Threshold | None, value: Decimal | None = None) -> bool:
        """True when the order is at or under the threshold and nothing excludes it.

        `value` overrides the value computed from the threshold's base (Japan compares the
        taxable value after its personal-use reduction).
        """
        if th is None:
            return False
        rules = self._rules
        scope = self.scope
        if th.amount is None:  # suspended for these origins
            rule = scope.suspended_rule(th)
            rules[id(rule)] = rule
            return False
        if th.excludes:
            for ln in self.lines:
                rule = scope.excluded(th, ln.hs_code)
                if rule is not None:
                    rules[id(rule)] = rule
                    general = scope.general(th)
                    return False if general is None else self.within(general, value)
        plan = scope.within_plan(th)
        if plan.fx_rule is not None:
            rules[id(plan.fx_rule)] = plan.fx_rule
        if value is None:  # the value the threshold's base names
            base = th.base
            if base == "intrinsic" or base == "fob":
                value = self.goods
            elif base == "goods_and_shipping":
                value = self.goods + self.freight
            else:  # cif
                value = self.goods + self.freight + self.insurance
        ok = value <= plan.limit
        rule = plan.ok_rule if ok else plan.over_rule
        rules[id(rule)] = rule
        return ok
