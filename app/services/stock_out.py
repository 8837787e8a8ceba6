"""Stock leaving a warehouse: overseas sales, and buyers' orders released from stock.

- A sale (``POST /warehouses/{id}/sales``) takes a SKU out of an overseas or border
  warehouse under the seller's reference; the units it takes trace back, first in first
  out, to the 9810 export lines they arrived with: order, inventory number (invtNo) and,
  once customs have summarised it, the customs declaration line the refund is claimed on.
- A release (``POST /warehouses/{id}/releases``) takes a buyer's order out of stock: a
  1210 order from a bonded warehouse, or a 9610 export from a border warehouse. Either all
  its lines are covered, or nothing moves and the answer (409) names each SKU short with
  the quantities. A 1210 release is refused over the buyer's annual CBEC quota (which
  counts the order when its inventory is filed) and freezes the order's declaration, whose
  CEB621 states trade mode 1210 with the warehouse's account book and item numbers.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..extensions import db
from ..models import (
    Order,
    OverseasSale,
    StockAllocation,
    StockEntry,
    StockEntryLine,
    StockLot,
    StockMovement,
    StockRelease,
    SummaryDeclaration,
    SummaryResultLine,
    User,
    Warehouse,
)
from ..models.base import utcnow
from . import audit, clearance, customs_facts, declaring, stock
from .line_heads import lines_with_heads
from .orders import body_hash, get_order

SALE_KINDS = ("overseas", "border")
#: The trade mode of the orders each kind of warehouse releases from stock.
RELEASE_MODES = {"bonded": "1210", "border": "9610"}


# -- sales -----------------------------------------------------------------------------------


def sell(user: User, warehouse: Warehouse, data: dict) -> tuple[OverseasSale, bool]:
    """Record a sale out of stock; ``(sale, created)``. The same reference sent again with
    the same content returns the stored sale; with other content it is a conflict."""
    if warehouse.kind not in SALE_KINDS:
        raise Conflict(
            f"{warehouse.name} is a {warehouse.kind} warehouse: its stock leaves by releasing "
            "buyers' orders, not by sales.",
            {"warehouse_id": ["sales are for overseas and border warehouses"]},
        )
    seller_id = stock.stock_owner(user, data.get("seller_id"))
    stock.book_exports(warehouse)
    body = {**{k: v for k, v in data.items() if k != "seller_id"}, "seller_id": seller_id}
    digest = body_hash(body)
    known = stock.by_reference(OverseasSale, warehouse.id, seller_id, data["reference"])
    if known is not None:
        return stock.same_body(known, digest), False
    fields = ("reference", "sku", "quantity", "sold_on", "buyer", "amount", "currency")
    sale = OverseasSale(
        warehouse_id=warehouse.id,
        seller_id=seller_id,
        body_hash=digest,
        created_by=user.id,
        **{k: data.get(k) for k in fields},
    )
    db.session.add(sale)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        known = stock.by_reference(OverseasSale, warehouse.id, seller_id, data["reference"])
        return stock.same_body(known, digest), False
    moved = stock.depart(
        warehouse, seller_id, sale.sku, sale.quantity, "sale", utcnow(), user, sale_id=sale.id
    )
    if isinstance(moved, stock.Shortage):
        db.session.rollback()
        raise stock.refuse([moved], warehouse.name, {"quantity": [moved.text()]})
    after = {"reference": sale.reference, "sku": sale.sku, "quantity": stock.fmt_qty(sale.quantity)}
    audit.record(user.id, "stock.sold", "warehouse", warehouse.id, after=after)
    db.session.commit()
    return sale, True


def sales(
    warehouse: Warehouse, seller_id: str | None, sku: str | None = None
) -> list[OverseasSale]:
    stmt = select(OverseasSale).where(OverseasSale.warehouse_id == warehouse.id)
    if seller_id:
        stmt = stmt.where(OverseasSale.seller_id == seller_id)
    if sku:
        stmt = stmt.where(OverseasSale.sku == sku)
    return list(
        db.session.execute(stmt.order_by(OverseasSale.created_at, OverseasSale.id)).scalars()
    )


# -- where departed units came from ------------------------------------------------------------


def traces(movement_ids: list[int]) -> dict[int, list[dict]]:
    """Per departure, the arrivals its units were taken from (oldest first)."""
    rows = db.session.execute(
        select(StockAllocation.movement_id, StockAllocation.quantity, StockMovement)
        .join(StockLot, StockLot.id == StockAllocation.lot_id)
        .join(StockMovement, StockMovement.id == StockLot.movement_id)
        .where(StockAllocation.movement_id.in_(movement_ids))
        .order_by(StockAllocation.movement_id, StockAllocation.id)
    ).all()
    arrivals = [m for _, _, m in rows]
    found = _sources(arrivals)
    out: dict[int, list[dict]] = defaultdict(list)
    for movement_id, quantity, arrival in rows:
        out[movement_id].append({"quantity": quantity, **found[arrival.id]})
    return out


def _sources(arrivals: list[StockMovement]) -> dict[int, dict]:
    """What each arrival was: an export line (with its customs references), an entry line,
    or an adjustment."""
    order_ids = {m.order_id for m in arrivals if m.order_id}
    orders = {o.id: o for o in _load(Order, order_ids)}
    invt = customs_facts.inventory_numbers(order_ids)
    declared = _declaration_lines({m.order_line_id for m in arrivals if m.order_line_id})
    entries = _entry_lines({m.entry_line_id for m in arrivals if m.entry_line_id})
    out = {}
    for m in arrivals:
        base = {"arrival": m.kind, "arrived_at": m.occurred_at}
        if m.kind == "export_in":
            order = orders[m.order_id]
            line = next(ln for ln in order.lines if ln.id == m.order_line_id)
            base |= {
                "order_id": order.id,
                "order_no": order.order_no,
                "line_no": line.line_no,
                "hs_code": line.hs_code,
                "invt_no": invt.get(order.id),
                "declaration": declared.get(m.order_line_id),
            }
        elif m.kind == "entry":
            entry, line = entries[m.entry_line_id]
            base |= {
                "entry_id": entry.id,
                "entry_reference": entry.reference,
                "line_no": line.line_no,
                "item_record_no": line.item_record_no,
            }
        else:
            base |= {"reason": m.reason}
        out[m.id] = base
    return out


def _load(model, ids):
    return db.session.execute(select(model).where(model.id.in_(ids))).scalars() if ids else []


def _declaration_lines(order_line_ids: set[str]) -> dict[str, dict]:
    """The customs declaration line each export order line was summarised onto."""
    if not order_line_ids:
        return {}
    rows = db.session.execute(
        select(SummaryResultLine, SummaryDeclaration)
        .join(SummaryDeclaration, SummaryDeclaration.id == SummaryResultLine.declaration_id)
        .where(SummaryResultLine.order_line_id.in_(order_line_ids))
    )
    return {
        line.order_line_id: {
            "sum_no": decl.sum_no,
            "decl_seq_no": decl.decl_seq_no,
            "entry_id": decl.entry_id,
            "gseqno": line.gseqno,
            "gcode": line.gcode,
        }
        for line, decl in rows
    }


def _entry_lines(ids: set[str]) -> dict[str, tuple[StockEntry, StockEntryLine]]:
    return lines_with_heads(StockEntryLine, StockEntry, StockEntryLine.entry_id, ids)


# -- releases ----------------------------------------------------------------------------------


def release(user: User, warehouse: Warehouse, order_id: str) -> tuple[StockRelease, bool]:
    """Release a buyer's order from stock; ``(release, created)``. Releasing it again
    returns the stored release."""
    order = get_order(user, order_id)
    known = _release_of(order.id)
    if known is not None:
        return known, False
    _check_releasable(warehouse, order)
    row = StockRelease(
        warehouse_id=warehouse.id,
        seller_id=order.seller_id,
        order_id=order.id,
        trade_mode=order.trade_mode,
        crossing=warehouse.crossing,
        transport=warehouse.transport,
        released_at=utcnow(),
        created_by=user.id,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _release_of(order.id), False
    _take_order(warehouse, order, row, user)
    if order.flow == "import":
        _check_quota(order)
    audit.record(user.id, "stock.released", "order", order.id, after={"release_id": row.id})
    release_id = row.id
    declaring.declare(order, user)  # freezes the declaration and commits
    stored = db.session.get(StockRelease, release_id)
    if stored is None:
        raise Conflict("The order changed while it was released; try again.")
    return stored, True


def _release_of(order_id: str) -> StockRelease | None:
    return db.session.execute(
        select(StockRelease).where(StockRelease.order_id == order_id)
    ).scalar_one_or_none()


def _check_releasable(warehouse: Warehouse, order: Order) -> None:
    mode = RELEASE_MODES.get(warehouse.kind)
    problem = None
    if mode is None:
        problem = f"{warehouse.name} is an {warehouse.kind} warehouse: it releases no orders"
    elif order.warehouse_id != warehouse.id:
        problem = f"order {order.order_no} is not an order from {warehouse.name}"
    elif order.trade_mode != mode:
        problem = (
            f"{warehouse.kind} warehouses release {mode} orders; "
            f"{order.order_no} is {order.trade_mode}"
        )
    elif order.status != "received":
        problem = f"order {order.order_no} is {order.status}"
    if problem:
        raise Conflict(f"The order cannot be released: {problem}.", {"order_id": [problem]})


def _take_order(warehouse: Warehouse, order: Order, row: StockRelease, user: User) -> None:
    """Take every line of the order from stock, or nothing (409 naming the SKUs short)."""
    short = False
    for line in order.lines:
        moved = stock.depart(
            warehouse,
            order.seller_id,
            line.sku,
            line.quantity,
            "release",
            row.released_at,
            user,
            release_id=row.id,
            order_id=order.id,
            order_line_id=line.id,
        )
        short = short or isinstance(moved, stock.Shortage)
    if not short:
        return
    wanted: dict[str, Decimal] = defaultdict(Decimal)
    for line in order.lines:
        wanted[line.sku] += line.quantity
    lines = [(line.line_no, line.sku) for line in order.lines]
    where, seller_id = (warehouse.id, warehouse.name), order.seller_id
    db.session.rollback()
    have = stock.available(where[0], seller_id, list(wanted))
    shortages = {s: stock.Shortage(s, q, have[s]) for s, q in wanted.items() if q > have[s]}
    fields = {f"items.{n - 1}.quantity": [shortages[s].text()] for n, s in lines if s in shortages}
    raise stock.refuse(list(shortages.values()), where[1], fields)


def _released_unfiled(order: Order) -> Decimal:
    """What the buyer's other orders released from bonded stock but not filed yet will
    count against their quota (the ledger counts an order once its inventory is filed)."""
    buyer = (order.recipient or {}).get("id_number")
    year = (order.ordered_at or order.created_at.date()).year
    waiting = db.session.execute(
        select(Order)
        .join(StockRelease, StockRelease.order_id == Order.id)
        .where(Order.status == "received", Order.id != order.id, Order.trade_mode == "1210")
    ).scalars()
    return sum(
        (
            clearance.quota_amount(o)
            for o in waiting
            if (o.recipient or {}).get("id_number") == buyer
            and (o.ordered_at or o.created_at.date()).year == year
        ),
        Decimal(0),
    )


def _check_quota(order: Order) -> None:
    """The buyer's annual CBEC quota can take the order beside their other released orders
    not filed yet (409 over it, nothing kept); it counts the order when its inventory is
    filed."""
    try:
        clearance.check_quota(order, _released_unfiled(order))
    except Conflict:
        db.session.rollback()
        raise


def releases(warehouse: Warehouse, seller_id: str | None) -> list[StockRelease]:
    stmt = select(StockRelease).where(StockRelease.warehouse_id == warehouse.id)
    if seller_id:
        stmt = stmt.where(StockRelease.seller_id == seller_id)
    return list(
        db.session.execute(stmt.order_by(StockRelease.released_at, StockRelease.id)).scalars()
    )


# -- views ---------------------------------------------------------------------------------------


def sale_views(rows: list[OverseasSale]) -> list[dict]:
    """Sales with the arrivals their units came from."""
    moved = _departures("sale_id", [s.id for s in rows])
    found = traces([m.id for ms in moved.values() for m in ms])
    return [
        {
            **{c.name: getattr(s, c.name) for c in OverseasSale.__table__.columns},
            "trace": [t for m in moved.get(s.id, []) for t in found.get(m.id, [])],
        }
        for s in rows
    ]


def release_views(rows: list[StockRelease]) -> list[dict]:
    """Releases with each order line's departure and where its units came from."""
    moved = _departures("release_id", [r.id for r in rows])
    found = traces([m.id for ms in moved.values() for m in ms])
    orders = {o.id: o for o in _load(Order, {r.order_id for r in rows})}
    out = []
    for r in rows:
        order = orders[r.order_id]
        by_line = {m.order_line_id: m for m in moved.get(r.id, [])}
        lines = [
            {
                "line_no": ln.line_no,
                "sku": ln.sku,
                "quantity": ln.quantity,
                "trace": found.get(by_line[ln.id].id, []) if ln.id in by_line else [],
            }
            for ln in order.lines
        ]
        kind = "ceb621" if r.trade_mode == "1210" else "ceb603"
        out.append(
            {
                **{c.name: getattr(r, c.name) for c in StockRelease.__table__.columns},
                "order_no": order.order_no,
                "lines": lines,
                "documents": {kind: f"/api/v1/orders/{order.id}/declarations/{kind}"},
            }
        )
    return out


def _departures(column: str, ids: list[str]) -> dict[str, list[StockMovement]]:
    """The ledger rows of the sales or releases ``ids``, by sale or release."""
    out: dict[str, list[StockMovement]] = defaultdict(list)
    if not ids:
        return out
    rows = db.session.execute(
        select(StockMovement)
        .where(getattr(StockMovement, column).in_(ids))
        .order_by(StockMovement.id)
    ).scalars()
    for m in rows:
        out[getattr(m, column)].append(m)
    return out


__all__ = ["release", "release_views", "releases", "sale_views", "sales", "sell", "traces"]
