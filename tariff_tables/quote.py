"""The quote engine's entry point: pick the destination's regime, run it, package the result.

Regimes assess in the order currency, except those whose rounding rules only make sense in
the national currency (China, Japan): they assess in it and the engine converts back at the
same official rate, so the order-currency lines still add up to the totals.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import NotCovered
from .loader import load_tariff
from .model import Profile
from .money import ZERO, exponent
from .regimes import REGIMES, Regime
from .regimes.common import Assessment, Ctx
from .regimes.scope import Scope, fx_text, rule_for, scope_for
from .request import QuoteRequest
from .result import DutyLine, FeeLine, Quote, Rule, TaxLine
from .tariff import Tariff


def quote(request: QuoteRequest, as_of: date, tariff: Tariff | None = None) -> Quote:
    """Landed-cost quote for `request` under the tables in force on `as_of`.

    Raises NotCovered when the tables lack a figure the quote needs, QuoteRefused when the
    order cannot use the channel, InvalidRequest when the request is malformed.
    """
    route = route_for(request, as_of, tariff or load_tariff())
    ctx = Ctx(request, route.scope, route.fx_in, route.lead)
    return package(request, route.regime.assess(ctx), ctx, route)


def payer_of(req: QuoteRequest) -> str:
    """DDP puts duties and taxes on the sender whatever else the order says."""
    if req.incoterm == "DDP":
        return "sender"
    return req.duty_payer or "recipient"


def _profile_text(p: Profile) -> tuple[str, str]:
    return (
        f"profile:{p.destination}:{p.valid_from}",
        f"{p.destination}: {p.valuation} valuation, "
        f"{p.rounding} rounding, assessed under {p.regime}" + (f"; {p.note}" if p.note else ""),
    )


class Route:
    """How one destination assesses orders in one currency on one date: the regime, the
    shared Scope (whose currency is the computation currency) and the rules every such
    quote starts with.

    Built once per (destination, date, order currency, region, channel) and kept on the
    Tariff; a failed lookup raises before anything is stored, so errors stay as they were.
    """

    __slots__ = (
        "regime",
        "dest_cur",
        "dest_quantum",
        "fx_in",
        "back",
        "lead",
        "scope",
        "table_version",
        "_out",
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
        self.regime: Regime = regime
        self.dest_cur = profile.currency
        self.dest_quantum = exponent(profile.currency)
        # national-currency regimes: order currency → national currency, and back
        self.fx_in: Decimal | None = None
        self.back: Decimal | None = None
        cur = request.currency
        lead: list[Rule] = []
        if regime.national_currency and cur != self.dest_cur:
            self.fx_in, fx_row = tariff.fx(cur, self.dest_cur, as_of, profile.destination)
            self.back = Decimal(1) / self.fx_in
            cur = self.dest_cur
            if fx_row is not None:
                lead.append(rule_for(fx_row, fx_text))
        lead.append(rule_for(profile, _profile_text))
        self.lead = {id(r): r for r in lead}
        self.scope: Scope = scope_for(
            tariff, as_of, profile, cur, request.destination_region, request.channel
        )
        self.table_version = tariff.table_version
        self._out: tuple[Decimal, Rule | None] | str | None = None

    def to_destination(self) -> tuple[Decimal, Rule | None] | str:
        """(rate, rule) from the computation currency to the destination currency, or why
        there is none (a quote is still answered in the order currency without it).

        Looked up on first use, after an assessment: a quote that fails for another reason
        names that reason, not a missing rate it would never have needed."""
        out = self._out
        if out is None:
            scope = self.scope
            try:
                rate, row = scope.tariff.fx(scope.cur, self.dest_cur, scope.on, scope.dest)
            except NotCovered as exc:
                out = self._out = str(exc)
            else:
                out = self._out = (rate, rule_for(row, fx_text) if row is not None else None)
        return out


def route_for(request: QuoteRequest, as_of: date, tariff: Tariff) -> Route:
    """The memoised Route of a request (kept on the Tariff, like its Scopes)."""
    key = (
        request.destination_country,
        as_of,
        request.currency,
        request.destination_region,
        request.channel,
    )
    route = tariff.routes.get(key)
    if route is None:
        route = tariff.routes[key] = Route(request, as_of, tariff)
    return route  # type: ignore[return-value]


def package(req: QuoteRequest, a: Assessment, ctx: Ctx, route: Route) -> Quote:
    """The one place an assessment becomes a Quote: lines in the order currency, totals
    in the destination currency (or why there are none), the payer, and the rules in
    order of first use."""
    totals: dict[str, Decimal] | None = _totals(a, ctx.quantum)
    missing = None
    if route.back is not None:  # assessed in the national currency: lines back
        a = _back(a, route.back, req.currency)
    elif route.dest_cur != ctx.cur:
        out = route.to_destination()
        if isinstance(out, str):  # no rate into the destination currency
            totals, missing = None, out
        else:
            rate, rule = out
            if rule is not None:
                ctx.add_rule(rule)
            totals = _converted(totals, rate, route.dest_quantum)  # type: ignore[arg-type]
    return Quote(  # positional (the field order of Quote): cheaper than 13 keywords
        req.currency,
        a.customs_value,
        a.valuation,
        tuple(a.duties),
        tuple(a.taxes),
        tuple(a.fees),
        a.collected_at,
        payer_of(req),
        a.regime,
        tuple(ctx._rules.values()),
        route.table_version,
        route.dest_cur,
        totals,
        missing,
    )


def _totals(a: Assessment, quantum: Decimal) -> dict[str, Decimal]:
    """Customs value and totals of an assessment, in its own currency."""
    duty = tax = fee = ZERO
    for d in a.duties:
        duty += d.amount
    for t in a.taxes:
        tax += t.amount
    for f in a.fees:
        fee += f.amount
    duty = duty.quantize(quantum)
    tax = tax.quantize(quantum)
    fee = fee.quantize(quantum)
    return {
        "customs_value": a.customs_value,
        "duty_total": duty,
        "tax_total": tax,
        "fee_total": fee,
        "total": duty + tax + fee,
    }


def _converted(totals: dict[str, Decimal], rate: Decimal, quantum: Decimal) -> dict[str, Decimal]:
    """Totals at `rate`, each rounded half-up to `quantum`; the total adds the rounded."""
    duty = (totals["duty_total"] * rate).quantize(quantum, ROUND_HALF_UP)
    tax = (totals["tax_total"] * rate).quantize(quantum, ROUND_HALF_UP)
    fee = (totals["fee_total"] * rate).quantize(quantum, ROUND_HALF_UP)
    return {
        "customs_value": (totals["customs_value"] * rate).quantize(quantum, ROUND_HALF_UP),
        "duty_total": duty,
        "tax_total": tax,
        "fee_total": fee,
        "total": duty + tax + fee,
    }


def _back(a: Assessment, rate: Decimal, currency: str) -> Assessment:
    """Re-express an assessment made in the national currency in the order currency."""
    q = exponent(currency)

    def conv(x: Decimal) -> Decimal:
        return (x * rate).quantize(q, ROUND_HALF_UP)

    return Assessment(
        conv(a.customs_value),
        a.valuation,
        a.regime,
        a.collected_at,
        [DutyLine(d.measure, conv(d.base), d.rate, conv(d.amount)) for d in a.duties],
        [TaxLine(t.kind, conv(t.base), t.rate, conv(t.amount)) for t in a.taxes],
        tuple([FeeLine(f.kind, conv(f.amount)) for f in a.fees]),
    )
