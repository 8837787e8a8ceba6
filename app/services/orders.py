"""Storing orders idempotently, and reading them back within a tenant's walls.

Both the JSON API and file imports end in :func:`store_orders`, which writes orders,
lines, parcels and audit entries with bulk Core inserts in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..errors import Conflict, NotFound, ValidationFailed, flatten_errors
from ..extensions import db
from ..models import AuditEntry, Order, OrderLine, Parcel, Seller, User
from ..models.base import new_id, utcnow
from ..models.orders import DEFAULT_CHANNEL, DEFAULT_TRADE_MODE
from ..schemas.orders import LineSchema, OrderIn
from . import audit, quoting, s10_numbers, warehouses

_order_schema = OrderIn()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value)}")


# Fields added after orders were first stored, and the value every older body meant: at
# that value a field stays out of the hash, so an order stored before the field existed
# is still recognised when its body is sent again.
_HASHED_UNLESS = {
    "channel": DEFAULT_CHANNEL,
    "trade_mode": DEFAULT_TRADE_MODE,
    "warehouse_id": None,
}


def body_hash(data: dict) -> str:
    """Hash of the validated order: equal bodies (``12.5`` vs ``"12.50"``) hash equal."""
    hashed = {k: v for k, v in data.items() if k not in _HASHED_UNLESS or _HASHED_UNLESS[k] != v}
    text = json.dumps(hashed, default=_canonical, sort_keys=True, ensure_ascii=False)
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
    fresh = _new_orders(seller_id, list(zip(orders, pre, strict=True)), result)
    if fresh:
        rows = _Rows(seller_id, actor_id, import_batch_id, fresh)
        rows.insert()
        result.created.extend(rows.order_ids)
    return result


def _new_orders(
    seller_id: str, candidates: list[tuple[dict, Precomputed]], result: StoreResult
) -> list[tuple[dict, Precomputed]]:
    """The orders to insert; a stored order number is a duplicate (same body) or a
    conflict (different body), and so is an item id already in use."""
    existing = _stored_orders(seller_id, [data["order_no"] for data, _ in candidates])
    taken_ids = _used_item_ids([data["item_id"] for data, _ in candidates if data.get("item_id")])
    places = warehouses.of_orders(seller_id, [data for data, _ in candidates])
    fresh = []
    for data, known in candidates:
        order_no, item_id = data["order_no"], data.get("item_id")
        found = existing.get(order_no)
        if found:
            if found[1] == known.digest:
                result.duplicates[order_no] = found[0]
            else:
                result.conflicts[order_no] = (
                    f"order {order_no} already exists with different content"
                )
        elif item_id and item_id in taken_ids:
            result.conflicts[order_no] = f"item_id {item_id} is already in use"
        elif why := warehouses.order_refusal(data, places):
            result.conflicts[order_no] = why
        else:
            if item_id:
                taken_ids.add(item_id)
            fresh.append((data, known))
    return fresh


def _stored_orders(seller_id: str, order_nos: list[str]) -> dict[str, tuple[str, str]]:
    """``order_no -> (id, body_hash)`` of the seller's stored orders among ``order_nos``."""
    stmt = select(Order.order_no, Order.id, Order.body_hash).where(
        Order.seller_id == seller_id, Order.order_no.in_(order_nos)
    )
    return {row.order_no: (row.id, row.body_hash) for row in db.session.execute(stmt)}


def _used_item_ids(item_ids: list[str]) -> set[str]:
    if not item_ids:
        return set()
    stmt = select(Parcel.item_id).where(Parcel.item_id.in_(item_ids))
    return set(db.session.execute(stmt).scalars())


def _columns(model: type[db.Model]) -> tuple[str, ...]:
    """The columns a bulk insert fills: all but a key the database numbers itself."""
    return tuple(
        c.name for c in model.__table__.columns if not (c.primary_key and c.autoincrement is True)
    )


_INSERTED = {model: _columns(model) for model in (Order, OrderLine, Parcel, AuditEntry)}


def _row(model: type[db.Model], source: dict, **values: Any) -> dict:
    """One row of ``model`` for a bulk insert: each column from ``values``, else the field
    of the same name in ``source`` (None where it has none)."""
    return {c: values[c] if c in values else source.get(c) for c in _INSERTED[model]}


def _payment(p: dict | None) -> dict | None:
    if not p:
        return None
    return {**p, "paid_at": p["paid_at"].isoformat()}


def _party(p: dict) -> dict:
    return {k: v for k, v in p.items() if v is not None}


# The order columns an order body determines (its id, seller, number, status, batch and
# creation time are the service's).
_BODY_COLUMNS = tuple(
    c
    for c in _INSERTED[Order]
    if c in OrderIn().fields and c not in ("order_no", "item_id", "sender", "recipient", "payment")
)


def _line_values(data: dict) -> list[dict]:
    """The line columns of a validated body, numbered from 1 (ids are the caller's)."""
    return [
        {
            **{c: item.get(c) for c in _INSERTED[OrderLine] if c not in ("id", "order_id")},
            "line_no": n,
            "unit": item.get("unit") or "piece",
            "line_value": item["quantity"] * item["unit_value"],
        }
        for n, item in enumerate(data["items"], start=1)
    ]


def _order_values(
    data: dict, lines: list[dict], digest: str, quote: dict | None, quote_error: str | None
) -> dict:
    """The order columns a validated body determines, with its totals and frozen quote."""
    return {
        **{c: data.get(c) for c in _BODY_COLUMNS},
        "body_hash": digest,
        "seller_collects_vat": bool(data.get("seller_collects_vat")),
        "sender": _party(data["sender"]),
        "recipient": _party(data["recipient"]),
        "goods_value": sum((line["line_value"] for line in lines), Decimal(0)),
        "net_weight_kg": sum((line["net_weight_kg"] for line in lines), Decimal(0)),
        "payment": _payment(data.get("payment")),
        "quote": quote,
        "quote_error": quote_error,
    }


class _Rows:
    """The rows of new orders for one insert per table: order, lines, parcel, audit entry."""

    def __init__(
        self,
        seller_id: str,
        actor_id: str | None,
        import_batch_id: str | None,
        fresh: list[tuple[dict, Precomputed]],
    ):
        self.seller_id, self.actor_id, self.import_batch_id = seller_id, actor_id, import_batch_id
        self.now = utcnow()
        self.tables: dict[type[db.Model], list[dict]] = {model: [] for model in _INSERTED}
        self.order_ids: list[str] = []
        for data, known in fresh:
            self._add(data, known, item_id=data.get("item_id"))

    def _add(self, data: dict, known: Precomputed, item_id: str | None) -> None:
        order_id = new_id()
        lines = [
            _row(OrderLine, line, id=new_id(), order_id=order_id) for line in _line_values(data)
        ]
        self.tables[OrderLine].extend(lines)
        if known.quoted:
            quote, quote_error = known.quote, known.quote_error
        else:
            quote, quote_error = quoting.frozen_quote(data, self.now.date())
        content = _order_values(data, lines, known.digest, quote, quote_error)
        self.tables[Order].append(
            _row(
                Order,
                {},
                id=order_id,
                seller_id=self.seller_id,
                order_no=data["order_no"],
                status="received",
                import_batch_id=self.import_batch_id,
                created_at=self.now,
                **content,
            )
        )
        self.tables[Parcel].append(
            _row(
                Parcel,
                {},
                id=new_id(),
                order_id=order_id,
                seq=1,
                item_id=item_id,
                gross_weight_kg=data["gross_weight_kg"],
                created_at=self.now,
            )
        )
        after = {
            "order_no": data["order_no"],
            "status": "received",
            "import_batch_id": self.import_batch_id,
        }
        self.tables[AuditEntry].append(
            audit.entry(self.actor_id, "order.created", "order", order_id, after=after, at=self.now)
        )
        self.order_ids.append(order_id)

    def insert(self) -> None:
        """Core inserts (not the ORM bulk path): one executemany per table, in the
        session's transaction. The S10 counter is advanced last, just before the parcels
        that carry the ids: its row stays locked until the caller commits (on PostgreSQL),
        and every other order being stored meanwhile waits for it."""
        connection = db.session.connection()
        for model, rows in self.tables.items():
            if model is not Parcel:
                connection.execute(insert(model.__table__), rows)
        unnumbered = [row for row in self.tables[Parcel] if row["item_id"] is None]
        for row, item_id in zip(unnumbered, s10_numbers.allocate(len(unnumbered)), strict=True):
            row["item_id"] = item_id
        connection.execute(insert(Parcel.__table__), self.tables[Parcel])


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
    """The order with its lines and parcels, in one statement (its view shows them all)."""
    order = db.session.get(
        Order, order_id, options=[joinedload(Order.lines), joinedload(Order.parcels)]
    )
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


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows; unset fields do not narrow it. ``created_from`` and
    ``created_to`` are UTC calendar days, both included."""

    status: str | None = None
    order_no: str | None = None
    flow: str | None = None
    destination: str | None = None  # ISO country of the recipient
    created_from: date | None = None
    created_to: date | None = None

    def apply(self, stmt):
        """``stmt`` (a select over orders) narrowed to the orders this filter shows."""
        for column, value in (
            (Order.status, self.status),
            (Order.order_no, self.order_no),
            (Order.flow, self.flow),
        ):
            if value:
                stmt = stmt.where(column == value)
        if self.destination:
            country = Order.recipient["country"].as_string()
            stmt = stmt.where(country == self.destination.upper())
        if self.created_from:
            stmt = stmt.where(Order.created_at >= _utc_midnight(self.created_from))
        if self.created_to:
            stmt = stmt.where(Order.created_at < _utc_midnight(self.created_to + timedelta(1)))
        return stmt


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def list_orders(
    user: User, status: str | None = None, page: int = 1, per_page: int = 50, **filters: Any
) -> dict:
    """One page of the orders ``user`` may see, newest first; ``filters`` are the other
    fields of :class:`OrderFilter`."""
    stmt = OrderFilter(status=status, **filters).apply(_visible(user))
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


def stored_payment(order: Order) -> dict | None:
    """The order's payment record with ``paid_at`` as a date-time again (it is stored as
    ISO 8601 text in the JSON column)."""
    if not order.payment:
        return None
    return {**order.payment, "paid_at": datetime.fromisoformat(order.payment["paid_at"])}


def order_view(order: Order) -> dict:
    """The order with its computed totals, ready for ``OrderOut``."""
    parcels = list(order.parcels)
    return {
        **{c.name: getattr(order, c.name) for c in Order.__table__.columns},
        "payment": stored_payment(order),
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


# -- the stored order as a body, and replacing it -------------------------------------------


def _body(data: dict) -> dict:
    """An order in the shape of ``OrderIn`` (validated data, or the stored order) as the JSON
    body a client sends: decimals as strings, dates and times ISO 8601, empty party fields
    left out."""
    parties = {p: _party(data[p]) for p in ("sender", "recipient")}
    items = [_line_body(item) for item in data["items"]]
    return _order_schema.dump({**data, **parties, "items": items})


_LINE_FIELDS = tuple(LineSchema().fields)


def _line_body(line: dict | OrderLine) -> dict:
    """An order line (validated or stored) with every field of a line body, None if unset."""
    if isinstance(line, dict):
        return {f: line.get(f) for f in _LINE_FIELDS}
    return {f: getattr(line, f) for f in _LINE_FIELDS}


def order_body(order: Order) -> dict:
    """The stored order as an ``OrderIn`` body: what a client would send to create it as it
    stands, with the parcel's S10 id as ``item_id``. Validating it again gives the same
    order, so it is the base a JSON merge patch applies to; a broker's amendment edits it
    and hands it to :func:`replace_order`."""
    return _body(
        {
            **{c: getattr(order, c) for c in _BODY_COLUMNS},
            "order_no": order.order_no,
            "item_id": order.parcels[0].item_id if order.parcels else None,
            "sender": order.sender,
            "recipient": order.recipient,
            "payment": stored_payment(order),
            "items": list(order.lines),
        }
    )


def replace_order(user: User, order: Order, body: Any, actor: User | None) -> Order:
    """Replace the content of a stored order with ``body``, a whole ``OrderIn`` body.

    - ``user`` must be able to see the order (a seller only its own: :class:`NotFound`
      otherwise); ``actor`` is who the audit log names (None for the system).
    - The body is validated as on creation (:class:`ValidationFailed` with field paths);
      ``order_no`` cannot change. Without ``item_id`` the parcel keeps its S10 id; another
      id must be free (:class:`Conflict`).
    - The order's columns, its lines, its parcel's gross weight and S10 id, a new frozen
      quote (as of today) and the body hash (what an identical POST is recognised by) are
      rewritten, and an ``order.replaced`` audit entry holds the changed body fields before
      and after. A body that changes nothing changes nothing (no quote, no audit entry).

    It does not judge whether the order may still change (see ``order_changes``), freeze a
    declaration or commit: it flushes, in the caller's transaction.
    """
    get_order(user, order.id)
    data = validate_order(body)
    if data["order_no"] != order.order_no:
        raise ValidationFailed(
            "An order keeps its number.",
            {"order_no": [f"stays {order.order_no!r}; store a new order for a new number"]},
        )
    why = warehouses.order_refusal(data, warehouses.of_orders(order.seller_id, [data]))
    if why:
        raise Conflict(why, {"warehouse_id": [why]})
    digest = body_hash(data)
    parcel = _only_parcel(order)
    item_id = data.get("item_id") or parcel.item_id
    before, after = order_body(order), _body({**data, "item_id": item_id})
    if after == before:
        return order
    if item_id != parcel.item_id and _used_item_ids([item_id]):
        raise Conflict(f"item_id {item_id} is already in use", {"item_id": ["already in use"]})
    lines = _line_values(data)
    quote, quote_error = quoting.frozen_quote(data, utcnow().date(), used=_quota_used(order, data))
    for column, value in _order_values(data, lines, digest, quote, quote_error).items():
        setattr(order, column, value)
    order.lines = [OrderLine(id=new_id(), order_id=order.id, **line) for line in lines]
    parcel.item_id, parcel.gross_weight_kg = item_id, data["gross_weight_kg"]
    changed = [k for k in after if after[k] != before.get(k)]
    audit.record(
        actor.id if actor else None,
        "order.replaced",
        "order",
        order.id,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
    )
    db.session.flush()
    return order


def _only_parcel(order: Order) -> Parcel:
    if len(order.parcels) != 1:
        raise Conflict(
            f"Order {order.order_no} ships in {len(order.parcels)} parcels; "
            "it cannot be replaced as one."
        )
    return order.parcels[0]


def _quota_used(order: Order, data: dict) -> Decimal | None:
    """The buyer's CBEC quota used by the buyer's other orders (a re-quote must not count
    this order against itself); None when the order has no such buyer."""
    buyer = quoting.buyer_of(data)
    if buyer is None:
        return None
    return quoting.buyer_year_used(buyer, utcnow().year, exclude_order=order.id)


__all__ = [
    "OrderFilter",
    "StoreResult",
    "body_hash",
    "create_order",
    "get_order",
    "list_orders",
    "order_body",
    "order_view",
    "replace_order",
    "store_orders",
    "validate_order",
]
