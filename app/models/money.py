"""Money around export orders: receipts of payment from the bank, and purchase invoices.

A receipt of payment (收汇, the bank side) is what reached the seller's account: amount,
currency, value date, payer and the bank's reference, which identifies it (one row per
seller and reference). It is matched to at most one export order; ``applied`` is what it
pays of that order and ``excess`` what it pays beyond the order's outstanding amount.
CEB403 (收款单), the customs side, carries none of the bank's fields and is built from the
order's payment record by the declarations package.

A purchase invoice (增值税专用发票) is the seller's domestic purchase of an exported line:
its amount excluding VAT and the VAT, which the 免退 export refund is computed from.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import MONEY, created_column, id_column

# How a receipt was matched to its order (None: unmatched, with the reason kept).
MATCHED_BY = ("order_no", "amount_payer")


class PaymentReceived(db.Model):
    __tablename__ = "payments_received"
    __table_args__ = (
        UniqueConstraint("seller_id", "bank_reference", name="uq_payments_received_reference"),
    )

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    bank_reference: Mapped[str] = mapped_column(String(60), nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    payer: Mapped[str] = mapped_column(String(200), nullable=False)
    # The order number the bank's remittance information named, as given.
    order_no: Mapped[str | None] = mapped_column(String(60))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    matched_by: Mapped[str | None] = mapped_column(String(12))
    unmatched_reason: Mapped[str | None] = mapped_column(Text)
    applied: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    excess: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    # What the bank credited in CNY when it settled the receipt (结汇), if the seller says.
    settled_cny: Mapped[Decimal | None] = mapped_column(MONEY)
    settled_on: Mapped[date | None] = mapped_column(Date)
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()


class PurchaseInvoice(db.Model):
    """The part of one purchase invoice that an export order line was bought with."""

    __tablename__ = "purchase_invoices"
    __table_args__ = (
        UniqueConstraint("order_line_id", "invoice_no", name="uq_purchase_invoices_line_no"),
    )

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    order_line_id: Mapped[str] = mapped_column(
        ForeignKey("order_lines.id"), nullable=False, index=True
    )
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    invoice_no: Mapped[str] = mapped_column(String(40), nullable=False)
    amount_excl_vat: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    vat: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    issued_on: Mapped[date | None] = mapped_column(Date)
    supplier: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
