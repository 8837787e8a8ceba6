"""Inbound postal items: ITMATT items from partner posts, cleared under the postal regime.

An item is keyed by its S10 id (a partner post sending it again changes nothing). It keeps
the snapshot read from the ITMATT, the quote the tariff engine gave (or why there is none),
the risk findings, the CUSITM it was presented with, and its status, which customs'
decisions (CUSRSP, :class:`InboundDecision`) move. Decisions are stored once each, keyed by
(item, outcome, time): repeats change nothing and the status is the latest decision by
time, whatever order they arrived in.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import MONEY, AwareDateTime, created_column, id_column, utcnow

#: received: stored, not yet presented · presented: CUSITM written · released · held ·
#: referred · returned: customs' latest decision.
INBOUND_STATUSES = ("received", "presented", "released", "held", "referred", "returned")


class InboundItem(db.Model):
    __tablename__ = "inbound_items"

    id: Mapped[str] = id_column()
    item_id: Mapped[str] = mapped_column(String(13), nullable=False, unique=True)
    origin_post: Mapped[str] = mapped_column(String(35), nullable=False)
    origin_country: Mapped[str] = mapped_column(String(2), nullable=False)
    itmatt_message_id: Mapped[str] = mapped_column(String(64), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    declared_value: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    quote: Mapped[dict | None] = mapped_column(JSON)
    quote_error: Mapped[str | None] = mapped_column(Text)
    tax_total: Mapped[Decimal | None] = mapped_column(MONEY)
    risks: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    cusitm_name: Mapped[str | None] = mapped_column(String(120))
    cusitm_message_id: Mapped[str | None] = mapped_column(String(36))
    presented_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(20))
    customs_tax: Mapped[Decimal | None] = mapped_column(MONEY)
    #: When the item was received and assessed; also the CUSITM's creation time (an instant,
    #: kept with its offset on every database, as the message states it).
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = created_column()


class InboundDecision(db.Model):
    __tablename__ = "inbound_decisions"
    __table_args__ = (
        UniqueConstraint(
            "inbound_item_id", "outcome", "decided_at", name="uq_inbound_decisions_key"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inbound_item_id: Mapped[str] = mapped_column(
        ForeignKey("inbound_items.id"), nullable=False, index=True
    )
    outcome: Mapped[str] = mapped_column(String(8), nullable=False)  # release|hold|refer|return
    decided_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    tax: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    message_id: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = created_column()
