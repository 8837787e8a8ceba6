"""Storing orders idempotently, and reading them back within a tenant's walls.

Both the JSON API and file imports end in :func:`store_orders`, which writes orders,
lines, parcels and audit entries with bulk Core inserts in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound, ValidationFailed, flatten_errors
from ..extensions import db
from ..models import AuditEntry, Order, OrderLine, Parcel, Seller, User
from ..models.base import new_id, utcnow
from ..schemas.orders import OrderIn
from . import quoting, s10_numbers

_order_schema = OrderIn()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value)}")


def body_hash(data: dict) -> str:
    """Hash of the validated order: equal bodies (``12.5`` vs ``"12.50"``) hash equal."""
    text = json.dumps(data, default=_canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def validate_order(payload: Any, schema: OrderIn | None = None) -> dict:
    """Validate a raw order payload; raise :class:`ValidationFailed` with field paths."""
    try:
        return (schema or _order_schema).load(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            "The order has invalid fields; see errors.", flatten_errors(exc.messages)
        ) from exc


@dataclass
class StoreResult:
    created: list[str] = field(default_factory=list)  # order ids, in input order
    duplicates: dict[str, str] = field(default_factory=dict)  # order_no -> existing id
    conflicts: dict[str, str] = field(default_factory=dict)  # order_no -> reason


def _payment(p: dict | None) -> dict | None:
    if not p:
        return None
    return {**p, "paid_at": p["paid_at"].isoformat()}


def _party(p: dict) -> dict:
    return {k: v for k, v in p.items() if v is not None}


@dataclass(frozen=True)
class Precomputed:
    """What an import helper process already worked out for one order (pure results)."""

    digest: str
    quote: dict | None = None
    quote_error: str | None = None
    quoted: bool = False  # False: quote here (it depends on the buyer's quota ledger)


def store_orders(
    seller_id: str,
    orders: list[dict],
    actor_id: str | None,
    import_batch_id: str | None = None,
    precomputed: list[Precomputed] | None = None,
) -> StoreResult:
    """Insert validated orders that are new; classify the rest as duplicates or conflicts.

    Runs inside the caller's transaction and does not commit.
    """
    result = StoreResult()
    if not orders:
        return result
    pre = precomputed or [Precomputed(body_hash(o)) for o in orders]
    hashes = [p.digest for p in pre]
    pre_by_no = {o["order_no"]: p for o, p in zip(orders, pre, strict=True)}
    existing = {
        row.order_no: (row.id, row.body_hash)
        for row in db.session.execute(
            select(Order.order_no, Order.id, Order.body_hash).where(
                Order.seller_id == seller_id,
                Order.order_no.in_([o["order_no"] for o in orders]),
            )
        )
    }
    given_ids = [o["item_id"] for o in orders if o.get("item_id")]
    taken_ids = set()
    if given_ids:
        taken_ids = set(
            db.session.execute(select(Parcel.item_id).where(Parcel.item_id.in_(given_ids)))
            .scalars()
            .all()
        )
    fresh: list[tuple[dict, str]] = []
    seen_item_ids: set[str] = set()
    for data, digest in zip(orders, hashes, strict=True):
        found = existing.get(data["order_no"])
        if found:
            if found[1] == digest:
                result.duplicates[data["order_no"]] = found[0]
            else:
                result.conflicts[data["order_no"]] = (
                    f"order {data['order_no']} already exists with different content"
                )
            continue
        item_id = data.get("item_id")
        if item_id and (item_id in taken_ids or item_id in seen_item_ids):
            result.conflicts[data["order_no"]] = f"item_id {item_id} is already in use"
            continue
        if item_id:
            seen_item_ids.add(item_id)
        fresh.append((data, digest))
    if not fresh:
        return result

    issued = iter(s10_numbers.allocate(sum(1 for d, _ in fresh if not d.get("item_id"))))
    now = utcnow()
    today = now.date()
    order_rows, line_rows, parcel_rows, audit_rows = [], [], [], []
    for data, digest in fresh:
        order_id = new_id()
        known = pre_by_no[data["order_no"]]
        if known.quoted:
            quote, quote_error = known.quote, known.quote_error
        else:
            quote, quote_error = quoting.frozen_quote(data, today)
        goods = Decimal(0)
        net = Decimal(0)
        for n, item in enumerate(data["items"], start=1):
            line_value = item["quantity"] * item["unit_value"]
            goods += line_value
            net += item["net_weight_kg"]
            line_rows.append(
                {
                    "id": new_id(),
                    "order_id": order_id,
                    "line_no": n,
                    "sku": item.get("sku"),
                    "description": item["description"],
                    "description_local": item.get("description_local"),
                    "hs_code": item["hs_code"],
                    "quantity": item["quantity"],
                    "unit": item.get("unit") or "piece",
                    "net_weight_kg": item["net_weight_kg"],
                    "unit_value": item["unit_value"],
                    "line_value": line_value,
                    "origin_country": item["origin_country"],
                }
            )
        order_rows.append(
            {
                "id": order_id,
                "seller_id": seller_id,
                "order_no": data["order_no"],
                "body_hash": digest,
                "status": "received",
                "flow": data["flow"],
                "regime": data.get("regime"),
                "incoterm": data["incoterm"],
                "freight_payer": data["freight_payer"],
                "duty_payer": data["duty_payer"],
                "currency": data["currency"],
                "shipping_cost": data["shipping_cost"],
                "insurance_cost": data["insurance_cost"],
                "category": data["category"],
                "category_explanation": data.get("category_explanation"),
                "gross_weight_kg": data["gross_weight_kg"],
                "ordered_at": data.get("ordered_at"),
                "seller_collects_vat": bool(data.get("seller_collects_vat")),
                "sender": _party(data["sender"]),
                "recipient": _party(data["recipient"]),
                "goods_value": goods,
                "net_weight_kg": net,
                "payment": _payment(data.get("payment")),
                "quote": quote,
                "quote_error": quote_error,
                "import_batch_id": import_batch_id,
                "created_at": now,
            }
        )
        parcel_rows.append(
            {
                "id": new_id(),
                "order_id": order_id,
                "seq": 1,
                "item_id": data.get("item_id") or next(issued),
                "gross_weight_kg": data["gross_weight_kg"],
                "note": None,
                "created_at": now,
            }
        )
        audit_rows.append(
            {
                "at": now,
                "actor_id": actor_id,
                "action": "order.created",
                "entity_type": "order",
                "entity_id": order_id,
                "before": None,
                "after": {
                    "order_no": data["order_no"],
                    "status": "received",
                    "import_batch_id": import_batch_id,
                },
            }
        )
        result.created.append(order_id)
    # Core inserts on the tables (not the ORM bulk path): one executemany per table.
    connection = db.session.connection()  # the session's transaction, without ORM overhead
    connection.execute(insert(Order.__table__), order_rows)
    connection.execute(insert(OrderLine.__table__), line_rows)
    connection.execute(insert(Parcel.__table__), parcel_rows)
    connection.execute(insert(AuditEntry.__table__), audit_rows)
    return result


def create_order(seller: Seller, payload: Any, actor: User) -> tuple[Order, bool]:
    """Create one order from a JSON payload; return ``(order, created)``.

    The same body under the same ``order_no`` returns the stored order (created=False);
    a different body raises :class:`Conflict`. Nothing is written unless all of it is.
    """
    data = validate_order(payload)
    for attempt in range(2):
        try:
            result = store_orders(seller.id, [data], actor.id)
            db.session.commit()
            break
        except IntegrityError as exc:
            # Lost a race with a concurrent request; the retry sees what won.
            db.session.rollback()
            if attempt:
                raise Conflict("The order conflicts with a concurrent change; retry.") from exc
    if result.conflicts:
        raise Conflict(next(iter(result.conflicts.values())))
    if result.created:
        return get_order_by_id(result.created[0]), True
    return get_order_by_id(result.duplicates[data["order_no"]]), False


def get_order_by_id(order_id: str) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("No such order.")
    return order


def _visible(user: User):
    stmt = select(Order)
    if user.role == "seller":
        seller_id = user.seller.id if user.seller else None
        stmt = stmt.where(Order.seller_id == seller_id)
    elif user.role not in ("broker", "admin", "carrier"):
        stmt = stmt.where(False)
    return stmt


def get_order(user: User, order_id: str) -> Order:
    """An order the user may see; another tenant's order is reported as not found."""
    order = db.session.execute(_visible(user).where(Order.id == order_id)).scalar_one_or_none()
    if order is None:
        raise NotFound("No such order.")
    return order


def list_orders(user: User, status: str | None, page: int, per_page: int) -> dict:
    stmt = _visible(user)
    if status:
        stmt = stmt.where(Order.status == status)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = (
        db.session.execute(
            stmt.order_by(Order.created_at.desc(), Order.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .scalars()
        .all()
    )
    return {
        "items": [order_view(o) for o in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


def order_view(order: Order) -> dict:
    """The order with its computed totals, ready for ``OrderOut``."""
    parcels = list(order.parcels)
    return {
        **{c.name: getattr(order, c.name) for c in Order.__table__.columns},
        "lines": list(order.lines),
        "parcels": parcels,
        "item_id": parcels[0].item_id if parcels else None,
        "totals": {
            "currency": order.currency,
            "goods_value": order.goods_value,
            "shipping_cost": order.shipping_cost,
            "insurance_cost": order.insurance_cost,
            "total_value": order.goods_value + order.shipping_cost + order.insurance_cost,
            "net_weight_kg": order.net_weight_kg,
            "gross_weight_kg": order.gross_weight_kg,
            "line_count": len(order.lines),
        },
    }


__all__ = [
    "StoreResult",
    "body_hash",
    "create_order",
    "get_order",
    "list_orders",
    "order_view",
    "store_orders",
    "validate_order",
]
