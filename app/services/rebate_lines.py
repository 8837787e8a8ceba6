"""The lines an export rebate is claimed on, and the refund of each.

Two bases, always stated:

- ``customs`` — the customs declaration lines customs formed from the seller's released
  inventories (CEB792 summary results, :mod:`app.services.summaries`). A declaration line
  is one ``gseqno`` of one declaration; its value is the sum of the export order lines
  mapped to it (CEB792 carries no values), its commodity code is the line's ``gcode``. Its
  export date is the day (China time) customs released the last of its inventories, or,
  with no release on file, the day the declaration was formed.
- ``orders`` — each export order line, dated by the order date (``ordered_at``, else the
  UTC day the order was stored) while no export date is on file.

On either basis one rule prices a line (:func:`price`): the dated rebate rate of its HS
code; the official CNY rate on its export date by China customs' rule (the tariff's FX,
named with its date); then, when every order line behind it has purchase invoices, the 免退
refund (invoices excl. VAT × rebate rate, capped at the VAT rate paid), else the 免抵退
ceiling FOB × rebate rate, taking FOB as the goods value. A rate that is not tabulated
leaves the line "not covered", never counted as zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from declarations.ceb.receipts import CHINA_TIME
from tariff_tables import FxRate, InvalidRequest, NotCovered, Tariff, rebate
from tariff_tables.money import ZERO, half_up
from tariff_tables.request import normalise_hs

from ..extensions import db
from ..models import Order, OrderLine, SummaryDeclaration
from . import customs_facts, purchase_invoices
from .line_heads import lines_with_heads
from .purchase_invoices import InvoicedAmount

CN_CUSTOMS = "CN"  # export declarations convert at China customs' rate (its tariff FX rule)
CREDIT_VAT_RATE = Decimal("0.13")  # only shapes the non-creditable part, not the ceiling
METHODS = {"exempt_refund": "免退", "exempt_credit_refund": "免抵退"}


@dataclass
class RebateLine:
    """One line a rebate is claimed on: an order line, or a customs declaration line."""

    basis: str
    seller_id: str
    currency: str | None  # None: a declaration line without one currency (not priced)
    value: Decimal
    hs_code: str
    description: str
    export_date: date
    order_lines: list[tuple[Order, OrderLine]]
    declaration: SummaryDeclaration | None = None
    gseqno: int | None = None
    invoiced: InvoicedAmount | None = None
    invoiced_lines: int = 0
    priced: bool = True
    rebate_rate: Decimal | None = None
    rebate_source: str | None = None
    fx_rate: Decimal | None = None
    fx_source: str | None = None
    fob_cny: Decimal | None = None
    method: str | None = None
    refund_cny: Decimal | None = None
    ceiling_cny: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rebate_cny(self) -> Decimal | None:
        """The amount claimed: the 免退 refund, else the 免抵退 ceiling."""
        return self.refund_cny if self.method == "exempt_refund" else self.ceiling_cny

    @property
    def order_ids(self) -> list[str]:
        return list(dict.fromkeys(o.id for o, _ in self.order_lines))


def fx_source(row: FxRate | None) -> str:
    """The rate a CNY figure used, named with its date, how it was obtained and its source."""
    if row is None:
        return "same currency"
    how = f"; {row.note}" if row.note else ""
    return (
        f"{row.base}/{row.quote} {row.rate} of {row.valid_from} ({row.period}{how}); {row.source}"
    )


def price(row: RebateLine, t: Tariff) -> None:
    """The rebate rate, CNY value and refund of one line (notes say what is not covered)."""
    on, hs = row.export_date, None
    try:
        hs = normalise_hs(row.hs_code)
        found = t.rebate_rate(hs, on)
        row.rebate_rate, row.rebate_source = found.rate, found.source
    except (NotCovered, InvalidRequest) as exc:
        row.notes.append(str(exc))
    try:
        fx, fx_row = t.fx(row.currency, "CNY", on, CN_CUSTOMS)
        row.fx_rate, row.fx_source = fx, fx_source(fx_row)
        row.fob_cny = half_up(row.value * fx)
    except NotCovered as exc:
        row.notes.append(str(exc))
    if row.rebate_rate is None:
        return
    lines = len(row.order_lines)
    if row.invoiced is not None and row.invoiced_lines == lines:
        inv = row.invoiced
        found = rebate(
            inv.amount_excl_vat + inv.vat, inv.vat_rate, hs, on, "exempt_refund", tariff=t
        )
        row.method, row.refund_cny = "exempt_refund", found.refund
        return
    if row.invoiced_lines:
        row.notes.append(
            f"{row.invoiced_lines} of {lines} order lines have purchase invoices; the 免退 "
            "refund needs them for every line, so the 免抵退 ceiling is shown"
        )
    if row.fob_cny is not None:
        row.method = "exempt_credit_refund"
        row.ceiling_cny = rebate(
            ZERO, CREDIT_VAT_RATE, hs, on, "exempt_credit_refund", fob_cny=row.fob_cny, tariff=t
        ).limit


# -- orders basis --------------------------------------------------------------------------------


def order_date(order: Order) -> date:
    return order.ordered_at or order.created_at.date()


def order_rows(orders: list[Order], t: Tariff) -> list[RebateLine]:
    """One priced line per export order line."""
    invoiced = purchase_invoices.by_line(ln.id for o in orders for ln in o.lines)
    out = []
    for order in orders:
        for ln in order.lines:
            inv = invoiced.get(ln.id)
            row = RebateLine(
                basis="orders",
                seller_id=order.seller_id,
                currency=order.currency,
                value=ln.line_value,
                hs_code=ln.hs_code,
                description=ln.description,
                export_date=order_date(order),
                order_lines=[(order, ln)],
                invoiced=inv,
                invoiced_lines=1 if inv else 0,
            )
            price(row, t)
            out.append(row)
    return out


# -- customs basis -------------------------------------------------------------------------------


def declarations(seller_id: str | None, start: date) -> list[SummaryDeclaration]:
    """The declarations that may have an export date on or after ``start`` (one formed
    before it holds only goods released before it)."""
    since = datetime.combine(start - timedelta(days=1), time.min, tzinfo=CHINA_TIME)
    stmt = (
        select(SummaryDeclaration)
        .options(selectinload(SummaryDeclaration.lines))
        .where(SummaryDeclaration.op_time >= since)
        .order_by(SummaryDeclaration.op_time, SummaryDeclaration.sum_no)
    )
    if seller_id is not None:
        stmt = stmt.where(SummaryDeclaration.seller_id == seller_id)
    return list(db.session.execute(stmt).scalars())


def _order_lines(ids: set[str]) -> dict[str, tuple[Order, OrderLine]]:
    return lines_with_heads(OrderLine, Order, OrderLine.order_id, ids)


def customs_rows(seller_id: str | None, start: date, end: date, t: Tariff) -> list[RebateLine]:
    """One priced line per declaration line whose export date is in [start, end]."""
    decls = declarations(seller_id, start)
    known = _order_lines({ln.order_line_id for d in decls for ln in d.lines if ln.order_line_id})
    released = customs_facts.release_times({o.id for o, _ in known.values()})
    invoiced = purchase_invoices.by_line(known)
    out = []
    for decl in decls:
        on = _export_date(decl, known, released)
        if not start <= on <= end:
            continue
        groups: dict[int, list] = defaultdict(list)
        for ln in decl.lines:
            groups[ln.gseqno].append(ln)
        for gseqno, lines in sorted(groups.items()):
            row = _declaration_line(decl, gseqno, lines, known, invoiced, on)
            if row.priced:
                price(row, t)
            out.append(row)
    return out


def _export_date(decl: SummaryDeclaration, known: dict, released: dict[str, datetime]) -> date:
    times = [
        released[known[ln.order_line_id][0].id]
        for ln in decl.lines
        if ln.order_line_id in known and known[ln.order_line_id][0].id in released
    ]
    return customs_facts.china_date(max(times) if times else decl.op_time)


def _declaration_line(decl, gseqno, lines, known, invoiced, on: date) -> RebateLine:
    mapped = [known[ln.order_line_id] for ln in lines if ln.order_line_id in known]
    missing = [f"{ln.invt_no} item {ln.gnum}" for ln in lines if ln.order_line_id not in known]
    currencies = sorted({o.currency for o, _ in mapped})
    invs = [invoiced[ln.id] for _, ln in mapped if ln.id in invoiced]
    row = RebateLine(
        basis="customs",
        seller_id=decl.seller_id,
        currency=currencies[0] if len(currencies) == 1 else None,
        value=sum((ln.line_value for _, ln in mapped), ZERO),
        hs_code=lines[0].gcode,
        description=mapped[0][1].description if mapped else "",
        export_date=on,
        order_lines=mapped,
        declaration=decl,
        gseqno=gseqno,
        invoiced=purchase_invoices.combined(invs) if invs else None,
        invoiced_lines=len(invs),
    )
    if missing:
        row.priced = False
        row.notes.append(
            "not covered: inventory lines not among the stored export orders: " + ", ".join(missing)
        )
    elif len(currencies) != 1:
        row.priced = False
        row.notes.append("not covered: the lines mapped here are in " + ", ".join(currencies))
    return row


__all__ = [
    "METHODS",
    "RebateLine",
    "customs_rows",
    "fx_source",
    "order_date",
    "order_rows",
    "price",
]
