"""What an amendment would change, before it is saved: the amend page shows it.

The order service itself is asked: the new body goes through ``orders.replace_order``
(the same validation, quote and S10 checks as saving it) inside the request's transaction,
the stored body is read back and the transaction is rolled back. So the diff shown is
exactly what saving changes, and a body saving would refuse is refused here with the same
errors.
"""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import Order, User
from . import order_changes, orders
from .amend import diff


def preview(user: User, order_id: str, body: Any) -> dict[str, tuple[Any, Any]]:
    """The changes saving ``body`` as the order would make (empty: it changes nothing).

    Refused as saving is: another tenant's order 404, a filed or cancelled order 409, an
    invalid body 422 with field paths.
    """
    order = orders.get_order(user, order_id)
    order_changes.ensure_open(order)
    return changes(user, order, body)


def changes(user: User, order: Order, body: Any) -> dict[str, tuple[Any, Any]]:
    """What replacing ``order`` with ``body`` would change, computed by replacing it and
    rolling back; the caller has checked that the order may change (an open order, or an
    amendable clearance case)."""
    before = orders.order_body(order)
    try:
        orders.replace_order(user, order, body, user)
        after = orders.order_body(order)
    finally:
        db.session.rollback()
    return diff(before, after)


__all__ = ["changes", "preview"]
