"""Seller reports on the export side: VAT rebate ceilings and FX settlement, per period.

Both reports read export orders (``flow = export``, not cancelled) whose order date lies in
the period; the order date is ``ordered_at``, else the UTC date the order was stored. Until
export declaration dates are recorded per order, that date stands in for the export date
on which rebate rates (``tariff_tables`` rebate table) and official FX rates are looked up.

What they can and cannot say:

- Orders carry no purchase invoices, so the 免退 refund of trading companies (invoice
  amount excluding VAT × rebate rate) cannot be computed from them. The export-rebate
  report gives, per line, the dated rebate rate and the 免抵退 ceiling FOB × rebate rate in
  CNY (the manufacturers' limit), taking FOB as the line's goods value (freight and
  insurance are separate fields on the order and are left out).
- A line whose HS code has no tabulated rebate rate, or whose currency has no official rate
  to CNY on its date, carries a "not covered: …" note and no CNY amount; totals sum only
  covered lines and say how many were left out. Nothing missing is ever counted as zero.
- No export receipts (foreign-currency money received) are recorded yet, so the FX
  settlement report shows receipts as 0 and says so in its notes.

``tariff_tables.fx_settlement_report`` is not reused: its rebate column is the 免退 refund
(which needs purchase invoices), it takes one settlement rate per currency for the whole
period (official rates are dated per month), and one missing rate aborts the whole report
where this one marks the currency as not covered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from tariff_tables import FxRate, InvalidRequest, NotCovered, rebate
from tariff_tables.money import ZERO, exponent, fmt, half_up
from tariff_tables.request import normalise_hs

from ..errors import Forbidden
from ..extensions import db
from ..models import Order, User
from .quoting import tariff

REBATE_COLUMNS = (
    "order_id",
    "order_no",
    "seller_id",
    "order_date",
    "status",
    "line_no",
    "hs_code",
    "description",
    "currency",
    "value",
    "rebate_rate",
    "rebate_source",
    "fx_rate",
    "fx_source",
    "fob_cny",
    "rebate_ceiling_cny",
    "note",
)
SETTLEMENT_COLUMNS = (
    "currency",
    "orders",
    "declared_export_value",
    "receipts",
    "unreceived",
    "declared_export_value_cny",
    "rebate_claimable_cny",
    "complete",
    "not_covered",
)

NOTE_NO_INVOICES = (
    "Orders carry no purchase invoices, so the 免退 refund (purchase amount excl. VAT × "
    "rebate rate) cannot be computed; the amounts shown are the 免抵退 ceiling FOB × rebate "
    "rate, with FOB taken as the goods value of the line (freight and insurance excluded)."
)
NOTE_EXPORT_DATE = (
    "Export dates are not recorded yet: the order date (ordered_at, else the UTC date the "
    "order was stored) stands in for the export date when rates are looked up."
)
NOTE_CANCELLED = "Cancelled orders are left out."
NOTE_NO_RECEIPTS = (
    "No export receipts are recorded in Silkpost yet, so receipts are 0 and the whole "
    "declared value shows as unreceived."
)


@dataclass
class ReportLine:
    order: Order
    order_date: date
    line_no: int
    hs_code: str
    description: str
    value: Decimal
    rebate_rate: Decimal | None = None
    rebate_source: str | None = None
    fx_rate: Decimal | None = None
    fx_source: str | None = None
    fob_cny: Decimal | None = None
    ceiling_cny: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.order.currency


def _money(amount: Decimal, currency: str) -> str:
    """Exact amount, shown with the currency's minor units when that loses nothing."""
    q = amount.quantize(exponent(currency))
    return fmt(q) if q == amount else fmt(amount.normalize())


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value.normalize())


def order_date(order: Order) -> date:
    return order.ordered_at or order.created_at.date()


def _seller_filter(user: User, seller_id: str | None) -> str | None:
    """The seller whose data the user may see: a seller only its own; brokers any or all."""
    if user.role == "seller":
        own = user.seller.id if user.seller else None
        if own is None:
            raise Forbidden("This user has no seller account.")
        if seller_id is not None and seller_id != own:
            raise Forbidden("Sellers see only their own reports.")
        return own
    if user.role not in ("broker", "admin"):
        raise Forbidden("Reports are for sellers, brokers and admins.")
    return seller_id


def export_orders(seller_id: str | None, start: date, end: date) -> list[Order]:
    """Non-cancelled export orders whose order date lies in [start, end]."""
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    stmt = (
        select(Order)
        .options(selectinload(Order.lines))
        .where(
            Order.flow == "export",
            Order.status != "cancelled",
            or_(
                Order.ordered_at.between(start, end),
                and_(Order.ordered_at.is_(None), Order.created_at >= lo, Order.created_at < hi),
            ),
        )
        .order_by(Order.ordered_at, Order.created_at, Order.order_no, Order.id)
    )
    if seller_id is not None:
        stmt = stmt.where(Order.seller_id == seller_id)
    orders = list(db.session.execute(stmt).scalars())
    return sorted(orders, key=lambda o: (order_date(o), o.order_no, o.id))


CN_CUSTOMS = "CN"  # export declarations convert at China customs' rate (its tariff FX rule)


def fx_source(row: FxRate | None) -> str:
    """The rate a CNY figure used, named with its date, how it was obtained and its source."""
    if row is None:
        return "same currency"
    how = f"; {row.note}" if row.note else ""
    return (
        f"{row.base}/{row.quote} {row.rate} of {row.valid_from} ({row.period}{how}); {row.source}"
    )


def rebate_lines(orders: Iterable[Order]) -> list[ReportLine]:
    """One line per order line: dated rebate rate, FX to CNY and the 免抵退 ceiling."""
    t = tariff()
    out = []
    for order in orders:
        on = order_date(order)
        for ln in order.lines:
            row = ReportLine(order, on, ln.line_no, ln.hs_code, ln.description, ln.line_value)
            out.append(row)
            try:
                hs = normalise_hs(ln.hs_code)
                found = t.rebate_rate(hs, on)
                row.rebate_rate, row.rebate_source = found.rate, found.source
            except (NotCovered, InvalidRequest) as exc:
                row.notes.append(str(exc))
            try:
                fx, fx_row = t.fx(order.currency, "CNY", on, CN_CUSTOMS)
                row.fx_rate = fx
                row.fx_source = fx_source(fx_row)
                row.fob_cny = half_up(ln.line_value * fx)
            except NotCovered as exc:
                row.notes.append(str(exc))
            if row.rebate_rate is not None and row.fob_cny is not None:
                row.ceiling_cny = rebate(
                    ZERO,
                    Decimal("0.13"),
                    hs,
                    on,
                    "exempt_credit_refund",
                    fob_cny=row.fob_cny,
                    tariff=t,
                ).limit
    return out


def _line_json(row: ReportLine) -> dict[str, Any]:
    o = row.order
    return {
        "order_id": o.id,
        "order_no": o.order_no,
        "seller_id": o.seller_id,
        "order_date": row.order_date.isoformat(),
        "status": o.status,
        "line_no": row.line_no,
        "hs_code": row.hs_code,
        "description": row.description,
        "currency": o.currency,
        "value": _money(row.value, o.currency),
        "rebate_rate": _rate(row.rebate_rate),
        "rebate_source": row.rebate_source,
        "fx_rate": _rate(row.fx_rate),
        "fx_source": row.fx_source,
        "fob_cny": fmt(row.fob_cny) if row.fob_cny is not None else None,
        "rebate_ceiling_cny": fmt(row.ceiling_cny) if row.ceiling_cny is not None else None,
        "note": "; ".join(row.notes) or None,
    }


def _sum(values: Sequence[Decimal | None]) -> str | None:
    """Sum of the known values; None when none is known (never a made-up zero)."""
    known = [v for v in values if v is not None]
    return fmt(sum(known, ZERO)) if known else None


def _by_currency(rows: list[ReportLine]) -> dict[str, list[ReportLine]]:
    groups: dict[str, list[ReportLine]] = {}
    for row in rows:
        groups.setdefault(row.currency, []).append(row)
    return dict(sorted(groups.items()))


def _period(start: date, end: date, seller_id: str | None) -> dict[str, Any]:
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "seller_id": seller_id,
        "table_version": tariff().table_version,
    }


def export_rebates(user: User, start: date, end: date, seller_id: str | None = None) -> dict:
    """Per export line in the period: value, dated rebate rate, 免抵退 ceiling in CNY."""
    seller_id = _seller_filter(user, seller_id)
    rows = rebate_lines(export_orders(seller_id, start, end))
    totals = []
    for cur, group in _by_currency(rows).items():
        covered = [r for r in group if r.ceiling_cny is not None]
        totals.append(
            {
                "currency": cur,
                "lines": len(group),
                "value": _money(sum((r.value for r in group), ZERO), cur),
                "covered_lines": len(covered),
                "not_covered_lines": len(group) - len(covered),
                "fob_cny": _sum([r.fob_cny for r in covered]),
                "rebate_ceiling_cny": _sum([r.ceiling_cny for r in covered]),
            }
        )
    notes = [NOTE_NO_INVOICES, NOTE_EXPORT_DATE, NOTE_CANCELLED]
    missing = sum(t["not_covered_lines"] for t in totals)
    if missing:
        notes.append(
            f"{missing} line(s) are not covered (no tabulated rebate rate or no official rate "
            "to CNY on their date, see each line's note): their CNY amounts are left out of "
            "the totals, not counted as zero."
        )
    return {
        **_period(start, end, seller_id),
        "rows": [_line_json(r) for r in rows],
        "totals": totals,
        "notes": notes,
    }


def fx_settlement(user: User, start: date, end: date, seller_id: str | None = None) -> dict:
    """Per currency: declared export value, receipts, CNY equivalent, rebate claimable."""
    seller_id = _seller_filter(user, seller_id)
    rows = rebate_lines(export_orders(seller_id, start, end))
    lines = []
    for cur, group in _by_currency(rows).items():
        declared = sum((r.value for r in group), ZERO)
        gaps = sorted({n for r in group for n in r.notes})
        converted = [r.fob_cny for r in group]
        lines.append(
            {
                "currency": cur,
                "orders": len({r.order.id for r in group}),
                "declared_export_value": _money(declared, cur),
                "receipts": _money(ZERO, cur),
                "unreceived": _money(declared, cur),
                "declared_export_value_cny": _sum(converted),
                "rebate_claimable_cny": _sum([r.ceiling_cny for r in group]),
                "complete": not gaps,
                "not_covered": gaps,
            }
        )
    notes = [NOTE_NO_RECEIPTS, NOTE_NO_INVOICES, NOTE_EXPORT_DATE, NOTE_CANCELLED]
    if any(not line["complete"] for line in lines):
        notes.append(
            "Currencies marked complete=false have lines without an official rate to CNY or "
            "without a tabulated rebate rate: their CNY figures cover only the other lines."
        )
    return {**_period(start, end, seller_id), "currencies": lines, "notes": notes}


__all__ = [
    "REBATE_COLUMNS",
    "SETTLEMENT_COLUMNS",
    "export_rebates",
    "fx_settlement",
]
