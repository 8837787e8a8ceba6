"""Movement filings: CEB messages about parcels rather than one declaration — export
returns (CEB213) and their tally (CEB215), a batch's arrival at the supervised site
(CEB507), its departure (CEB509) and its master/sub waybill list (CEB607); goods entering
a bonded warehouse (CEB711) and an import parcel signed for (CEB513).

A :class:`MovementFiling` is one message the service files through the clearance gateway,
known to customs by ``cop_no`` (the coElNo of a return or tally, the copNo of a batch):
their receipts (CEB214/216/508/510/608/712) carry it back (CEB513's receipt CEB514
names the waybill, which is then its number), which is how they are matched. It keeps
the parcels it lists (``parcel_ids``), the case of a return, the despatch of a batch, the
stock entry of a site entry, and what customs last said (``receipt_status``, ``info``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import AwareDateTime, created_column, id_column, utcnow


class MovementFiling(db.Model):
    """``queued`` → ``filed`` → ``accepted`` (customs' final answer) | ``refused``, or
    ``failed`` (the message could not be made, ``error``)."""

    __tablename__ = "movement_filings"
    __table_args__ = (UniqueConstraint("message", "cop_no", name="uq_movement_filings_cop_no"),)

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    message: Mapped[str] = mapped_column(String(6), nullable=False)
    cop_no: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    case_id: Mapped[str | None] = mapped_column(ForeignKey("clearance_cases.id"), index=True)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    despatch_id: Mapped[str | None] = mapped_column(ForeignKey("post_despatches.id"), index=True)
    # The bonded warehouse entry a site entry (CEB711) reports.
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("stock_entries.id"), index=True)
    # The return application a tally belongs to.
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("movement_filings.id"))
    parcel_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    # What the message states beyond the parcels: reason, lines returned, transport.
    details: Mapped[dict | None] = mapped_column(JSON)
    receipt_status: Mapped[str | None] = mapped_column(String(10))
    info: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    filed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
