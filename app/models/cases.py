"""Clearance cases: one per parcel and filing, their events, and the gateway's file records.

A case follows a parcel from the seller's hand-over through the broker's review to customs
and back (``app.services.case_states`` holds the state table). ``open_parcel_id`` equals
``parcel_id`` while the case is open and is NULL once it has ended, so a unique constraint
keeps one open case per parcel in the database itself.

The outbox and inbox records make the folder gateway exactly-once: a message is written
under a deterministic name (one row per name), and a receipt file is ingested once per
(name, sha256) even if the process dies between the commit and moving the file away.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AwareDateTime, created_column, id_column, utcnow


class ClearanceCase(db.Model):
    __tablename__ = "clearance_cases"

    id: Mapped[str] = id_column()
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    parcel_id: Mapped[str] = mapped_column(ForeignKey("parcels.id"), nullable=False, index=True)
    open_parcel_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    flow: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    # The declaration (snapshot version) the case files, and the CEB appType it files with:
    # "1" for a first filing, "2" (change) once customs has seen an inventory for it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    declaration_id: Mapped[str | None] = mapped_column(ForeignKey("declarations.id"))
    app_type: Mapped[str] = mapped_column(String(1), nullable=False, default="1")
    # DxpMsg SenderId per message of the filing, worked out from the snapshot when prepared.
    senders: Mapped[dict | None] = mapped_column(JSON)
    problems: Mapped[list | None] = mapped_column(JSON)
    risks: Mapped[list | None] = mapped_column(JSON)
    # The risk codes, space-separated and space-framed (" quota_near low_unit_value "), so
    # the review queue can filter by risk on any database.
    risk_codes: Mapped[str | None] = mapped_column(String(400))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    claim_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # What customs last said (a case status), kept while a cancel is pending.
    customs_status: Mapped[str | None] = mapped_column(String(20))
    # Receipt times (customs' clock) up to which events belong to earlier filings
    # or earlier cancel requests of the same business key.
    customs_epoch: Mapped[datetime | None] = mapped_column(AwareDateTime)
    cancel_epoch: Mapped[datetime | None] = mapped_column(AwareDateTime)
    invt_no: Mapped[str | None] = mapped_column(String(40))
    pre_no: Mapped[str | None] = mapped_column(String(40))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Set when a submit job takes the case; a stale value lets the reaper hand it on.
    submit_started_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    handed_over_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False, default=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(
        order_by="CaseEvent.id", cascade="all, delete-orphan", back_populates="case"
    )


class CaseEvent(db.Model):
    """One thing that happened to a case: a transition, a claim, an amendment, an error."""

    __tablename__ = "clearance_case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("clearance_cases.id"), nullable=False, index=True
    )
    at: Mapped[datetime] = created_column()
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    case: Mapped[ClearanceCase] = relationship(back_populates="events")


class OutboxMessage(db.Model):
    """A CEB message handed to the gateway under its deterministic file name."""

    __tablename__ = "gateway_outbox"

    id: Mapped[str] = id_column()
    # The case whose filing it is, the summary application (CEB701) or the movement it is.
    case_id: Mapped[str | None] = mapped_column(ForeignKey("clearance_cases.id"), index=True)
    summary_application_id: Mapped[str | None] = mapped_column(
        ForeignKey("summary_applications.id"), index=True
    )
    movement_id: Mapped[str | None] = mapped_column(ForeignKey("movement_filings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    app_type: Mapped[str] = mapped_column(String(1), nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False, unique=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = created_column()


class InboxFile(db.Model):
    """A receipt file the poller has read: ingested (``done``) or ``quarantined``."""

    __tablename__ = "gateway_inbox"
    __table_args__ = (UniqueConstraint("name", "sha256", name="uq_gateway_inbox_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = created_column()
