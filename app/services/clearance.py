"""Clearance progress: customs receipts in; case, order status and CBEC quota ledger out.

Receipts repeat and arrive out of order. Each status event is stored once (unique key),
and the state is recomputed from all of the order's events with the pure fold in
``declarations.ceb.receipts``, so the arrival order never matters. An order with a
clearance case follows its case (:mod:`app.services.case_follow`); the order follows the
state customs put the filing in (:data:`ORDER_FOLLOWS`). The quota ledger moves through
``tariff_tables.quota.apply``, which never counts an order twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from declarations import dxp
from declarations.ceb import receipts
from declarations.errors import DeclarationError
from tariff_tables import quota

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import Order, Parcel, Profile, QuotaLedgerEntry, Seller, StatusEvent, User
from ..models.base import utcnow
from . import audit, case_states, quota_ledger, quoting

MAX_RECEIPT_BYTES = 5 * 1024 * 1024


# -- quota ledger ------------------------------------------------------------------------


def _is_cbec_import(order: Order) -> bool:
    return order.flow == "import" and order.regime == "cbec"


def quota_amount(order: Order) -> Decimal:
    """What the order counts against the buyer's annual quota: its customs value in CNY."""
    if order.quote and order.quote.get("currency") == "CNY":
        return Decimal(order.quote["customs_value"])
    if order.currency == "CNY":
        return order.goods_value + order.shipping_cost + order.insurance_cost
    raise Conflict(
        f"Order {order.order_no} has no CNY customs value to count against the buyer's quota."
    )


def _refuse_over_quota(order: Order, buyer: str, year: int, amount: Decimal) -> None:
    used = quoting.buyer_year_used(buyer, year, exclude_order=order.id)
    check = quota.check(used, amount, order.ordered_at or order.created_at.date(), quoting.tariff())
    if check.would_exceed:
        raise Conflict(
            f"Buyer's annual CBEC quota would be exceeded (customs error -621018): used "
            f"{check.used}, this order {amount}, limit {check.limit} CNY.",
            {"recipient.id_number": ["annual CBEC quota exceeded"]},
        )


def quota_buyer(order: Order) -> str | None:
    """Whose annual CBEC quota the order counts against (None: it counts against none)."""
    return (order.recipient or {}).get("id_number") if _is_cbec_import(order) else None


def check_quota(order: Order, reserved: Decimal = Decimal(0)) -> None:
    """Refuse (409, -621018) an order the buyer's annual CBEC quota cannot take beside what
    is ``reserved`` for them but not filed yet, counting nothing: the quota counts the order
    when its inventory is filed (:func:`declare_order`)."""
    buyer = quota_buyer(order)
    if buyer:
        year = (order.ordered_at or order.created_at.date()).year
        _refuse_over_quota(order, buyer, year, quota_amount(order) + reserved)


def record_quota(order: Order, event: str) -> None:
    """Move the order's ledger entry for a customs event (in the caller's transaction)."""
    buyer = quota_buyer(order)
    if not buyer:
        return
    year = (order.ordered_at or order.created_at.date()).year
    row = quota_ledger.of_order(order.id)
    entry = (
        quota.LedgerEntry(order.id, row.buyer_id, row.year, row.amount, row.state) if row else None
    )
    amount = quota_amount(order)
    new, delta = quota.apply(
        entry, event, order_ref=order.id, buyer_id=buyer, year=year, amount=amount
    )
    if event == "declared" and delta > 0:
        _refuse_over_quota(order, buyer, year, new.amount)
    if row is None:
        row = QuotaLedgerEntry(order_id=order.id, buyer_id=buyer, year=year)
        quota_ledger.add(row)
    row.amount, row.state, row.updated_at = new.amount, new.state, utcnow()


# -- what an order becomes -------------------------------------------------------------------

#: How an order follows its filing: the case state customs put it in -> (order status, quota
#: event). Filing itself declares (:func:`declare_order`).
ORDER_FOLLOWS = {
    "released": ("released", "released"),
    "closed": ("released", "released"),
    "returned": ("returned", "returned"),
    "rejected": ("rejected", "cancelled"),
    "cancelled": ("cancelled", "cancelled"),
}


def _set_order_status(order: Order, status: str, actor: User | None) -> None:
    if order.status != status:
        audit.record(
            actor.id if actor else None,
            "order.status",
            "order",
            order.id,
            before={"status": order.status},
            after={"status": status},
        )
        order.status = status


def declare_order(order: Order, actor: User | None) -> None:
    """The inventory is filed: the order is declared and counts against the buyer's quota
    (raises :class:`Conflict` when that would pass the annual limit, -621018)."""
    record_quota(order, "declared")
    _set_order_status(order, "declared", actor)


def follow_order(order: Order, state: str | None, actor: User | None) -> None:
    """Move the order (and its quota entry) to where customs put its filing."""
    outcome = ORDER_FOLLOWS.get(state or "")
    if outcome is None:
        return
    status, quota_event = outcome
    _set_order_status(order, status, actor)
    record_quota(order, quota_event)


# -- receipts ------------------------------------------------------------------------------


def _events_from(body: bytes) -> list[receipts.StatusEvent]:
    if len(body) > MAX_RECEIPT_BYTES:
        raise ValidationFailed("The receipt is too large.", {"_body": ["over 5 MB"]})
    try:
        if b"DxpMsg" in body[:2048]:
            body = dxp.unwrap(body).data
        return receipts.parse(body)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The receipt cannot be read: {exc.summary}", {"_body": exc.problems or [exc.summary]}
        ) from exc


def _number(event: receipts.StatusEvent) -> str | None:
    return event.keys.get("orderNo") or event.keys.get("copNo")


def _ebc_codes(orders: list[Order]) -> dict[str, str | None]:
    """The e-commerce company (customs code) of each order's seller."""
    rows = db.session.execute(
        select(Order.id, Profile.customs_code)
        .join(Seller, Seller.id == Order.seller_id)
        .outerjoin(Profile, Profile.user_id == Seller.user_id)
        .where(Order.id.in_([o.id for o in orders]))
    ).all()
    return dict(rows)


#: Matching reads the orders' keys only: the orders matched are read whole once, under
#: their lock (:func:`_lock_orders`), as the fold needs them.
_KEYS_ONLY = load_only(Order.id, Order.order_no)


def _by_key(events: list[receipts.StatusEvent], key: str, column) -> dict[str, list[Order]]:
    """Orders by the value of ``column`` among the events' values of ``key``."""
    values = {e.keys[key] for e in events if e.keys.get(key)}
    found: dict[str, list[Order]] = defaultdict(list)
    if values:
        stmt = select(column, Order).where(column.in_(values)).options(_KEYS_ONLY)
        if column is Parcel.item_id:
            stmt = stmt.join(Order)
        for value, order in db.session.execute(stmt).all():
            found[value].append(order)
    return found


def _match_all(events: list[receipts.StatusEvent]) -> list[Order | None]:
    """The order each receipt event is about, by business keys (never by guid): the order
    number (orderNo/copNo), else the waybill number, else the payment's transaction id,
    else the number of a return the service filed (coElNo); among several sellers' orders
    of one number, the one of the receipt's e-commerce company."""
    numbers = {n for e in events if (n := _number(e))}
    by_number: dict[str, list[Order]] = defaultdict(list)
    if numbers:
        stmt = select(Order).where(Order.order_no.in_(numbers)).options(_KEYS_ONLY)
        for o in db.session.execute(stmt).scalars():
            by_number[o.order_no].append(o)
    by_waybill = _by_key(events, "logisticsNo", Parcel.item_id)
    by_payment = _by_key(events, "payTransactionId", Order.payment["transaction_id"].as_string())
    from .movement_receipts import orders_by_number

    by_return = orders_by_number(events)
    found = []
    for e in events:
        candidates = (
            by_number.get(_number(e) or "")
            or by_waybill.get(e.keys.get("logisticsNo", ""))
            or by_payment.get(e.keys.get("payTransactionId", ""))
            or ([by_return[e.keys["coElNo"]]] if e.keys.get("coElNo") in by_return else [])
        )
        if len(candidates) > 1 and e.keys.get("ebcCode"):
            codes = _ebc_codes(candidates)
            candidates = [o for o in candidates if codes.get(o.id) == e.keys["ebcCode"]]
        found.append(candidates[0] if len(candidates) == 1 else None)
    return found


def _identity(e) -> tuple:
    return (e.message_type, e.business_key, e.status, e.time)


def _store(
    events: list[receipts.StatusEvent], orders: list[Order | None]
) -> list[tuple[receipts.StatusEvent, Order | None]]:
    """Add the events not stored yet; returns the new ones with their orders."""
    keys = {e.business_key for e in events}
    stored = {
        (r.message_type, r.business_key, r.status, r.occurred_at)
        for r in db.session.execute(
            select(
                StatusEvent.message_type,
                StatusEvent.business_key,
                StatusEvent.status,
                StatusEvent.occurred_at,
            ).where(StatusEvent.business_key.in_(keys))
        )
    }
    new, rows = [], []
    for e, order in zip(events, orders, strict=True):
        if _identity(e) in stored:
            continue
        stored.add(_identity(e))
        row = {
            "order_id": order.id if order else None,
            "message_type": e.message_type,
            "business_key": e.business_key,
            "status": e.status,
            "occurred_at": e.time,
            "info": e.info,
            "details": {"kind": e.kind, "keys": e.keys},
        }
        if order is not None:
            rows.append(row)  # under the order's lock: inserted together below
        elif not _add_unmatched(StatusEvent(**row)):
            continue
        new.append((e, order))
    if rows:  # a Core statement: the ORM's bulk path costs more per row than the insert
        db.session.connection().execute(StatusEvent.__table__.insert(), rows)
    return new


def _add_unmatched(row: StatusEvent) -> bool:
    """An event of no order is not under an order's lock: another request may store the
    same one at once, and then this one is a repeat (False), not an error."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def _lock_orders(orders: list[Order | None]) -> None:
    """Receipts about one order are stored and folded one request at a time: each waits
    for the order's row (in id order, so two requests never wait for each other), then
    reads the events and the order as the request before it committed them. Without the
    lock, two requests both store the same event, or each folds without the other's."""
    ids = sorted({o.id for o in orders if o is not None})
    if ids:
        db.session.execute(
            select(Order)
            .where(Order.id.in_(ids))
            .order_by(Order.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars().all()


def ingest_events(events: list[receipts.StatusEvent], actor: User | None) -> dict:
    """Store receipt events, then recompute every order (and case) they touch, and every
    summary application (CEB702), summary result (CEB792) and movement (CEB214/216/508/510)
    they answer; in the caller's transaction."""
    orders = _match_all(events)
    _lock_orders(orders)
    new = _store(events, orders)
    db.session.flush()
    touched = {o.id: o for o in orders if o is not None}
    recompute_all(list(touched.values()), actor)
    from . import movement_receipts, parcel_receipts, summary_receipts

    parcel_receipts.follow([(e, o) for e, o in new if o is not None], actor)
    moved = movement_receipts.follow([e for e, _ in new], actor)

    return {
        "events": len(events),
        "new_events": len(new),
        "orders": sorted(touched),
        "summaries": summary_receipts.follow(events),
        "movements": sorted(set(moved)),
        "unmatched": sorted(
            {e.business_key for e, o in zip(events, orders, strict=True) if o is None}
        ),
    }


def read(body: bytes) -> list[receipts.StatusEvent]:
    """The status events of a receipt file (CEB XML or a DxpMsg); 422 when unreadable."""
    return _events_from(body)


def ingest(body: bytes, actor: User | None) -> dict:
    """Store a receipt's events, then recompute every order it touches."""
    result = ingest_events(_events_from(body), actor)
    db.session.commit()
    return result


def receipt_event(r: StatusEvent) -> receipts.StatusEvent:
    """A stored receipt event as the parser gave it (its time at UTC+08:00, as customs
    wrote it)."""
    return receipts.StatusEvent(
        message_type=r.message_type,
        kind=(r.details or {}).get("kind", ""),
        business_key=r.business_key,
        status=r.status,
        time=r.occurred_at.astimezone(receipts.CHINA_TIME),
        info=r.info or "",
        keys=(r.details or {}).get("keys") or {},
    )


def _stored_events(order: Order) -> list[receipts.StatusEvent]:
    return _stored_events_of([order.id]).get(order.id, [])


#: What a case follows: its inventory's receipts and its cancel's.
FOLLOWED = receipts.message_types("inventory", "cancel")


def _stored_events_of(
    order_ids: list[str], messages: tuple[str, ...] | None = None
) -> dict[str, list[receipts.StatusEvent]]:
    """The stored receipt events of each order (``messages``: of those message types
    only), in the order they were stored."""
    by_order: dict[str, list[receipts.StatusEvent]] = defaultdict(list)
    t = StatusEvent.__table__
    stmt = select(t).where(t.c.order_id.in_(order_ids)).order_by(t.c.id)
    if messages is not None:
        stmt = stmt.where(t.c.message_type.in_(messages))
    for r in db.session.execute(stmt):
        by_order[r.order_id].append(receipt_event(r))
    return by_order


def latest_state(
    events: list[receipts.StatusEvent], kind: str, since: datetime | None = None
) -> receipts.State | None:
    """The folded state of the order's document of ``kind`` (the most recent of its
    business keys), counting only events after ``since`` (earlier filings)."""
    wanted = [e for e in events if e.kind == kind and (since is None or e.time > since)]
    states = [s for (k, _), s in receipts.fold(wanted).items() if k == kind]
    return max(states, key=lambda s: s.time) if states else None


def recompute(order: Order, actor: User | None) -> None:
    """Bring the order (and its case) to what all its stored receipts say."""
    recompute_all([order], actor)


def recompute_all(orders: list[Order], actor: User | None) -> None:
    """:func:`recompute` for several orders (their events and cases read together)."""
    from . import case_follow

    ids = [o.id for o in orders]
    events, found = _stored_events_of(ids, FOLLOWED), case_follow.cases_of(ids)
    quota_ledger.look_up(order_ids=ids)
    followed = []
    for order in orders:
        case = found.get(order.id)
        if case is not None:
            followed.append((case, order, events.get(order.id, [])))
            continue
        inventory = latest_state(events.get(order.id, []), "inventory")
        if inventory is not None:
            follow_order(order, case_states.customs_state(inventory.status), actor)
    case_follow.follow_all(followed, actor)


def timeline(order: Order) -> dict:
    """Every stored event of the order and the current state per document; times in ISO
    8601 at UTC+08:00, as customs gave them."""
    events = _stored_events(order)
    states = receipts.fold(events)
    by_kind: dict[str, list] = defaultdict(list)
    for (kind, key), s in sorted(states.items()):
        by_kind[kind].append(
            {
                "business_key": key,
                "status": s.status,
                "label": s.label,
                "time": s.time.isoformat(),
                "info": s.info,
            }
        )
    return {
        "order_id": order.id,
        "status": order.status,
        "documents": dict(by_kind),
        "events": [
            {
                "message_type": e.message_type,
                "kind": e.kind,
                "business_key": e.business_key,
                "status": e.status,
                "label": e.label,
                "time": e.time.isoformat(),
                "info": e.info,
            }
            for e in sorted(events, key=lambda e: e.time)
        ],
    }
