"""Stock arriving in a warehouse: bulk entries, and 9810 exports on their release.

- An entry (``POST /warehouses/{id}/entries``) puts goods into a bonded or border
  warehouse by SKU, under the reference it was made with. It is identified by that
  reference: sent again it changes nothing; another entry under it is a conflict.
- A 9810 export to an overseas or border warehouse arrives in its stock when customs
  release the export inventory (800/899). The arrival is booked by :func:`book_exports`,
  which every read and every sale of the warehouse's stock runs first: it books each
  released export line not booked yet, exactly once (a unique key per export line), dated
  by the release.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..extensions import db
from ..models import Order, OrderLine, StockEntry, StockEntryLine, StockMovement, User, Warehouse
from ..models.base import utcnow
from . import audit, customs_facts, stock
from .orders import body_hash

ENTRY_KINDS = ("bonded", "border")
EXPORT_KINDS = ("overseas", "border")


def book_exports(warehouse: Warehouse) -> int:
    """Book the released 9810 export lines bound for ``warehouse`` not booked yet; returns
    how many were booked (and commits them)."""
    if warehouse.kind not in EXPORT_KINDS:
        return 0
    booked = exists().where(
        StockMovement.kind == "export_in", StockMovement.order_line_id == OrderLine.id
    )
    rows = db.session.execute(
        select(Order, OrderLine)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.warehouse_id == warehouse.id,
            Order.trade_mode == "9810",
            Order.status == "released",
            ~booked,
        )
        .order_by(Order.id, OrderLine.line_no)
    ).all()
    if not rows:
        return 0
    released = customs_facts.release_times(order.id for order, _ in rows)
    count = 0
    for order, line in rows:
        at = released.get(order.id) or utcnow()
        try:
            with db.session.begin_nested():
                stock.arrive(
                    warehouse,
                    order.seller_id,
                    line.sku,
                    line.quantity,
                    "export_in",
                    at,
                    None,
                    order_id=order.id,
                    order_line_id=line.id,
                )
            count += 1
        except IntegrityError:
            continue  # booked by a concurrent reader
    db.session.commit()
    return count


def _entry_body(data: dict, seller_id: str) -> dict:
    return {**{k: v for k, v in data.items() if k != "seller_id"}, "seller_id": seller_id}


def enter(user: User, warehouse: Warehouse, data: dict) -> tuple[StockEntry, bool]:
    """Record an entry of goods by SKU; ``(entry, created)``."""
    if warehouse.kind not in ENTRY_KINDS:
        raise Conflict(
            f"{warehouse.name} is an {warehouse.kind} warehouse: its stock arrives with the "
            "9810 exports sent to it, not by entries.",
            {"warehouse_id": ["entries are for bonded and border warehouses"]},
        )
    seller_id = stock.stock_owner(user, data.get("seller_id"))
    digest = body_hash(_entry_body(data, seller_id))
    known = _entry(warehouse, seller_id, data["reference"])
    if known is not None:
        return _same_entry(known, digest), False
    entry = StockEntry(
        warehouse_id=warehouse.id,
        seller_id=seller_id,
        reference=data["reference"],
        entered_at=data.get("entered_at") or utcnow(),
        note=data.get("note"),
        body_hash=digest,
        created_by=user.id,
    )
    for n, line in enumerate(data["lines"], start=1):
        entry.lines.append(StockEntryLine(line_no=n, **line))
    db.session.add(entry)
    try:
        db.session.flush()
        for line in entry.lines:
            stock.arrive(
                warehouse,
                seller_id,
                line.sku,
                line.quantity,
                "entry",
                entry.entered_at,
                user,
                entry_line_id=line.id,
            )
        after = {"reference": entry.reference, "lines": len(entry.lines)}
        audit.record(user.id, "stock.entered", "warehouse", warehouse.id, after=after)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same reference stored concurrently
        known = _entry(warehouse, seller_id, data["reference"])
        if known is None:
            raise
        return _same_entry(known, digest), False
    return entry, True


def _entry(warehouse: Warehouse, seller_id: str, reference: str) -> StockEntry | None:
    return db.session.execute(
        select(StockEntry).where(
            StockEntry.warehouse_id == warehouse.id,
            StockEntry.seller_id == seller_id,
            StockEntry.reference == reference,
        )
    ).scalar_one_or_none()


def _same_entry(known: StockEntry, digest: str) -> StockEntry:
    if known.body_hash != digest:
        raise Conflict(
            f"Entry {known.reference} is already recorded with other lines.",
            {"reference": ["already recorded"]},
        )
    return known


__all__ = ["book_exports", "enter"]
