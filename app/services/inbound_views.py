"""Reading inbound postal items for the API."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from ..errors import NotFound
from ..extensions import db
from ..models import InboundDecision, InboundItem


def list_items(status: str | None, limit: int, offset: int) -> dict:
    stmt = select(InboundItem)
    if status:
        stmt = stmt.where(InboundItem.status == status)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(
        stmt.order_by(InboundItem.created_at.desc(), InboundItem.item_id)
        .limit(limit)
        .offset(offset)
    ).scalars()
    return {"items": list(rows), "total": total}


def get_item(key: str) -> dict:
    item = db.session.execute(
        select(InboundItem).where(or_(InboundItem.id == key, InboundItem.item_id == key))
    ).scalar_one_or_none()
    if item is None:
        raise NotFound(f"Inbound item {key} not found.")
    decisions = db.session.execute(
        select(InboundDecision)
        .where(InboundDecision.inbound_item_id == item.id)
        .order_by(InboundDecision.decided_at, InboundDecision.id)
    ).scalars()
    columns = {c.name: getattr(item, c.name) for c in InboundItem.__table__.columns}
    return {**columns, "decisions": list(decisions)}
