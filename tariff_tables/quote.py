"""The quote engine's entry point: pick the destination's regime, run it, package the result.

Regimes assess in the order currency, except those whose rounding rules only make sense in
the national currency (China, Japan): they assess in it and the engine converts back at the
same official rate, so the order-currency lines still add up to the totals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .errors import NotCovered
from .loader import load_tariff
from .model import Profile
from .money import ZERO, exponent, round_money
from .regimes import PLANS, REGIMES
from .regimes.common import Assessment, Ctx
from .regimes.plan import Plan, compile_plan
from .regimes.scope import fx_text, rule_for, scope_for
from .request import QuoteRequest
from .result import DutyLine, FeeLine, Quote, Rule, TaxLine
from .tariff import Tariff

_UNSEEN = object()
MAX_PLANS = 4096  # compiled shapes kept per route
MAX_FAST = 65536  # (route, shape) → plan entries kept per Tariff


def payer_of(req: QuoteRequest) -> str:
    """DDP puts duties and taxes on the sender whatever else the order says."""
    if req.incoterm == "DDP":
        return "sender"
    return req.duty_payer or "recipient"


def _back(a: Assessment, rate: Decimal, currency: str) -> Assessment:
    """Re-express an assessment made in the national currency in the order currency."""

    def conv(x: Decimal) -> Decimal:
        return round_money(x * rate, currency)

    return Assessment(
        conv(a.customs_value),
        a.valuation,
        a.regime,
        a.collected_at,
        [DutyLine(d.measure, conv(d.base), d.rate, conv(d.amount)) for d in a.duties],
        [TaxLine(t.kind, conv(t.base), t.rate, conv(t.amount)) for t in a.taxes],
        [FeeLine(f.kind, conv(f.amount)) for f in a.fees],
    )


def _totals(a: Assessment, currency: str) -> dict[str, Decimal]:
    q = exponent(currency)
    duty = tax = fee = ZERO
    for d in a.duties:
        duty += d.amount
    for t in a.taxes:
        tax += t.amount
    for f in a.fees:
        fee += f.amount
    duty = duty.quantize(q)
    tax = tax.quantize(q)
    fee = fee.quantize(q)
    return {
        "customs_value": a.customs_value,
        "duty_total": duty,
        "tax_total": tax,
        "fee_total": fee,
        "total": duty + tax + fee,
    }


def _profile_text(p: Profile) -> tuple[str, str]:
    return (
        f"profile:{p.destination}:{p.valid_from}",
        f"{p.destination}: {p.valuation} valuation, "
        f"{p.rounding} rounding, assessed under {p.regime}" + (f"; {p.note}" if p.note else ""),
    )


class _Route:
    """How one destination assesses orders in one currency on one date: the regime, the
    computation currency, the shared Scope and the rules every such quote starts with.

    Built once per (destination, date, order currency, region, channel) and kept on the
    Tariff; a failed lookup raises before anything is stored, so errors stay as they were.
    """

    __slots__ = (
        "assess",
        "currency",
        "dest_cur",
        "fx_in",
        "lead",
        "scope",
        "_out",
        "plan_class",
        "plans",
    )

    def __init__(self, request: QuoteRequest, as_of: date, tariff: Tariff):
        profile = tariff.profile(request.destination_country, as_of)
        regime = REGIMES.get(profile.regime)
        if regime is None:
            raise NotCovered(
                f"regime {profile.regime} not implemented",
                destination=request.destination_country,
                on=as_of,
            )
        self.assess, national = regime
        self.dest_cur = dest_cur = profile.currency
        self.fx_in: Decimal | None = None
        cur = request.currency
        lead: list[Rule] = []
        if national and cur != dest_cur:
            self.fx_in, fx_row = tariff.fx(cur, dest_cur, as_of)
            cur = dest_cur
            if fx_row is not None:
                lead.append(rule_for(fx_row, fx_text))
        lead.append(rule_for(profile, _profile_text))
        self.lead = {id(r): r for r in lead}
        self.scope = scope_for(
            tariff, as_of, profile, cur, request.destination_region, request.channel
        )
        self._out: tuple[Decimal, Rule | None] | None = None
        # Compiled fast paths per order shape (None: this shape takes the generic path).
        self.currency = request.currency
        self.plan_class = PLANS.get(profile.regime)
        self.plans: dict[tuple, Plan | None] = {}

    def to_destination(self, tariff: Tariff, cur: str, as_of: date) -> tuple[Decimal, Rule | None]:
        """(rate, rule) from the order currency to the destination currency."""
        out = self._out
        if out is None:
            rate, row = tariff.fx(cur, self.dest_cur, as_of)
            out = self._out = (rate, rule_for(row, fx_text) if row is not None else None)
        return out


def _route_for(request: QuoteRequest, as_of: date, tariff: Tariff) -> _Route:
    key = (
        request.destination_country,
        as_of,
        request.currency,
        request.destination_region,
        request.channel,
    )
    route = tariff.routes.get(key)
    if route is None:
        route = tariff.routes[key] = _Route(request, as_of, tariff)
    return route


def quote(request: QuoteRequest, as_of: date, tariff: Tariff | None = None) -> Quote:
    """Landed-cost quote for `request` under the tables in force on `as_of`.

    Raises NotCovered when the tables lack a figure the quote needs, QuoteRefused when the
    order cannot use the channel, InvalidRequest when the request is malformed.
    """
    tariff = tariff or load_tariff()
    lines = request.lines
    # One lookup for the common case: route key + order shape → the compiled plan, or None
    # when that shape takes the generic path. `fast_key[5:]` must equal `shape_of(request)`
    # (tests/unit/tariff/test_tariff_plan_equivalence.py checks it).
    # The shape's HS codes and goods origins, in line order (one pass: cheaper than two
    # comprehensions on CPython 3.11, and the commonest order, one line, needs no loop).
    if len(lines) == 1:
        line = lines[0]
        hs_codes: tuple[str, ...] = (line.hs_code,)
        origins: tuple[str, ...] = (line.origin_country,)
    else:
        hs_list = []
        origin_list = []
        for line in lines:
            hs_list.append(line.hs_code)
            origin_list.append(line.origin_country)
        hs_codes = tuple(hs_list)
        origins = tuple(origin_list)
    fast_key = (
        request.destination_country,
        as_of,
        request.currency,
        request.destination_region,
        request.channel,
        hs_codes,
        origins,
        request.origin_country,
        request.seller_collects_vat,
        request.category,
    )
    fast = tariff.plans
    plan = fast.get(fast_key, _UNSEEN)
    if plan is not _UNSEEN:
        if plan is not None:
            # `payer_of(request)`, inline on the hot path
            payer = "sender" if request.incoterm == "DDP" else request.duty_payer or "recipient"
            done = plan.run(request, payer)
            if done is not None:  # None: a rare case the plan leaves to the generic path
                return done
        route = tariff.routes[fast_key[:5]]
    else:
        route = _route_for(request, as_of, tariff)
        if route.plan_class is not None:
            shape = fast_key[5:]
            plans = route.plans
            plan = plans.get(shape, _UNSEEN)
            if plan is _UNSEEN:
                if len(plans) >= MAX_PLANS:  # bound the memo for long-running processes
                    plans.clear()
                plan = plans[shape] = compile_plan(route.plan_class, route, shape, tariff, as_of)
        else:
            plan = None
        if len(fast) >= MAX_FAST:
            fast.clear()
        fast[fast_key] = plan
        if plan is not None:
            done = plan.run(request, payer_of(request))
            if done is not None:
                return done
    ctx = Ctx(request, route.scope, route.fx_in, route.lead)
    a = route.assess(ctx)

    cur = ctx.cur
    dest_cur = route.dest_cur
    if cur == request.currency:
        in_order = a
        if dest_cur == cur:
            dest_amounts = _totals(a, cur)
        else:
            rate, rule = route.to_destination(tariff, cur, as_of)
            if rule is not None:
                ctx.add_rule(rule)
            t = _totals(a, cur)
            dest_amounts = {
                k: round_money(v * rate, dest_cur) for k, v in t.items() if k != "total"
            }
            dest_amounts["total"] = (
                dest_amounts["duty_total"] + dest_amounts["tax_total"] + dest_amounts["fee_total"]
            )
    else:
        dest_amounts = _totals(a, cur)
        back = Decimal(1) / route.fx_in  # type: ignore[operator]
        in_order = _back(a, back, request.currency)

    return Quote(
        currency=request.currency,
        customs_value=in_order.customs_value,
        valuation=in_order.valuation,
        duties=tuple(in_order.duties),
        taxes=tuple(in_order.taxes),
        fees=tuple(in_order.fees),
        collected_at=in_order.collected_at,
        payer=payer_of(request),
        regime=in_order.regime,
        rules=tuple(ctx._rules.values()),
        table_version=tariff.table_version,
        destination_currency=dest_cur,
        destination_amounts=dest_amounts,
    )
