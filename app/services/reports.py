"""Seller reports on the export side: the export rebate and FX settlement, per period.

Both reports state their ``basis``:

- ``customs`` — the customs declaration lines formed from the seller's released export
  inventories (CEB792 summary results), for the declarations whose export date lies in
  the period. Released exports not on any declaration yet are listed, not counted.
- ``orders`` — export order lines (``flow = export``, not cancelled) whose order date lies
  in the period, when no declaration of the period is on file (or when asked for).

How a line is priced (rebate rate, official CNY rate, 免退 refund or 免抵退 ceiling) is
:mod:`app.services.rebate_lines`; the settlement figures are :mod:`app.services.fx_settlement`.
A line whose HS code has no tabulated rebate rate, or whose currency has no official rate
to CNY on its date, carries a "not covered: …" note and no CNY amount; totals sum only
covered lines and say how many were left out. Nothing missing is ever counted as zero.

``tariff_tables.fx_settlement_report`` is not reused: it takes one settlement rate per
currency for the whole period (official rates are dated per month), and one missing rate
aborts the whole report where this one marks the currency as not covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from tariff_tables.money import ZERO, exponent, fmt

from ..errors import Forbidden
from ..extensions import db
from ..models import Order, SummaryResultLine, User
from . import customs_facts
from . import fx_settlement as settlement
from .quoting import tariff
from .rebate_lines import RebateLine, customs_rows, order_date, order_rows

BASES = ("customs", "orders")
_PRICED = (
    "rebate_rate",
    "rebate_source",
    "fx_rate",
    "fx_source",
    "fob_cny",
    "method",
    "invoice_amount_excl_vat",
    "invoice_vat",
    "invoices",
    "refund_cny",
    "rebate_ceiling_cny",
    "rebate_cny",
    "note",
)
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
    "basis",
    *_PRICED,
)
CUSTOMS_REBATE_COLUMNS = (
    "sum_no",
    "seller_id",
    "decl_seq_no",
    "entry_id",
    "gseqno",
    "export_date",
    "hs_code",
    "description",
    "currency",
    "value",
    "lines",
    "order_nos",
    "basis",
    *_PRICED,
)
SETTLEMENT_COLUMNS = (
    "currency",
    "orders",
    *settlement.MONEY,
    *settlement.CNY,
    "complete",
    "not_covered",
    "basis",
)

NOTE_METHOD = (
    "A line whose order lines all have purchase invoices shows the 免退 refund (invoices "
    "excl. VAT × rebate rate, capped at the VAT rate paid); any other line the 免抵退 "
    "ceiling FOB × rebate rate, with FOB taken as the goods value (freight and insurance "
    "excluded). `method` says which; `rebate_cny` is the amount of either."
)
NOTE_EXPORT_DATE = (
    "Basis orders: no export dates are on file for order lines, so the order date "
    "(ordered_at, else the UTC date the order was stored) stands in for the export date "
    "when rates are looked up."
)
NOTE_CUSTOMS = (
    "Basis customs: each row is a customs declaration line from CEB792 summary results; "
    "its value is the sum of the export order lines customs mapped to it, its export date "
    "the day (China time) the last of its inventories was released, or the day the "
    "declaration was formed when no release is on file."
)
NOTE_CANCELLED = "Cancelled orders are left out."


def _money(amount: Decimal, currency: str | None) -> str:
    """Exact amount, shown with the currency's minor units when that loses nothing."""
    if not currency:
        return fmt(amount.normalize())
    q = amount.quantize(exponent(currency))
    return fmt(q) if q == amount else fmt(amount.normalize())


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value.normalize())


def _cny(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


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


def rebate_rows(
    seller_id: str | None, start: date, end: date, basis: str | None
) -> tuple[str, list[RebateLine]]:
    """The basis (the one asked for, else customs when declarations of the period are on
    file) and its priced lines."""
    t = tariff()
    if basis in (None, "customs"):
        rows = customs_rows(seller_id, start, end, t)
        if rows or basis == "customs":
            return "customs", rows
    return "orders", order_rows(export_orders(seller_id, start, end), t)


def not_on_declarations(seller_id: str | None, start: date, end: date) -> list[str]:
    """Export orders released in the period that no customs declaration covers yet."""
    mapped = select(SummaryResultLine.order_id).where(SummaryResultLine.order_id.is_not(None))
    stmt = select(Order.id, Order.order_no).where(
        Order.flow == "export", Order.status == "released", Order.id.not_in(mapped)
    )
    if seller_id is not None:
        stmt = stmt.where(Order.seller_id == seller_id)
    found = dict(db.session.execute(stmt).all())
    released = customs_facts.release_times(found)
    return sorted(
        found[oid] for oid, at in released.items() if start <= customs_facts.china_date(at) <= end
    )


def _priced_json(row: RebateLine) -> dict[str, Any]:
    inv = row.invoiced
    return {
        "rebate_rate": _rate(row.rebate_rate),
        "rebate_source": row.rebate_source,
        "fx_rate": _rate(row.fx_rate),
        "fx_source": row.fx_source,
        "fob_cny": _cny(row.fob_cny),
        "method": row.method,
        "invoice_amount_excl_vat": _money(inv.amount_excl_vat, "CNY") if inv else None,
        "invoice_vat": _money(inv.vat, "CNY") if inv else None,
        "invoices": list(inv.invoices) if inv else [],
        "refund_cny": _cny(row.refund_cny),
        "rebate_ceiling_cny": _cny(row.ceiling_cny),
        "rebate_cny": _cny(row.rebate_cny),
        "note": "; ".join(row.notes) or None,
    }


def _line_json(row: RebateLine) -> dict[str, Any]:
    if row.basis == "customs":
        decl = row.declaration
        return {
            "basis": "customs",
            "seller_id": row.seller_id,
            "sum_no": decl.sum_no,
            "decl_seq_no": decl.decl_seq_no,
            "entry_id": decl.entry_id,
            "gseqno": row.gseqno,
            "export_date": row.export_date.isoformat(),
            "hs_code": row.hs_code,
            "description": row.description,
            "currency": row.currency,
            "value": _money(row.value, row.currency),
            "lines": len(row.order_lines),
            "order_nos": sorted({o.order_no for o, _ in row.order_lines}),
            **_priced_json(row),
        }
    order, line = row.order_lines[0]
    return {
        "basis": "orders",
        "order_id": order.id,
        "order_no": order.order_no,
        "seller_id": order.seller_id,
        "order_date": row.export_date.isoformat(),
        "status": order.status,
        "line_no": line.line_no,
        "hs_code": line.hs_code,
        "description": line.description,
        "currency": row.currency,
        "value": _money(row.value, row.currency),
        **_priced_json(row),
    }


def _sum(values: Sequence[Decimal | None]) -> str | None:
    """Sum of the known values; None when none is known (never a made-up zero)."""
    known = [v for v in values if v is not None]
    return fmt(sum(known, ZERO)) if known else None


def _by_currency(rows: list[RebateLine]) -> dict[str | None, list[RebateLine]]:
    """Rows per currency, by code; rows of no one currency (not priced) last."""
    groups: dict[str | None, list[RebateLine]] = {}
    for row in rows:
        groups.setdefault(row.currency, []).append(row)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))


def _totals(rows: list[RebateLine]) -> list[dict]:
    out = []
    for cur, group in _by_currency(rows).items():
        covered = [r for r in group if r.rebate_cny is not None]
        out.append(
            {
                "currency": cur,
                "lines": len(group),
                "value": _money(sum((r.value for r in group), ZERO), cur),
                "covered_lines": len(covered),
                "not_covered_lines": len(group) - len(covered),
                "fob_cny": _sum([r.fob_cny for r in covered]),
                "refund_cny": _sum([r.refund_cny for r in covered]),
                "rebate_ceiling_cny": _sum([r.ceiling_cny for r in covered]),
                "rebate_cny": _sum([r.rebate_cny for r in covered]),
            }
        )
    return out


def _period(start: date, end: date, seller_id: str | None, basis: str) -> dict[str, Any]:
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "seller_id": seller_id,
        "basis": basis,
        "table_version": tariff().table_version,
    }


def _basis_notes(basis: str, seller_id: str | None, start: date, end: date) -> dict[str, Any]:
    if basis == "orders":
        return {"notes": [NOTE_EXPORT_DATE, NOTE_CANCELLED, NOTE_METHOD]}
    missing = not_on_declarations(seller_id, start, end)
    notes = [NOTE_CUSTOMS, NOTE_METHOD]
    if missing:
        notes.append(
            f"{len(missing)} export order(s) released in the period are on no customs "
            "declaration yet (see not_on_declarations): they are not counted."
        )
    return {"notes": notes, "not_on_declarations": missing}


def export_rebates(
    user: User, start: date, end: date, seller_id: str | None = None, basis: str | None = None
) -> dict:
    """The rebate lines of the period on the stated basis, with totals per currency."""
    seller_id = _seller_filter(user, seller_id)
    basis, rows = rebate_rows(seller_id, start, end, basis)
    totals = _totals(rows)
    extra = _basis_notes(basis, seller_id, start, end)
    missing = sum(t["not_covered_lines"] for t in totals)
    if missing:
        extra["notes"].append(
            f"{missing} line(s) are not covered (no tabulated rebate rate, no official rate "
            "to CNY on their date, or lines customs mapped that are not stored orders; see "
            "each line's note): their CNY amounts are left out of the totals, not counted "
            "as zero."
        )
    return {
        **_period(start, end, seller_id, basis),
        "rows": [_line_json(r) for r in rows],
        "totals": totals,
        **extra,
    }


def _settlement_json(line: dict, basis: str) -> dict:
    cur = line["currency"]
    out: dict[str, Any] = {"basis": basis}
    for k, v in line.items():
        if k in settlement.MONEY:
            v = _money(v, cur)
        elif k in settlement.CNY:
            v = None if v is None else _money(v, "CNY")
        out[k] = v
    return out


def fx_settlement(
    user: User,
    start: date,
    end: date,
    seller_id: str | None = None,
    basis: str | None = None,
    as_of: date | None = None,
) -> dict:
    """Per currency: declared, received, outstanding, settled into CNY and ageing."""
    seller_id = _seller_filter(user, seller_id)
    basis, rows = rebate_rows(seller_id, start, end, basis)
    as_of = as_of or customs_facts.china_date(datetime.now(UTC))
    lines = settlement.settlement(rows, seller_id, start, end, as_of, tariff())
    extra = _basis_notes(basis, seller_id, start, end)
    extra["notes"].append(
        "Receipts are those matched to the orders behind these lines, whenever they arrived; "
        "received_cny converts each at China customs' official rate of its value date, "
        "settled_cny is what the bank credited for the receipts recorded as settled. "
        f"Ageing counts days from each order's release to {as_of.isoformat()}."
    )
    if any(not line["complete"] for line in lines):
        extra["notes"].append(
            "Currencies marked complete=false have lines or receipts without an official rate "
            "to CNY or without a tabulated rebate rate: their CNY figures cover only the rest."
        )
    return {
        **_period(start, end, seller_id, basis),
        "as_of": as_of.isoformat(),
        "currencies": [_settlement_json(line, basis) for line in lines],
        **extra,
    }


def rebate_columns(basis: str) -> tuple[str, ...]:
    return CUSTOMS_REBATE_COLUMNS if basis == "customs" else REBATE_COLUMNS


__all__ = [
    "BASES",
    "CUSTOMS_REBATE_COLUMNS",
    "REBATE_COLUMNS",
    "SETTLEMENT_COLUMNS",
    "export_rebates",
    "fx_settlement",
    "rebate_columns",
]
