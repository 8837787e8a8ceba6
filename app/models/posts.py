"""Offices of exchange, lanes, receptacles and despatches: the postal channel after the CN23.

A parcel released for export is closed into a *receptacle* (bag, tray) between two offices
of exchange; receptacles of one despatch series (origin, destination, mail category,
subclass, year) share a despatch number and go together on a *despatch* over a *lane* with
one transport leg. Closing the despatch numbers its receptacles for good (UPU S9) and freezes
it: its pre-advice (PREDES) is stored and written to the partner post's outbox.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import WEIGHT, AwareDateTime, created_column, id_column

#: Where a row of the network tables came from: the reviewed data files or the API.
ORIGINS = ("seed", "api")


class Reviewed:
    """Columns of a reference row: whether it was checked against the official list, its
    source, a note, where it came from (:data:`ORIGINS`), who added it and when."""

    reviewed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    source: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(4), nullable=False, default="api")
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()


class Office(Reviewed, db.Model):
    """An office of exchange by its IMPC code (UPU S34)."""

    __tablename__ = "post_offices"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    operator_code: Mapped[str | None] = mapped_column(String(6))
    operator_name: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Lane(Reviewed, db.Model):
    """A route between two offices of exchange by one mode; rail lanes name their border
    crossing. ``code`` is the natural key (``CNDGGA-LTVNOA-RAIL-KHORGOS``)."""

    __tablename__ = "post_lanes"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    origin_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    destination_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    mode: Mapped[str] = mapped_column(String(4), nullable=False)
    border_crossing: Mapped[str | None] = mapped_column(String(20))
    gateway: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(100))


class DespatchSeries(db.Model):
    """Despatch numbers of one series: the last number given out, and the number new
    receptacles of the series join (``open_number``) with the last serial used in it."""

    __tablename__ = "post_despatch_series"

    origin_office: Mapped[str] = mapped_column(String(6), primary_key=True)
    destination_office: Mapped[str] = mapped_column(String(6), primary_key=True)
    category: Mapped[str] = mapped_column(String(1), primary_key=True)
    subclass: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    open_number: Mapped[int | None] = mapped_column(Integer)
    open_serial: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Despatch(db.Model):
    __tablename__ = "post_despatches"
    __table_args__ = (
        UniqueConstraint(
            "origin_office",
            "destination_office",
            "category",
            "subclass",
            "year",
            "despatch_number",
            name="uq_post_despatches_number",
        ),
    )

    id: Mapped[str] = id_column()
    lane_id: Mapped[str] = mapped_column(ForeignKey("post_lanes.id"), nullable=False, index=True)
    origin_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    destination_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    category: Mapped[str] = mapped_column(String(1), nullable=False)
    subclass: Mapped[str] = mapped_column(String(2), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    despatch_number: Mapped[int] = mapped_column(Integer, nullable=False)
    # open → closed
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    transport: Mapped[dict] = mapped_column(JSON, nullable=False)
    departure_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    arrival_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    pre_advice: Mapped[bytes | None] = mapped_column(LargeBinary)
    pre_advice_sha256: Mapped[str | None] = mapped_column(String(64))
    pre_advice_message_id: Mapped[str | None] = mapped_column(String(36))
    pre_advice_sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()

    lane: Mapped[Lane] = relationship()
    receptacles: Mapped[list[Receptacle]] = relationship(
        back_populates="despatch", order_by="Receptacle.serial"
    )


class Receptacle(db.Model):
    """A receptacle and the fields of its S9 identifier; ``s9_id`` is final once its
    despatch is closed (closing numbers the receptacles and flags the last one)."""

    __tablename__ = "post_receptacles"
    __table_args__ = (
        UniqueConstraint(
            "origin_office",
            "destination_office",
            "category",
            "subclass",
            "year",
            "despatch_number",
            "serial",
            name="uq_post_receptacles_serial",
        ),
    )

    id: Mapped[str] = id_column()
    s9_id: Mapped[str] = mapped_column(String(29), nullable=False, index=True)
    origin_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    destination_office: Mapped[str] = mapped_column(ForeignKey("post_offices.code"), nullable=False)
    category: Mapped[str] = mapped_column(String(1), nullable=False)
    subclass: Mapped[str] = mapped_column(String(2), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    despatch_number: Mapped[int] = mapped_column(Integer, nullable=False)
    serial: Mapped[int] = mapped_column(Integer, nullable=False)
    last: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    registered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The weight in the S9 id: the declared (weighed) gross weight, else contents + tare.
    gross_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    declared_weight_kg: Mapped[Decimal | None] = mapped_column(WEIGHT)
    contents_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    tare_kg: Mapped[Decimal | None] = mapped_column(WEIGHT)
    despatch_id: Mapped[str | None] = mapped_column(ForeignKey("post_despatches.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()

    despatch: Mapped[Despatch | None] = relationship(back_populates="receptacles")
    items: Mapped[list[ReceptacleItem]] = relationship(
        back_populates="receptacle", order_by="ReceptacleItem.seq"
    )


class ReceptacleItem(db.Model):
    """A parcel in a receptacle: a parcel goes into one receptacle, once."""

    __tablename__ = "post_receptacle_items"

    parcel_id: Mapped[str] = mapped_column(ForeignKey("parcels.id"), primary_key=True)
    receptacle_id: Mapped[str] = mapped_column(
        ForeignKey("post_receptacles.id"), nullable=False, index=True
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)

    receptacle: Mapped[Receptacle] = relationship(back_populates="items")
    parcel = relationship("Parcel")
