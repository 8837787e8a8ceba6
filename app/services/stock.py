"""The stock ledger: arrivals and departures per warehouse, seller and SKU.

Every change of stock goes through :func:`arrive` or :func:`depart`, in the caller's
transaction:

- the balance (``stock_levels``) moves with one statement: an upsert adding to it, or a
  conditional ``UPDATE … SET quantity = quantity - :n WHERE quantity >= :n``. The row the
  update takes is locked until the transaction ends (PostgreSQL) or the database's write
  lock is held (SQLite), so two departures can never both take the last units, and the
  CHECK ``quantity >= 0`` refuses whatever got past that;
- each arrival is a lot, and a departure takes its lots first in, first out, recording
  which (``stock_allocations``), so every unit that leaves traces back to how it came in;
- the ledger row (``stock_movements``) keeps the signed quantity and the balance after.

A 9810 export to an overseas or border warehouse arrives in its stock when customs
release the export inventory (800/899). :func:`book_exports` books each released export
line not booked yet, exactly once (a unique key per export line), dated by the release;
every read of the stock and every departure from it runs it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    Order,
    OrderLine,
    Seller,
    StockAllocation,
    StockEntry,
    StockEntryLine,
    StockLevel,
    StockLot,
    StockMovement,
    User,
    Warehouse,
)
from ..models.base import utcnow
from . import audit, customs_facts

ZERO = Decimal("0.000")
EXPORT_KINDS = ("overseas", "border")


@dataclass(frozen=True)
class Shortage:
    """A departure the stock cannot cover."""

    sku: str
    wanted: Decimal
    available: Decimal

    def text(self) -> str:
        return f"SKU {self.sku}: {fmt_qty(self.wanted)} wanted, {fmt_qty(self.available)} in stock"


def fmt_qty(value: Decimal) -> str:
    """A quantity as the API shows it: no trailing zeros (``5``, ``2.5``)."""
    text = format(value.normalize(), "f")
    return text


def stock_owner(user: User, seller_id: str | None) -> str:
    """Whose stock ``user`` moves: a seller its own; a broker or admin names the seller."""
    if user.role == "seller":
        own = user.seller.id if user.seller else None
        if own is None:
            raise Forbidden("This user has no seller account.")
        if seller_id not in (None, own):
            raise Forbidden("Sellers move only their own stock.")
        return own
    if not seller_id:
        raise ValidationFailed(
            "Name the seller whose stock this is.", {"seller_id": ["required for brokers"]}
        )
    if db.session.get(Seller, seller_id) is None:
        raise NotFound("No such seller.", {"seller_id": ["unknown"]})
    return seller_id


def seller_scope(user: User, seller_id: str | None) -> str | None:
    """Whose stock ``user`` may read: a seller only its own; a broker or admin everyone's,
    or one seller's."""
    if user.role != "seller":
        return seller_id
    own = user.seller.id if user.seller else None
    if own is None or seller_id not in (None, own):
        raise Forbidden("Sellers see only their own stock.")
    return own


def _insert(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _level_up(warehouse_id: str, seller_id: str, sku: str, quantity: Decimal) -> Decimal:
    """Add to the balance (creating it), returning the balance after."""
    stmt = _insert(db.session.get_bind().dialect.name)(StockLevel).values(
        warehouse_id=warehouse_id,
        seller_id=seller_id,
        sku=sku,
        quantity=quantity,
        updated_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["warehouse_id", "seller_id", "sku"],
        set_={
            "quantity": StockLevel.quantity + stmt.excluded.quantity,
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(StockLevel.quantity)
    return db.session.execute(stmt).scalar_one()


def _level_down(warehouse_id: str, seller_id: str, sku: str, quantity: Decimal) -> Decimal | None:
    """Take from the balance if it covers ``quantity``: the balance after, else None."""
    key = (
        StockLevel.warehouse_id == warehouse_id,
        StockLevel.seller_id == seller_id,
        StockLevel.sku == sku,
    )
    stmt = (
        update(StockLevel)
        .where(*key, StockLevel.quantity >= quantity)
        .values(quantity=StockLevel.quantity - quantity, updated_at=utcnow())
        .returning(StockLevel.quantity)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def available(warehouse_id: str, seller_id: str, skus: list[str]) -> dict[str, Decimal]:
    """The balance of each SKU (zero for one never stocked)."""
    rows = db.session.execute(
        select(StockLevel.sku, StockLevel.quantity).where(
            StockLevel.warehouse_id == warehouse_id,
            StockLevel.seller_id == seller_id,
            StockLevel.sku.in_(skus),
        )
    )
    found = dict(rows.all())
    return {sku: found.get(sku, ZERO) for sku in skus}


def arrive(
    warehouse: Warehouse,
    seller_id: str,
    sku: str,
    quantity: Decimal,
    kind: str,
    at: datetime,
    actor: User | None,
    **links: object,
) -> StockMovement:
    """Stock in: the balance grows, a lot and a ledger row are written."""
    balance = _level_up(warehouse.id, seller_id, sku, quantity)
    movement = StockMovement(
        warehouse_id=warehouse.id,
        seller_id=seller_id,
        sku=sku,
        kind=kind,
        quantity=quantity,
        balance=balance,
        occurred_at=at,
        created_by=actor.id if actor else None,
        **links,
    )
    db.session.add(movement)
    db.session.flush()
    db.session.add(
        StockLot(
            warehouse_id=warehouse.id,
            seller_id=seller_id,
            sku=sku,
            movement_id=movement.id,
            quantity=quantity,
            remaining=quantity,
            received_at=at,
        )
    )
    return movement


def depart(
    warehouse: Warehouse,
    seller_id: str,
    sku: str,
    quantity: Decimal,
    kind: str,
    at: datetime,
    actor: User | None,
    **links: object,
) -> StockMovement | Shortage:
    """Stock out, if the balance covers it: a ledger row taking the oldest lots first.
    Returns the :class:`Shortage` (and changes nothing) when it does not."""
    balance = _level_down(warehouse.id, seller_id, sku, quantity)
    if balance is None:
        return Shortage(sku, quantity, available(warehouse.id, seller_id, [sku])[sku])
    movement = StockMovement(
        warehouse_id=warehouse.id,
        seller_id=seller_id,
        sku=sku,
        kind=kind,
        quantity=-quantity,
        balance=balance,
        occurred_at=at,
        created_by=actor.id if actor else None,
        **links,
    )
    db.session.add(movement)
    db.session.flush()
    _take_lots(movement, quantity)
    return movement


def _take_lots(movement: StockMovement, quantity: Decimal) -> None:
    lots = db.session.execute(
        select(StockLot)
        .where(
            StockLot.warehouse_id == movement.warehouse_id,
            StockLot.seller_id == movement.seller_id,
            StockLot.sku == movement.sku,
            StockLot.remaining > 0,
        )
        .order_by(StockLot.received_at, StockLot.id)
        .with_for_update()
    ).scalars()
    need = quantity
    for lot in lots:
        take = min(lot.remaining, need)
        lot.remaining -= take
        db.session.add(StockAllocation(movement_id=movement.id, lot_id=lot.id, quantity=take))
        need -= take
        if not need:
            break
    if need:  # the balance and the lots disagree: never commit that
        raise RuntimeError(f"stock lots of {movement.sku} hold {quantity - need} of {quantity}")
    db.session.flush()


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
                arrive(
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


def by_reference(model, warehouse_id: str, seller_id: str, reference: str):
    """The entry or sale (``model``) a seller recorded in a warehouse under ``reference``."""
    return db.session.execute(
        select(model).where(
            model.warehouse_id == warehouse_id,
            model.seller_id == seller_id,
            model.reference == reference,
        )
    ).scalar_one_or_none()


def same_body(known, digest: str):
    """``known`` if it was recorded with the body of ``digest``; else the 409 for a reference
    already used for something else."""
    if known.body_hash != digest:
        raise Conflict(
            f"{known.reference} is already recorded with other content.",
            {"reference": ["already recorded"]},
        )
    return known


def refuse(shortages: list[Shortage], where: str, fields: dict[str, list[str]]) -> Conflict:
    """The 409 for departures the stock cannot cover, naming each SKU and its quantities."""
    listed = "; ".join(s.text() for s in shortages)
    return Conflict(f"Not enough stock in {where}: {listed}.", fields)


def adjust(user: User, warehouse: Warehouse, data: dict) -> StockMovement:
    """A counted correction (damaged, lost, found), with its reason; never below zero."""
    seller_id = stock_owner(user, data.get("seller_id"))
    book_exports(warehouse)
    quantity, sku, at = data["quantity"], data["sku"], data.get("at") or utcnow()
    links = {"reason": data["reason"]}
    if quantity > 0:
        moved = arrive(warehouse, seller_id, sku, quantity, "adjustment", at, user, **links)
    else:
        moved = depart(warehouse, seller_id, sku, -quantity, "adjustment", at, user, **links)
        if isinstance(moved, Shortage):
            db.session.rollback()
            raise refuse([moved], warehouse.name, {"quantity": [moved.text()]})
    audit.record(
        user.id,
        "stock.adjusted",
        "warehouse",
        warehouse.id,
        after={"sku": sku, "quantity": fmt_qty(quantity), "reason": data["reason"]},
    )
    db.session.commit()
    return moved


def levels(warehouse: Warehouse, seller_id: str | None, sku: str | None = None) -> list[dict]:
    """Each SKU's balance in the warehouse (one seller's, or every seller's)."""
    stmt = (
        select(StockLevel, func.count(StockLot.id))
        .outerjoin(
            StockLot,
            (StockLot.warehouse_id == StockLevel.warehouse_id)
            & (StockLot.seller_id == StockLevel.seller_id)
            & (StockLot.sku == StockLevel.sku)
            & (StockLot.remaining > 0),
        )
        .where(StockLevel.warehouse_id == warehouse.id)
        .group_by(StockLevel.warehouse_id, StockLevel.seller_id, StockLevel.sku)
        .order_by(StockLevel.seller_id, StockLevel.sku)
    )
    if seller_id:
        stmt = stmt.where(StockLevel.seller_id == seller_id)
    if sku:
        stmt = stmt.where(StockLevel.sku == sku)
    from .site_entries import unconfirmed

    waiting = unconfirmed(warehouse.id, seller_id) if warehouse.kind == "bonded" else {}
    return [
        {
            "seller_id": level.seller_id,
            "sku": level.sku,
            "quantity": level.quantity,
            "unconfirmed": waiting.get((level.seller_id, level.sku), Decimal(0)),
            "lots": lots,
            "updated_at": level.updated_at,
        }
        for level, lots in db.session.execute(stmt)
    ]


def movements(
    warehouse: Warehouse, seller_id: str | None, sku: str | None, page: int, per_page: int
) -> dict:
    """The ledger of the warehouse, oldest first, one page."""
    stmt = select(StockMovement).where(StockMovement.warehouse_id == warehouse.id)
    if seller_id:
        stmt = stmt.where(StockMovement.seller_id == seller_id)
    if sku:
        stmt = stmt.where(StockMovement.sku == sku)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(
        stmt.order_by(StockMovement.id).limit(per_page).offset((page - 1) * per_page)
    ).scalars()
    return {"items": list(rows), "page": page, "per_page": per_page, "total": total}


__all__ = [
    "Shortage",
    "adjust",
    "arrive",
    "available",
    "book_exports",
    "by_reference",
    "depart",
    "fmt_qty",
    "levels",
    "movements",
    "refuse",
    "same_body",
    "seller_scope",
    "stock_owner",
]


def item_record_numbers(warehouse_id: str, seller_id: str, skus: list[str]) -> dict[str, str]:
    """Each SKU's customs ledger item number (账册备案料号) as its latest entry into the
    warehouse gave it: the itemRecordNo a bonded (1210) inventory line must carry."""
    rows = db.session.execute(
        select(StockEntryLine.sku, StockEntryLine.item_record_no)
        .join(StockEntry, StockEntry.id == StockEntryLine.entry_id)
        .where(
            StockEntry.warehouse_id == warehouse_id,
            StockEntry.seller_id == seller_id,
            StockEntryLine.sku.in_(skus),
            StockEntryLine.item_record_no.is_not(None),
        )
        .order_by(StockEntry.entered_at, StockEntryLine.line_no)
    ).all()
    return {sku: number for sku, number in rows}
