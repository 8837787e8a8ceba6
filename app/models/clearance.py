"""Clearance state: customs status events, the CBEC annual quota ledger, label batches."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import MONEY, AwareDateTime, BatchProgress, created_column, id_column


class StatusEvent(db.Model):
    """One status reported by a customs receipt, matched to an order by business key.

    Receipts repeat and arrive out of order; the unique key makes a repeat a no-op and the
    current status is folded from all events, never taken from the latest arrival.
    """

    __tablename__ = "status_events"
    __table_args__ = (
        UniqueConstraint(
            "message_type", "business_key", "status", "occurred_at", name="uq_status_events_key"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    message_type: Mapped[str] = mapped_column(String(10), nullable=False)
    business_key: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    #: When customs says it happened (a receipt's returnTime, China Standard Time): aware.
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    info: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = created_column()


class QuotaLedgerEntry(db.Model):
    """One CBEC import order's standing against its buyer's annual quota (CNY)."""

    __tablename__ = "quota_ledger"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    updated_at: Mapped[datetime] = created_column()


class LabelBatch(BatchProgress, db.Model):
    """A batch of CN22/CN23/label PDFs rendered on a worker into one file."""

    __tablename__ = "label_batches"

    id: Mapped[str] = id_column()
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    parcel_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pages: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    file_path: Mapped[str | None] = mapped_column(Text)
