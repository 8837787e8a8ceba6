"""What the stored customs receipts say about orders: when each was released, under which
inventory number.

The receipts pipeline stores every status event once (``status_events``); the inventory
receipts of a released order (CEB604 export, CEB622 import, status 800 放行 or 899 结关)
carry the time customs released it and the inventory number (``invtNo``) customs gave it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from declarations.ceb.receipts import CHINA_TIME

from ..extensions import db
from ..models import StatusEvent

INVENTORY_RECEIPTS = ("CEB604", "CEB622")
RELEASED = ("800", "899")


def _inventory_events(order_ids: Iterable[str]):
    ids = list(set(order_ids))
    if not ids:
        return []
    return db.session.execute(
        select(
            StatusEvent.order_id, StatusEvent.status, StatusEvent.occurred_at, StatusEvent.details
        )
        .where(StatusEvent.order_id.in_(ids), StatusEvent.message_type.in_(INVENTORY_RECEIPTS))
        .order_by(StatusEvent.occurred_at, StatusEvent.id)
    ).all()


def release_times(order_ids: Iterable[str]) -> dict[str, datetime]:
    """The first time customs released each order (orders without a release are left out)."""
    out: dict[str, datetime] = {}
    for order_id, status, at, _ in _inventory_events(order_ids):
        if status in RELEASED and order_id not in out:
            out[order_id] = at
    return out


def inventory_numbers(order_ids: Iterable[str]) -> dict[str, str]:
    """The inventory number (invtNo) customs gave each order, the latest one received."""
    out: dict[str, str] = {}
    for order_id, _, _, details in _inventory_events(order_ids):
        number = ((details or {}).get("keys") or {}).get("invtNo")
        if number:
            out[order_id] = number
    return out


def china_date(at: datetime) -> date:
    """The calendar day in China of an instant (customs date their acts in China time)."""
    return at.astimezone(CHINA_TIME).date()


__all__ = ["china_date", "inventory_numbers", "release_times"]
