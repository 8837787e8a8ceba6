"""Purchase invoices a seller records against its export order lines (for the 免退 refund).

A trading company's export refund (免退) is the purchase amount excluding VAT × the rebate
rate, capped at the VAT rate paid: it needs the purchase invoices of what was exported.
The seller records, per export order line, the invoice number and the part of that
invoice the line was bought with (amount excluding VAT, and its VAT, in CNY). An invoice
number is recorded once per line: sent again with the same amounts it changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import OrderLine, PurchaseInvoice, User
from . import audit
from .orders import get_order

ZERO = Decimal(0)
RECORDED = ("amount_excl_vat", "vat", "issued_on", "supplier")


@dataclass(frozen=True)
class InvoicedAmount:
    """What the invoices of one or more export lines add up to (CNY)."""

    amount_excl_vat: Decimal
    vat: Decimal
    invoices: tuple[str, ...]

    @property
    def vat_rate(self) -> Decimal:
        return self.vat / self.amount_excl_vat


def _line(order, line_no: int | None) -> OrderLine:
    lines = list(order.lines)
    if line_no is None:
        if len(lines) == 1:
            return lines[0]
        raise ValidationFailed(
            f"Order {order.order_no} has {len(lines)} lines: say which one.",
            {"line_no": [f"required: 1 to {len(lines)}"]},
        )
    found = next((ln for ln in lines if ln.line_no == line_no), None)
    if found is None:
        raise ValidationFailed(
            f"Order {order.order_no} has no line {line_no}.", {"line_no": [f"1 to {len(lines)}"]}
        )
    return found


def add(user: User, data: dict) -> tuple[PurchaseInvoice, bool]:
    """Record an invoice against an export order line; ``(invoice, created)``."""
    order = get_order(user, data["order_id"])
    if order.flow != "export":
        raise Conflict(
            "Purchase invoices support export refunds: the order is an import.",
            {"order_id": ["not an export order"]},
        )
    line = _line(order, data.get("line_no"))
    known = _stored(line.id, data["invoice_no"])
    if known is None:
        known = PurchaseInvoice(
            seller_id=order.seller_id,
            order_id=order.id,
            order_line_id=line.id,
            line_no=line.line_no,
            invoice_no=data["invoice_no"],
            created_by=user.id,
            **{k: data.get(k) for k in RECORDED},
        )
        db.session.add(known)
        try:
            db.session.flush()
            after = {"invoice_no": known.invoice_no, "line_no": line.line_no}
            audit.record(user.id, "invoice.recorded", "order", order.id, after=after)
            db.session.commit()
            return known, True
        except IntegrityError:
            db.session.rollback()
            known = _stored(line.id, data["invoice_no"])
    if any(getattr(known, k) != data.get(k) for k in RECORDED):
        raise Conflict(
            f"Invoice {data['invoice_no']} is already recorded for this line with other amounts.",
            {"invoice_no": ["already recorded"]},
        )
    return known, False


def _stored(line_id: str, invoice_no: str) -> PurchaseInvoice | None:
    return db.session.execute(
        select(PurchaseInvoice).where(
            PurchaseInvoice.order_line_id == line_id, PurchaseInvoice.invoice_no == invoice_no
        )
    ).scalar_one_or_none()


def for_order(user: User, order_id: str) -> list[PurchaseInvoice]:
    order = get_order(user, order_id)
    return list(
        db.session.execute(
            select(PurchaseInvoice)
            .where(PurchaseInvoice.order_id == order.id)
            .order_by(PurchaseInvoice.line_no, PurchaseInvoice.invoice_no)
        ).scalars()
    )


def by_line(line_ids: Iterable[str]) -> dict[str, InvoicedAmount]:
    """The invoiced amounts of each export order line that has invoices."""
    ids = list(set(line_ids))
    if not ids:
        return {}
    sums: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, []])
    rows = db.session.execute(
        select(PurchaseInvoice).where(PurchaseInvoice.order_line_id.in_(ids))
    ).scalars()
    for inv in rows:
        acc = sums[inv.order_line_id]
        acc[0] += inv.amount_excl_vat
        acc[1] += inv.vat
        acc[2].append(inv.invoice_no)
    return {k: InvoicedAmount(a, v, tuple(sorted(n))) for k, (a, v, n) in sums.items()}


def combined(amounts: Iterable[InvoicedAmount]) -> InvoicedAmount:
    """Invoiced amounts of several lines as one (a customs declaration line's)."""
    amounts = list(amounts)
    return InvoicedAmount(
        sum((a.amount_excl_vat for a in amounts), ZERO),
        sum((a.vat for a in amounts), ZERO),
        tuple(sorted({n for a in amounts for n in a.invoices})),
    )


__all__ = ["InvoicedAmount", "add", "by_line", "combined", "for_order"]
