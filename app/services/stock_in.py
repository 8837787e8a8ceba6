"""Goods entered into a warehouse in bulk (``POST /warehouses/{id}/entries``).

An entry puts goods into a bonded or border warehouse by SKU, under the reference it was
made with. It is identified by that reference: sent again it changes nothing; another
entry under it is a conflict. (9810 exports arrive on their release instead:
:func:`app.services.stock.book_exports`.) A bonded entry is also reported to customs, in
the same transaction, as a site entry record (CEB711, :mod:`.site_entries`): one that
cannot be is refused before anything is stored.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import StockEntry, StockEntryLine, User, Warehouse
from ..models.base import utcnow
from . import audit, site_entries, stock
from .orders import body_hash

ENTRY_KINDS = ("bonded", "border")


def _entry_body(data: dict, seller_id: str) -> dict:
    return {**{k: v for k, v in data.items() if k != "seller_id"}, "seller_id": seller_id}


def _reportable(warehouse: Warehouse, data: dict) -> None:
    """A bonded entry states what its CEB711 needs; only a bonded entry states transport."""
    if warehouse.kind == "bonded":
        errors = site_entries.profile_problems(warehouse, data)
        if errors:
            raise ValidationFailed(
                "The entry cannot be reported to customs (CEB711): "
                + "; ".join(f"{k}: {v[0]}" for k, v in errors.items()),
                errors,
            )
    elif data.get("transport"):
        raise ValidationFailed(
            "Only a bonded entry is reported to customs with its transport.",
            {"transport": ["only for bonded warehouses"]},
        )


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
    known = stock.by_reference(StockEntry, warehouse.id, seller_id, data["reference"])
    if known is not None:
        return stock.same_body(known, digest), False
    _reportable(warehouse, data)
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
        if warehouse.kind == "bonded":
            site_entries.stage(user, warehouse, entry, data["transport"])
        after = {"reference": entry.reference, "lines": len(entry.lines)}
        audit.record(user.id, "stock.entered", "warehouse", warehouse.id, after=after)
        db.session.commit()
    except ValidationFailed:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()  # the same reference stored concurrently
        known = stock.by_reference(StockEntry, warehouse.id, seller_id, data["reference"])
        if known is None:
            raise
        return stock.same_body(known, digest), False
    return entry, True


__all__ = ["enter"]
