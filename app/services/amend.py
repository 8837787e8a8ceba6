"""Amending a case: change the order by field paths, freeze a new snapshot, re-check.

A broker amends a case under review (``{"items.0.hs_code": "8510100000"}``: the field paths
of the error envelope); a seller changes the order itself (a whole new body) while its case
awaits changes or was rejected. Either way the new order is validated by the same schema as
a new order, the change is recorded as a before/after diff, a new snapshot version is
frozen, and the case goes back to ``preparing``. A case customs has already seen is refiled
as a change (appType 2).
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, Order, User
from . import case_states, cases, declaring, filing, order_changes
from .orders import get_order

SELLER_AMENDABLE = ("changes_requested", "rejected")
MAX_FIELDS = 200


def amend(user: User, case_id: str, fields: dict[str, Any], reason: str | None) -> ClearanceCase:
    """Apply ``fields`` (path → new value) to the case's order and re-prepare the case."""
    if not fields or len(fields) > MAX_FIELDS:
        raise ValidationFailed(
            f"Name 1 to {MAX_FIELDS} fields to change.", {"fields": [f"1 to {MAX_FIELDS}"]}
        )
    case = cases.get_case(user, case_id)
    _may_amend(user, case)
    order = db.session.get(Order, case.order_id)
    body = order_changes.apply_paths(order_changes.order_body(order), fields)
    return _amended(user, case, order, body, reason)


def replace_order(user: User, order_id: str, body: Any) -> Order:
    """A seller's new body for an order: allowed without a case, or while the case awaits
    changes or was rejected (the case is then amended); refused while it is in clearance."""
    order = get_order(user, order_id)
    case = declaring.open_case_of(order.id)
    if case is None:
        order_changes.replace_order(user, order, body, user)
        db.session.commit()
        return order
    _may_amend(user, case)
    _amended(user, case, order, body, None)
    return order


def _may_amend(user: User, case: ClearanceCase) -> None:
    if user.role == "seller" and case.status not in SELLER_AMENDABLE:
        raise Conflict(
            f"The order is in clearance (case {case.status}); it can change only when "
            "changes are requested or the case was rejected.",
            {"status": [f"the case is {case.status}"]},
        )
    if not case_states.allowed("amend", case.status):
        raise cases.refused(case_states.IllegalTransition("amend", case.status))
    if user.role in ("broker", "admin"):
        from .review import hold_claim

        hold_claim(user, case)


def _amended(
    user: User, case: ClearanceCase, order: Order, body: dict, reason: str | None
) -> ClearanceCase:
    before = order_changes.order_body(order)
    order_changes.replace_order(user, order, body, user)
    changes = order_changes.diff(before, order_changes.order_body(order))
    if not changes:
        db.session.rollback()
        raise ValidationFailed("The amendment changes nothing.", {"fields": ["no change"]})
    decl = declaring.freeze(order, user)
    values = {
        "declaration_id": decl.id,
        "version": decl.version,
        "app_type": "2" if filing.filed_before(case) else "1",
        "problems": None,
        "risks": None,
        "risk_codes": None,
        "error": None,
    }
    diff = {path: {"before": b, "after": a} for path, (b, a) in changes.items()}
    cases.transition(
        case,
        "amend",
        user,
        reason=reason,
        details={"diff": diff, "version": decl.version},
        values=values,
    )
    db.session.commit()
    from ..jobs.clearance import enqueue_prepare

    enqueue_prepare([case.id], quiet=True)
    return case
