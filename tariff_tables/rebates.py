"""China export VAT rebate (出口退税).

Three methods:
- `exempt_refund` (免退, trading companies): refund = purchase-invoice amount excluding VAT
  × rebate rate (never more than the VAT actually paid: the lower of rebate and VAT rate).
- `exempt_credit_refund` (免抵退, manufacturers): the limit is FOB × rebate rate; the refund
  is the smaller of that limit and the period-end uncredited input VAT, the rest is credited
  (免抵税额); FOB × (VAT rate − rebate rate) cannot be credited and goes to cost.
- `exempt_no_invoice` (无票免税): CBEC exports without purchase invoices in pilot zones are
  exempt from VAT without any refund.
Rates are dated by the export declaration date; amounts are rounded to the fen, half-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import InvalidRequest
from .loader import load_tariff
from .model import RebateRate
from .money import ZERO, half_up
from .request import normalise_hs
from .tariff import Tariff

METHODS = frozenset({"exempt_refund", "exempt_credit_refund", "exempt_no_invoice"})
# Chinese names accepted as aliases so callers can pass what their users type.
ALIASES = {
    "免退": "exempt_refund",
    "免抵退": "exempt_credit_refund",
    "无票免税": "exempt_no_invoice",
}


@dataclass(frozen=True, slots=True)
class RebateResult:
    """Outcome of one rebate computation, in CNY."""

    method: str
    hs_code: str
    rebate_rate: Decimal
    base: Decimal
    refund: Decimal
    credit: Decimal
    non_creditable: Decimal
    limit: Decimal | None
    reason: str
    source: str


def rebate(
    purchase_invoice_amount_incl_vat: Decimal,
    vat_rate: Decimal,
    hs: str,
    export_date: date,
    method: str = "exempt_refund",
    *,
    fob_cny: Decimal | None = None,
    uncredited_input_vat: Decimal | None = None,
    tariff: Tariff | None = None,
) -> RebateResult:
    """Export VAT rebate for one export line (or an aggregate of lines with one HS code).

    Raises NotCovered when no rebate rate is tabulated for `hs` on `export_date`.
    """
    method = ALIASES.get(method, method)
    if method not in METHODS:
        raise InvalidRequest(f"method {method!r} not one of {sorted(METHODS)}")
    code = normalise_hs(hs)
    if method == "exempt_no_invoice":
        return _no_invoice(code)
    row = (tariff or load_tariff()).rebate_rate(code, export_date)
    if method == "exempt_refund":
        return _exempt_refund(code, row, purchase_invoice_amount_incl_vat, vat_rate, export_date)
    if fob_cny is None:
        raise InvalidRequest("免抵退 needs fob_cny (the FOB value in CNY)")
    return _exempt_credit_refund(code, row, fob_cny, vat_rate, uncredited_input_vat)


def _no_invoice(code: str) -> RebateResult:
    """无票免税: exempt without refund."""
    return RebateResult(
        "exempt_no_invoice",
        code,
        ZERO,
        ZERO,
        ZERO,
        ZERO,
        ZERO,
        None,
        "无票免税: exempt from VAT without refund (no purchase invoice)",
        "DOMAIN.md §6.4 (CBEC exports without purchase invoices in pilot "
        "zones are exempt without refund)",
    )


def _exempt_refund(
    code: str, row: RebateRate, amount_incl_vat: Decimal, vat_rate: Decimal, on: date
) -> RebateResult:
    """免退: the invoice amount without VAT × the rebate rate, capped at the VAT rate."""
    amount = Decimal(amount_incl_vat)
    if amount < 0 or vat_rate < 0:
        raise InvalidRequest("purchase amount and VAT rate must be non-negative")
    rate = row.rate
    base = amount / (1 + vat_rate)
    applied = min(rate, vat_rate)
    refund = half_up(base * applied)
    reason = f"免退: {half_up(base)} excl. VAT × {applied}" + (
        " (rebate rate capped at the VAT rate)" if applied < rate else ""
    )
    if not rate:
        reason = f"no rebate for HS {row.hs} on {on.isoformat()}"
    return RebateResult(
        "exempt_refund", code, rate, half_up(base), refund, ZERO, ZERO, None, reason, row.source
    )


def _exempt_credit_refund(
    code: str,
    row: RebateRate,
    fob_cny: Decimal,
    vat_rate: Decimal,
    uncredited_input_vat: Decimal | None,
) -> RebateResult:
    """免抵退: refund the smaller of FOB × rate and the uncredited input VAT, credit the
    rest; FOB × (VAT rate − rebate rate) cannot be credited."""
    rate = row.rate
    limit = half_up(fob_cny * rate)
    non_creditable = half_up(fob_cny * max(vat_rate - rate, ZERO))
    if uncredited_input_vat is None:
        refund = limit
        reason = (
            "免抵退 limit = FOB × rebate rate (no period-end input VAT "
            "given: the refund shown is the limit)"
        )
    else:
        refund = min(half_up(uncredited_input_vat), limit)
        reason = "免抵退: refund = min(period-end uncredited input VAT, FOB × rate)"
    credit = ZERO if uncredited_input_vat is None else limit - refund
    return RebateResult(
        "exempt_credit_refund",
        code,
        rate,
        half_up(fob_cny),
        refund,
        credit,
        non_creditable,
        limit,
        reason,
        row.source,
    )
