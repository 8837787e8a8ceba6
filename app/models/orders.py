"""Orders, their lines and the parcels they ship in.

Party addresses are stored as JSON on the order: they are a snapshot of what the seller
sent, not shared address-book records.
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
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import MONEY, QUANTITY, WEIGHT, created_column, id_column

# Every status an order can have, in lifecycle order: received (stored, nothing filed;
# the seller may amend or cancel it) → declared (filed with customs) → released, or
# rejected / returned by customs; cancelled by the seller before anything was filed.
ORDER_STATUSES = ("received", "declared", "released", "rejected", "returned", "cancelled")
OPEN_STATUSES = ("received",)
"""Statuses in which nothing has been filed: the seller may still amend or cancel."""

# How the parcel travels: by post (UPU) or by express courier.
CHANNELS = ("post", "express")
DEFAULT_CHANNEL = "post"

# The customs trade mode the order is filed under: 9610 CBEC retail (direct), 9810 export
# of stock to an overseas (or border) warehouse, 1210 bonded CBEC import from a warehouse.
TRADE_MODES = ("9610", "9810", "1210")
DEFAULT_TRADE_MODE = "9610"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("seller_id", "order_no", name="uq_orders_seller_order_no"),)

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    order_no: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="received", index=True)
    flow: Mapped[str] = mapped_column(String(10), nullable=False)
    regime: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(
        String(10), nullable=False, default=DEFAULT_CHANNEL, server_default=DEFAULT_CHANNEL
    )
    trade_mode: Mapped[str] = mapped_column(
        String(4), nullable=False, default=DEFAULT_TRADE_MODE, server_default=DEFAULT_TRADE_MODE
    )
    warehouse_id: Mapped[str | None] = mapped_column(ForeignKey("warehouses.id"), index=True)
    incoterm: Mapped[str] = mapped_column(String(3), nullable=False)
    freight_payer: Mapped[str] = mapped_column(String(12), nullable=False)
    duty_payer: Mapped[str] = mapped_column(String(12), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    shipping_cost: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    insurance_cost: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    category_explanation: Mapped[str | None] = mapped_column(String(200))
    gross_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    ordered_at: Mapped[date | None] = mapped_column(Date)
    seller_collects_vat: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    sender: Mapped[dict] = mapped_column(JSON, nullable=False)
    recipient: Mapped[dict] = mapped_column(JSON, nullable=False)
    goods_value: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    net_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    payment: Mapped[dict | None] = mapped_column(JSON)
    quote: Mapped[dict | None] = mapped_column(JSON)
    quote_error: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = created_column()

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )
    parcels: Mapped[list[Parcel]] = relationship(
        back_populates="order", order_by="Parcel.seq", cascade="all, delete-orphan"
    )


class OrderLine(db.Model):
    __tablename__ = "order_lines"

    id: Mapped[str] = id_column()
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    sku: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    description_local: Mapped[str | None] = mapped_column(String(300))
    hs_code: Mapped[str] = mapped_column(String(10), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, nullable=False)
    unit: Mapped[str] = mapped_column(String(10), nullable=False)
    net_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    unit_value: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    line_value: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    origin_country: Mapped[str] = mapped_column(String(2), nullable=False)
    order: Mapped[Order] = relationship(back_populates="lines")


class Parcel(db.Model):
    """What physically ships: one per order unless it is split; carries the S10 id."""

    __tablename__ = "parcels"

    id: Mapped[str] = id_column()
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    item_id: Mapped[str] = mapped_column(String(13), nullable=False, unique=True)
    gross_weight_kg: Mapped[Decimal] = mapped_column(WEIGHT, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    order: Mapped[Order] = relationship(back_populates="parcels")
