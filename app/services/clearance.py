"""Clearance progress: customs receipts in, order status and the CBEC quota ledger out.

Receipts repeat and arrive out of order. Each status event is stored once (unique key),
and an order's status is recomputed from all of its events with the pure fold in
``declarations.ceb.receipts``, so the arrival order never matters. The quota ledger moves
through ``tariff_tables.quota.apply``, which never counts an order twice.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from declarations import dxp
from declarations.ceb import receipts
from declarations.errors import DeclarationError
from tariff_tables import quota

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import Order, Parcel, Profile, QuotaLedgerEntry, Seller, StatusEvent, User
from ..models.base import utcnow
from . import audit, quoting

MAX_RECEIPT_BYTES = 5 * 1024 * 1024

# Inventory receipt statuses (DOMAIN.md §5) that move an order, and the quota event each is.
INVENTORY_OUTCOMES = {
    "800": ("released", "released"),
    "899": ("released", "released"),
    "700": ("returned", "returned"),
    "100": ("rejected", "cancelled"),
}


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


def record_quota(order: Order, event: str) -> None:
    """Move the order's ledger entry for a customs event (in the caller's transaction)."""
    if not _is_cbec_import(order):
        return
    buyer = (order.recipient or {}).get("id_number")
    if not buyer:
        return
    year = (order.ordered_at or order.created_at.date()).year
    row = db.session.get(QuotaLedgerEntry, order.id)
    entry = (
        quota.LedgerEntry(order.id, row.buyer_id, row.year, row.amount, row.state) if row else None
    )
    amount = quota_amount(order)
    new, delta = quota.apply(
        entry, event, order_ref=order.id, buyer_id=buyer, year=year, amount=amount
    )
    if event == "declared" and delta > 0:
        used = quoting.buyer_year_used(buyer, year, exclude_order=order.id)
        check = quota.check(
            used, new.amount, order.ordered_at or order.created_at.date(), quoting.tariff()
        )
        if check.would_exceed:
            raise Conflict(
                f"Buyer's annual CBEC quota would be exceeded (customs error -621018): used "
                f"{check.used}, this order {new.amount}, limit {check.limit} CNY.",
                {"recipient.id_number": ["annual CBEC quota exceeded"]},
            )
    if row is None:
        row = QuotaLedgerEntry(order_id=order.id, buyer_id=buyer, year=year)
        db.session.add(row)
    row.amount, row.state, row.updated_at = new.amount, new.state, utcnow()


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


def _match(event: receipts.StatusEvent) -> Order | None:
    """Find the order a receipt is about, by business keys (never by guid)."""
    keys = event.keys
    number = keys.get("orderNo") or keys.get("copNo")
    candidates: list[Order] = []
    if number:
        candidates = list(
            db.session.execute(select(Order).where(Order.order_no == number)).scalars()
        )
    if not candidates and keys.get("logisticsNo"):
        candidates = list(
            db.session.execute(
                select(Order).join(Parcel).where(Parcel.item_id == keys["logisticsNo"])
            ).scalars()
        )
    if len(candidates) > 1 and keys.get("ebcCode"):
        candidates = [
            o
            for o in candidates
            if db.session.execute(
                select(Profile.customs_code)
                .join(Seller, Seller.user_id == Profile.user_id)
                .where(Seller.id == o.seller_id)
            ).scalar()
            == keys["ebcCode"]
        ]
    return candidates[0] if len(candidates) == 1 else None


def ingest(body: bytes, actor: User) -> dict:
    """Store a receipt's events, then recompute every order it touches."""
    events = _events_from(body)
    new = 0
    touched: dict[str, Order] = {}
    unmatched: list[str] = []
    for e in events:
        order = _match(e)
        if order is None:
            unmatched.append(e.business_key)
        else:
            touched[order.id] = order
        exists = db.session.execute(
            select(StatusEvent.id).where(
                StatusEvent.message_type == e.message_type,
                StatusEvent.business_key == e.business_key,
                StatusEvent.status == e.status,
                StatusEvent.occurred_at == e.time,
            )
        ).first()
        if exists:
            continue
        new += 1
        db.session.add(
            StatusEvent(
                order_id=order.id if order else None,
                message_type=e.message_type,
                business_key=e.business_key,
                status=e.status,
                occurred_at=e.time,
                info=e.info,
                details={"kind": e.kind, "keys": e.keys},
            )
        )
    db.session.flush()
    for order in touched.values():
        _recompute(order, actor)
    db.session.commit()
    return {
        "events": len(events),
        "new_events": new,
        "orders": sorted({o.id for o in touched.values()}),
        "unmatched": sorted(set(unmatched)),
    }


def _stored_events(order: Order) -> list[receipts.StatusEvent]:
    rows = db.session.execute(
        select(StatusEvent).where(StatusEvent.order_id == order.id).order_by(StatusEvent.id)
    ).scalars()
    return [
        receipts.StatusEvent(
            message_type=r.message_type,
            kind=(r.details or {}).get("kind", ""),
            business_key=r.business_key,
            status=r.status,
            time=r.occurred_at.astimezone(receipts.CHINA_TIME),  # as customs wrote it
            info=r.info or "",
        )
        for r in rows
    ]


def _recompute(order: Order, actor: User) -> None:
    states = receipts.fold(_stored_events(order))
    inventory = [s for (kind, _), s in states.items() if kind == "inventory"]
    if not inventory:
        return
    outcome = INVENTORY_OUTCOMES.get(max(inventory, key=lambda s: s.time).status)
    if outcome is None:
        return
    status, quota_event = outcome
    if order.status != status:
        audit.record(
            actor.id,
            "order.status",
            "order",
            order.id,
            before={"status": order.status},
            after={"status": status},
        )
        order.status = status
    record_quota(order, quota_event)


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
