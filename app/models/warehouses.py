"""Warehouses and the stock ledger kept per warehouse, seller and SKU.

No CEB message carries a warehouse, its stock or an overseas sale (the 202205 set has no
such message; the bonded stock customs keep is the 账册 of the special-zone systems), so
this ledger is the service's own model:

- ``StockLevel`` is the balance of one (warehouse, seller, SKU). Every movement changes it
  with one conditional ``UPDATE … WHERE quantity >= :n``, and a CHECK keeps it from ever
  going below zero, whatever two transactions do at once.
- ``StockLot`` is one arrival (an export's line, an entry's line, a positive adjustment)
  with what is left of it; goods leave first in, first out, and each ``StockAllocation``
  says which arrivals a departure took, so an overseas sale traces back to the export
  declaration it left China under.
- ``StockMovement`` is the ledger: one signed row per arrival or departure, with the
  balance after it.

Quantities are exact to a thousandth and stored as integer thousandths, so the database
does the arithmetic and the CHECKs exactly on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..extensions import db
from .base import MONEY, AwareDateTime, created_column, id_column, utcnow

WAREHOUSE_KINDS = ("overseas", "bonded", "border")
BORDER_TRANSPORT = ("road", "rail")
MOVEMENT_KINDS = ("export_in", "entry", "adjustment", "sale", "release")
THOUSANDTHS = Decimal("0.001")


class Thousandths(TypeDecorator):
    """A quantity with up to three decimals, stored as a whole number of thousandths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * 1000
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than three decimals")
        return int(scaled)

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(int(value)) / 1000).quantize(THOUSANDTHS)


QTY = Thousandths()


class Warehouse(db.Model):
    """A registered warehouse. A seller's own is private to it; one registered by a broker
    or an admin (``seller_id`` NULL) is public: any seller may keep stock there."""

    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("seller_id", "name", name="uq_warehouses_seller_name"),)

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    operator: Mapped[str] = mapped_column(String(200), nullable=False)
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    # Border warehouses: the land crossing they stand at and how their despatches leave.
    crossing: Mapped[str | None] = mapped_column(String(100))
    transport: Mapped[str | None] = mapped_column(String(10))
    # ... and the posts' road/rail lane their despatches travel (then its crossing and mode).
    lane_id: Mapped[str | None] = mapped_column(ForeignKey("post_lanes.id"), index=True)
    # Bonded warehouses: the customs ledger (账册, emsNo) and the zone's warehouse company.
    ems_no: Mapped[str | None] = mapped_column(String(30))
    area_code: Mapped[str | None] = mapped_column(String(18))
    # Bonded warehouses: the operator of the supervised site who files its entries (CEB711
    # operatorCode), the DXP id it files from, and the customs office it answers to.
    operator_code: Mapped[str | None] = mapped_column(String(18))
    operator_dxp_id: Mapped[str | None] = mapped_column(String(30))
    customs_code: Mapped[str | None] = mapped_column(String(4))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()


class StockLevel(db.Model):
    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("quantity >= 0", name="not_negative"),)

    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(60), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False, default=utcnow)


class StockEntry(db.Model):
    """Goods entered into a warehouse in bulk (a bonded entry, a border warehouse's intake),
    under the reference the entry was made with (e.g. the 入库单 or 进境备案清单 number)."""

    __tablename__ = "stock_entries"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "seller_id", "reference", name="uq_stock_entries_ref"),
    )

    id: Mapped[str] = id_column()
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("warehouses.id"), nullable=False, index=True
    )
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    reference: Mapped[str] = mapped_column(String(60), nullable=False)
    entered_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    lines: Mapped[list[StockEntryLine]] = relationship(
        order_by="StockEntryLine.line_no", cascade="all, delete-orphan"
    )


class StockEntryLine(db.Model):
    __tablename__ = "stock_entry_lines"

    id: Mapped[str] = id_column()
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("stock_entries.id"), nullable=False, index=True
    )
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    sku: Mapped[str] = mapped_column(String(60), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    description: Mapped[str | None] = mapped_column(String(300))
    # The customs ledger's item number (账册备案料号, CEB621 itemRecordNo) for bonded goods.
    item_record_no: Mapped[str | None] = mapped_column(String(30))


class OverseasSale(db.Model):
    """One sale out of an overseas or border warehouse's stock, under the seller's reference
    (its order number on the marketplace abroad)."""

    __tablename__ = "overseas_sales"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "seller_id", "reference", name="uq_overseas_sales_ref"),
    )

    id: Mapped[str] = id_column()
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("warehouses.id"), nullable=False, index=True
    )
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    reference: Mapped[str] = mapped_column(String(60), nullable=False)
    sku: Mapped[str] = mapped_column(String(60), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    sold_on: Mapped[date] = mapped_column(Date, nullable=False)
    buyer: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    body_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()


class StockRelease(db.Model):
    """A buyer's order released from a bonded or border warehouse's stock (once per order)."""

    __tablename__ = "stock_releases"

    id: Mapped[str] = id_column()
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("warehouses.id"), nullable=False, index=True
    )
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, unique=True)
    trade_mode: Mapped[str] = mapped_column(String(4), nullable=False)
    # Border warehouses: the crossing and transport the despatch leaves by.
    crossing: Mapped[str | None] = mapped_column(String(100))
    transport: Mapped[str | None] = mapped_column(String(10))
    released_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class StockMovement(db.Model):
    """One line of the ledger: a signed quantity (in > 0, out < 0) and the balance after."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        # An export line arrives once and an order line is released once.
        UniqueConstraint("kind", "order_line_id", name="uq_stock_movements_order_line"),
        CheckConstraint("quantity <> 0", name="not_zero"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("warehouses.id"), nullable=False, index=True
    )
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False)
    sku: Mapped[str] = mapped_column(String(60), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    balance: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[str | None] = mapped_column(ForeignKey("order_lines.id"))
    entry_line_id: Mapped[str | None] = mapped_column(ForeignKey("stock_entry_lines.id"))
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("overseas_sales.id"), index=True)
    release_id: Mapped[str | None] = mapped_column(ForeignKey("stock_releases.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()


class StockLot(db.Model):
    """One arrival of a SKU and how much of it is still in the warehouse."""

    __tablename__ = "stock_lots"
    __table_args__ = (
        CheckConstraint("remaining >= 0 AND remaining <= quantity", name="remaining_in_range"),
        Index("ix_stock_lots_stock", "warehouse_id", "seller_id", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), nullable=False)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False)
    sku: Mapped[str] = mapped_column(String(60), nullable=False)
    movement_id: Mapped[int] = mapped_column(
        ForeignKey("stock_movements.id"), nullable=False, unique=True
    )
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    remaining: Mapped[Decimal] = mapped_column(QTY, nullable=False)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)


class StockAllocation(db.Model):
    """How much of one arrival (lot) one departure took."""

    __tablename__ = "stock_allocations"
    __table_args__ = (CheckConstraint("quantity > 0", name="positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    movement_id: Mapped[int] = mapped_column(
        ForeignKey("stock_movements.id"), nullable=False, index=True
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lots.id"), nullable=False, index=True)
    quantity: Mapped[Decimal] = mapped_column(QTY, nullable=False)
