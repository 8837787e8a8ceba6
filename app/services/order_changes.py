"""A seller amending or cancelling an order while nothing has been filed with customs.

Amending replaces the order through :func:`orders.replace_order` (the same validation as
creating it, a new frozen quote) and, where a declaration snapshot was already frozen,
freezes a new version from the amended order. Cancelling moves the order to
``cancelled``. Once an order is filed, both are refused with a 409 that names the
clearance workflow, which cancels or amends a filed declaration with customs.
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import Order, User
from ..models.orders import OPEN_STATUSES
from . import audit, declaring, orders

CANCEL_WORKFLOW = "POST /api/v1/clearance/{case_id}/cancel"
"""Where a filed order is cancelled: its clearance case (the case id is on the order's
clearance record)."""


def ensure_open(order: Order) -> None:
    """Refuse (409) to change an order that is cancelled or filed with customs."""
    if order.status in OPEN_STATUSES:
        return
    if order.status == "cancelled":
        raise Conflict(
            f"Order {order.order_no} is cancelled; it can no longer change.",
            {"status": ["cancelled"]},
        )
    raise Conflict(
        f"Order {order.order_no} has been filed with customs (status {order.status}); "
        f"cancel it through its clearance case: {CANCEL_WORKFLOW}.",
        {"status": [f"{order.status}: filed with customs; use {CANCEL_WORKFLOW}"]},
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge key by key, ``null`` removes a key, and
    anything else (a list included) replaces the value."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def amend_order(user: User, order_id: str, payload: Any, *, partial: bool) -> Order:
    """Replace the order with ``payload`` (PUT: a whole body; ``partial``: a merge patch of
    the stored body), freeze a new snapshot version if one exists, and commit. An order
    with an open clearance case changes only by amending the case (while it awaits changes
    or was rejected)."""
    order = orders.get_order(user, order_id)
    case = declaring.open_case_of(order.id)
    if case is None:
        ensure_open(order)
    if partial:
        if not isinstance(payload, dict):
            raise ValidationFailed(
                "A merge patch is a JSON object.", {"_body": ["send a JSON object"]}
            )
        payload = merge_patch(orders.order_body(order), payload)
    if case is not None:
        from .amend import amend_in_clearance

        return amend_in_clearance(user, order, case, payload)
    before = order.body_hash
    orders.replace_order(user, order, payload, user)
    if order.body_hash != before and declaring.latest_declaration(order) is not None:
        declaring.declare(order, user, new_version=True)  # commits
    db.session.commit()
    return order


def cancel_order(user: User, order_id: str) -> Order:
    """Cancel an order nothing has been filed for; cancelling it again changes nothing."""
    order = orders.get_order(user, order_id)
    if order.status == "cancelled":
        return order
    case = declaring.open_case_of(order.id)
    if case is not None:
        raise Conflict(
            f"Order {order.order_no} is in clearance (case {case.status}); cancel it through "
            f"its clearance case: {CANCEL_WORKFLOW.format(case_id=case.id)}.",
            {"status": [f"clearance case {case.status}"]},
        )
    ensure_open(order)
    audit.record(
        user.id,
        "order.status",
        "order",
        order.id,
        before={"status": order.status},
        after={"status": "cancelled"},
    )
    order.status = "cancelled"
    db.session.commit()
    return order


__all__ = ["CANCEL_WORKFLOW", "amend_order", "cancel_order", "ensure_open", "merge_patch"]
