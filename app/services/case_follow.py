"""A filed case follows customs: its state is recomputed from the stored receipt events.

Customs is authoritative over a filed case, so the state is the folded inventory status
mapped by :func:`app.services.case_states.customs_state`, whatever the order receipts
arrived in. Events up to ``customs_epoch`` belong to an earlier filing of the same order
(a rejected one, refiled as a change) and are not counted; likewise ``cancel_epoch`` for
cancel receipts of earlier cancel requests.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from declarations.ceb import receipts

from ..errors import Conflict
from ..extensions import db
from ..models import ClearanceCase, Order, User
from . import case_states, cases, clearance

log = logging.getLogger(__name__)

#: Cases a receipt can move (an inventory receipt may beat the job that wrote it).
FOLLOWING = frozenset({"submitting", *case_states.AT_CUSTOMS, "cancel_requested"})


def case_of(order: Order) -> ClearanceCase | None:
    """The order's open case, else its latest one; re-read under a row lock."""
    return cases_of([order.id]).get(order.id)


def cases_of(order_ids: list[str]) -> dict[str, ClearanceCase]:
    """:func:`case_of` for several orders, by order id (one query)."""
    stmt = (
        select(ClearanceCase)
        .where(ClearanceCase.order_id.in_(order_ids))
        .order_by(ClearanceCase.open_parcel_id.is_(None), ClearanceCase.created_at.desc())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found: dict[str, ClearanceCase] = {}
    for case in db.session.execute(stmt).scalars():
        found.setdefault(case.order_id, case)  # the first in that order
    return found


def _customs_numbers(case: ClearanceCase, events: list[receipts.StatusEvent]) -> None:
    """Keep the numbers customs gave the inventory (a cancel needs the invtNo)."""
    for e in events:
        if e.kind != "inventory":
            continue
        if e.keys.get("invtNo") and case.invt_no != e.keys["invtNo"]:
            case.invt_no = e.keys["invtNo"]
        if e.keys.get("preNo") and case.pre_no != e.keys["preNo"]:
            case.pre_no = e.keys["preNo"]


def follow(
    case: ClearanceCase, order: Order, events: list[receipts.StatusEvent], actor: User | None
) -> None:
    """Move a filed case (and its order) to where the receipts say it is."""
    follow_all([(case, order, events)], actor)


Followed = tuple[ClearanceCase, Order, list[receipts.StatusEvent]]


def follow_all(items: list[Followed], actor: User | None) -> None:
    """:func:`follow` for several cases: the moves the receipts call for are made together
    (:func:`cases.transition_many`), then each moved case's order follows."""
    planned = []
    for case, order, events in items:
        move = _plan(case, order, events, actor)
        if move is not None:
            planned.append((move, order))
    moved = {c.id for c in cases.transition_many([m for m, _ in planned], actor)}
    for move, order in planned:
        if move.case.id in moved:
            clearance.follow_order(order, move.case.status, actor)


def _plan(
    case: ClearanceCase, order: Order, events: list[receipts.StatusEvent], actor: User | None
) -> cases.Move | None:
    """The move the receipts call for, if any (a cancel's outcome is followed here)."""
    if case.status not in FOLLOWING:
        return None
    current = [e for e in events if case.customs_epoch is None or e.time > case.customs_epoch]
    _customs_numbers(case, current)
    inventory = clearance.latest_state(current, "inventory")
    target = case_states.customs_state(inventory.status) if inventory else None
    if case.status == "cancel_requested":
        if target and case.customs_status != target:
            case.customs_status = target
        _follow_cancel(case, order, events, actor)
        return None
    if target is None or target == case.status:
        return None
    if case.status == "submitting":
        if target == "submitted":  # the job notes that itself once its files are written
            return None
        _declare_anyway(order)
    return cases.Move(
        case,
        "receipt",
        target=target,
        reason=inventory.info or inventory.label,
        details={"receipt_status": inventory.status, "at": inventory.time.isoformat()},
        values={"customs_status": target},
    )


def _declare_anyway(order: Order) -> None:
    """The inventory reached customs before its submit job noted it: it is declared."""
    try:
        clearance.declare_order(order, None)
    except Conflict as exc:  # customs decide; the ledger records what was filed
        log.warning("order %s filed past the quota check: %s", order.id, exc.message)


def _follow_cancel(
    case: ClearanceCase, order: Order, events: list[receipts.StatusEvent], actor: User | None
) -> None:
    cancel = clearance.latest_state(events, "cancel", case.cancel_epoch)
    outcome = case_states.cancel_outcome(cancel.status) if cancel else None
    if outcome == "approved":
        if cases.transition(case, "cancel_approved", actor, reason=cancel.info, strict=False):
            clearance.follow_order(order, "cancelled", actor)
    elif outcome == "refused":
        cases.transition(
            case,
            "cancel_refused",
            actor,
            target=case.customs_status or "submitted",
            reason=cancel.info or cancel.label,
            details={"receipt_status": cancel.status},
            values={"cancel_epoch": cancel.time},
            strict=False,
        )
