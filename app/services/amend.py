"""Amending a case: change the order by field paths, freeze a new snapshot, re-check.

A broker amends a case under review (``{"items.0.hs_code": "8510100000"}``: the field paths
of the error envelope); a seller changes the order itself (a whole new body) while its case
awaits changes or was rejected. Either way the new order is validated by the same schema as
a new order, the change is recorded as a before/after diff, a new snapshot version is
frozen, and the case goes back to ``preparing``. A case customs has already seen is refiled
as a change (appType 2).
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, Order, User
from . import case_states, cases, declaring, filing, orders

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
    body = apply_paths(orders.order_body(order), fields)
    return _amended(user, case, order, body, reason)


def amend_in_clearance(
    user: User, order: Order, case: ClearanceCase, body: Any, reason: str | None = None
) -> Order:
    """A new body for an order with an open case (``PUT``/``PATCH /orders/{id}``, a
    broker's amendment page): allowed while the case awaits changes or was rejected (a
    seller) or is reviewable (a broker), and the case is amended with it."""
    _may_amend(user, case)
    _amended(user, case, order, body, reason)
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
    before = orders.order_body(order)
    orders.replace_order(user, order, body, user)
    changes = diff(before, orders.order_body(order))
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
    recorded = {path: {"before": b, "after": a} for path, (b, a) in changes.items()}
    cases.transition(
        case,
        "amend",
        user,
        reason=reason,
        details={"diff": recorded, "version": decl.version},
        values=values,
    )
    db.session.commit()
    from ..jobs.clearance import enqueue_prepare

    enqueue_prepare([case.id], quiet=True)
    return case


# -- field paths ----------------------------------------------------------------------------


def _walk(body: Any, path: str) -> tuple[Any, str | int]:
    """The container holding ``path`` and the key in it; KeyError when there is none. A
    field the body leaves out (an empty party field) may be named: the order schema then
    judges it like any other."""
    parts = path.split(".")
    node = body
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
        if not isinstance(node, dict | list):
            raise KeyError(path)
    last: str | int = parts[-1]
    if isinstance(node, list):
        last = int(last)
        if not 0 <= last < len(node):
            raise KeyError(path)
    return node, last


def apply_paths(body: dict, fields: dict[str, Any]) -> dict:
    """A copy of ``body`` with each ``{"items.0.hs_code": value}`` set; paths that do not
    name a field of the order are a 422 naming them."""
    changed = copy.deepcopy(body)
    unknown = {}
    for path, value in fields.items():
        if path.split(".")[0] == "order_no":
            unknown[path] = ["an order keeps its number"]
            continue
        try:
            node, key = _walk(changed, path)
        except (KeyError, IndexError, ValueError, TypeError):
            unknown[path] = ["not a field of this order"]
            continue
        node[key] = value
    if unknown:
        raise ValidationFailed("The amendment names fields the order does not have.", unknown)
    return changed


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
