"""Which sellers a user may pick in a filter (reports, review queue): a seller only itself,
staff every seller. The tenant rule is the reports' and orders' own; this only lists names."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Seller, User

STAFF_ROLES = ("broker", "admin")


def sellers_for(user: User) -> list[dict[str, str]]:
    """``[{"id", "name"}]`` sorted by name; empty for roles that see no seller's data."""
    stmt = select(Seller.id, Seller.name).order_by(Seller.name, Seller.id)
    if user.role == "seller":
        stmt = stmt.where(Seller.user_id == user.id)
    elif user.role not in STAFF_ROLES:
        return []
    return [{"id": row.id, "name": row.name} for row in db.session.execute(stmt)]


__all__ = ["sellers_for"]
