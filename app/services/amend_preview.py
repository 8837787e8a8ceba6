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


def diff(before: Any, after: Any, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """``{path: (before, after)}`` for every leaf that differs; a line added or removed
    shows as whole values (``None`` on the side where it is missing)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for key in dict.fromkeys([*before, *after]):
            out.update(diff(before.get(key), after.get(key), f"{prefix}{key}."))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = {}
        for n in range(max(len(before), len(after))):
            b = before[n] if n < len(before) else None
            a = after[n] if n < len(after) else None
            out.update(diff(b, a, f"{prefix}{n}."))
        return out
    return {} if before == after else {prefix.rstrip("."): (before, after)}


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


__all__ = ["changes", "diff", "preview"]
