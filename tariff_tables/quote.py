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
from .money import ZERO, exponent, round_money
from .regimes import REGIMES
from .regimes.common import Assessment, Ctx, fx_text
from .request import QuoteRequest
from .result import DutyLine, FeeLine, Quote, TaxLine
from .tariff import Tariff


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
    duty = sum((d.amount for d in a.duties), ZERO).quantize(q)
    tax = sum((t.amount for t in a.taxes), ZERO).quantize(q)
    fee = sum((f.amount for f in a.fees), ZERO).quantize(q)
    return {
        "customs_value": a.customs_value,
        "duty_total": duty,
        "tax_total": tax,
        "fee_total": fee,
        "total": duty + tax + fee,
    }


def quote(request: QuoteRequest, as_of: date, tariff: Tariff | None = None) -> Quote:
    """Landed-cost quote for `request` under the tables in force on `as_of`.

    Raises NotCovered when the tables lack a figure the quote needs, QuoteRefused when the
    order cannot use the channel, InvalidRequest when the request is malformed.
    """
    tariff = tariff or load_tariff()
    profile = tariff.profile(request.destination_country, as_of)
    regime = REGIMES.get(profile.regime)
    if regime is None:
        raise NotCovered(
            f"regime {profile.regime} not implemented",
            destination=request.destination_country,
            on=as_of,
        )
    assess, national = regime
    dest_cur = profile.currency
    fx_in = fx_row = None
    cur = request.currency
    if national and cur != dest_cur:
        fx_in, fx_row = tariff.fx(cur, dest_cur, as_of)
        cur = dest_cur
    ctx = Ctx(request, as_of, tariff, profile, cur, fx_in)
    if fx_row is not None:
        ctx.note(fx_row, fx_text)
    ctx.note(
        profile,
        lambda _r: (
            f"profile:{profile.destination}:{profile.valid_from}",
            f"{profile.destination}: {profile.valuation} valuation, "
            f"{profile.rounding} rounding, assessed under {profile.regime}"
            + (f"; {profile.note}" if profile.note else ""),
        ),
    )
    a = assess(ctx)

    if cur == request.currency:
        in_order = a
        if dest_cur == cur:
            dest_amounts = _totals(a, cur)
        else:
            rate, row = tariff.fx(cur, dest_cur, as_of)
            if row is not None:
                ctx.note(row, fx_text)
            t = _totals(a, cur)
            dest_amounts = {
                k: round_money(v * rate, dest_cur) for k, v in t.items() if k != "total"
            }
            dest_amounts["total"] = (
                dest_amounts["duty_total"] + dest_amounts["tax_total"] + dest_amounts["fee_total"]
            )
    else:
        dest_amounts = _totals(a, cur)
        back = Decimal(1) / fx_in  # type: ignore[operator]
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
        rules=tuple(ctx.rules),
        table_version=tariff.table_version,
        destination_currency=dest_cur,
        destination_amounts=dest_amounts,
    )
