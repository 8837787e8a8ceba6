"""Tracking: each item's EMSEVT events, the partner-post files read, and sellers' webhooks.

An event is stored once: the same item, code, instant and source (``source_key``) is the
same event however often it arrives, and a timeline is sorted by time, never by arrival,
so repeats and files read out of order give the same timeline. Events are keyed by the S10
item id (a partner post may report an item before or without its parcel being known
here); ``parcel_id`` is filled in when the parcel is known.

A webhook delivery is a row written in the same transaction as the event it announces, and
sent afterwards by a job: a receiver that is down delays deliveries, it never loses one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import AwareDateTime, created_column, id_column


class TrackingEvent(db.Model):
    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint(
            "item_id", "code", "occurred_at", "source_key", name="uq_tracking_events_key"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(13), nullable=False)
    parcel_id: Mapped[str | None] = mapped_column(ForeignKey("parcels.id"), index=True)
    code: Mapped[str] = mapped_column(String(3), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    #: The offset the time was given with (minutes east of UTC): it leaves the API as sent.
    utc_offset: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The office of exchange or location code; None for the service's own events when no
    #: office is configured (``TRACKING_OFFICE``).
    office: Mapped[str | None] = mapped_column(String(17))
    # self (the service: hand-over, customs, despatch) | carrier | partner
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    #: Who said it: "self", "carrier:<user id>" or "partner:<sending operator>".
    source_key: Mapped[str] = mapped_column(String(80), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(String(20))
    receptacle_id: Mapped[str | None] = mapped_column(String(29))
    despatch_id: Mapped[str | None] = mapped_column(String(20))
    #: The lane and transport mode of a despatch event (EMC), for the lane analysis.
    lane_id: Mapped[str | None] = mapped_column(String(36), index=True)
    mode: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    #: The partner message or carrier batch the event came in.
    message_id: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = created_column()


class PartnerPostFile(db.Model):
    """An EMSEVT file read from the partner-post inbox: done, or quarantined with why.

    Keyed by content: the same bytes under another name are a repeat, and a crash between
    the commit and moving the file away only makes the next poll move it.
    """

    __tablename__ = "partner_post_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    #: Which inbox it came through: emsevt (tracking events) | itmatt (inbound items);
    #: for ITMATT files ``events``/``new_events`` count items.
    kind: Mapped[str] = mapped_column(
        String(8), nullable=False, default="emsevt", server_default="emsevt"
    )
    state: Mapped[str] = mapped_column(String(12), nullable=False)  # done | quarantined
    message_id: Mapped[str | None] = mapped_column(String(64))
    sender: Mapped[str | None] = mapped_column(String(35))
    events: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    new_events: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = created_column()


class Webhook(db.Model):
    """A seller's endpoint for case and tracking events. The secret signs every delivery;
    the API shows it once, at registration."""

    __tablename__ = "webhooks"

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False)
    secret: Mapped[str] = mapped_column(String(80), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_column()
    deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class WebhookDelivery(db.Model):
    """One event for one webhook: pending until a 2xx answer, retried with back-off, then
    delivered or failed; every attempt is in ``attempt_log``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_key", name="uq_webhook_deliveries_event"),
    )

    id: Mapped[str] = id_column()
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: What the delivery announces, unique per webhook: "tracking:<event id>", "case:<id>:<n>".
    event_key: Mapped[str] = mapped_column(String(80), nullable=False)
    #: The body, exactly as sent on every attempt (the signature covers these bytes).
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    attempt_log: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = created_column()
