"""Customs' answers to the movements the service files, matched back by the filer's number.

The receipts name the movement, not a declaration: CEB214 (return application) and CEB216
(return tally) by coElNo, CEB508 (arrival) and CEB510 (departure) by the batch's copNo;
each is matched to the :class:`~app.models.MovementFiling` of that number and message. What
the movement's final answer means:

- CEB214 800 (放行, the last status the schema lists for a return application): the case
  goes to ``returned`` and its order follows; the case's tracking records EXX, as every
  ``returned`` case does (:data:`app.services.tracking.CASE_EVENT_CODES`).
- CEB216 399: the returned parcel is tallied (the case event ``return_tallied`` is recorded
  by :mod:`.parcel_receipts`, which matches it by waybill). No EMSEVT code means a return
  arriving back (DOMAIN.md §4), so none is recorded.
- CEB508 399: every parcel of the batch gets the case event ``arrived_at_site`` and EMSEVT
  EMB (arrival at outward office of exchange: the supervised site is where the export is
  presented) at the receipt's time.
- CEB510 399: every parcel gets ``departed``; a batch that is not a despatch records EMC
  (departure from outward office of exchange), a despatch recorded EMC when it was closed.

- CEB608 399: every parcel of the waybill list gets the case event ``waybill_listed``
  (no EMSEVT code: the list is a document, not a movement of the parcels).
- CEB712 120 (海关入库): the bonded entry is confirmed; the entry number customs issue
  (rkdNo) is kept with the movement and shown on the entry (:mod:`.site_entries`).
- CEB514 399: the signed-for report is accepted; the case event ``signed_for`` and EMSEVT
  EMI are :mod:`.parcel_receipts`' (it matches the receipt by waybill), not repeated here.

A refusal (100, or a negative processing error) leaves the movement ``refused`` with
customs' text, noted on each parcel's case. Batches split into parts are accepted once
every part is. Each receipt event is followed once (the pipeline hands over new ones).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from declarations.ceb import receipts

from ..extensions import db
from ..models import ClearanceCase, MovementFiling, Order, OutboxMessage, StatusEvent, User
from . import cases, clearance, tracking

#: Receipt -> (the message it answers, its accepted final status).
ANSWERS = {
    "CEB214": ("CEB213", "800"),
    "CEB216": ("CEB215", "399"),
    "CEB508": ("CEB507", "399"),
    "CEB510": ("CEB509", "399"),
    "CEB608": ("CEB607", "399"),
    "CEB712": ("CEB711", "120"),
    "CEB514": ("CEB513", "399"),
}
#: Movement kind -> (case event on acceptance, EMSEVT code recorded then, or None).
ACCEPTED = {
    "export_return": ("return_released", None),
    "return_tally": (None, None),
    "arrival": ("arrived_at_site", "EMB"),
    "departure": ("departed", "EMC"),
    "waybill_list": ("waybill_listed", None),
    "site_entry": (None, None),
    "signed_for": (None, None),
}


def _refused(status: str) -> bool:
    return status == "100" or (status.startswith("-") and status[1:].isdigit())


def _number(e: receipts.StatusEvent) -> str:
    return e.keys.get("coElNo") or e.keys.get("copNo") or e.business_key


def movements_of(events: Iterable[receipts.StatusEvent]) -> dict[tuple[str, str], MovementFiling]:
    """The movements the events answer, by (message, number)."""
    wanted = {(ANSWERS[e.message_type][0], _number(e)) for e in events if e.message_type in ANSWERS}
    if not wanted:
        return {}
    stmt = select(MovementFiling).where(MovementFiling.cop_no.in_({n for _, n in wanted}))
    found = db.session.execute(stmt).scalars()
    return {(m.message, m.cop_no): m for m in found if (m.message, m.cop_no) in wanted}


def orders_by_number(events: list[receipts.StatusEvent]) -> dict[str, Order]:
    """The order of each return (application or tally) the events answer, by number: a
    CEB214 names no waybill or order, only the return's coElNo."""
    return {
        number: order
        for (_, number), m in movements_of(events).items()
        if m.order_id and (order := db.session.get(Order, m.order_id)) is not None
    }


def cases_of(movement: MovementFiling) -> list[ClearanceCase]:
    """The latest case of every parcel the movement lists."""
    if movement.case_id:
        case = cases.fresh(movement.case_id)
        return [case] if case else []
    stmt = (
        select(ClearanceCase)
        .where(ClearanceCase.parcel_id.in_(movement.parcel_ids))
        .order_by(ClearanceCase.created_at)
    )
    latest = {c.parcel_id: c for c in db.session.execute(stmt).scalars()}
    return [latest[p] for p in movement.parcel_ids if p in latest]


def _parts(movement: MovementFiling) -> int:
    found = select(OutboxMessage.id).where(OutboxMessage.movement_id == movement.id)
    return max(1, len(db.session.execute(found).all()))


def _accepted_parts(movement: MovementFiling, receipt: str, status: str) -> int:
    rows = db.session.execute(
        select(StatusEvent.details).where(
            StatusEvent.message_type == receipt,
            StatusEvent.business_key == movement.cop_no,
            StatusEvent.status == status,
        )
    ).scalars()
    return len({((d or {}).get("keys") or {}).get("msgSeqNo", "1") for d in rows})


def follow(events: list[receipts.StatusEvent], actor: User | None) -> list[str]:
    """Move the movements the (new) events answer; returns their ids."""
    ours = [e for e in events if e.message_type in ANSWERS]
    found = movements_of(ours)
    moved = []
    for e in sorted(ours, key=lambda e: e.time):
        movement = found.get((ANSWERS[e.message_type][0], _number(e)))
        if movement is None or movement.status in ("accepted", "refused"):
            continue
        movement.receipt_status, movement.info = e.status, e.info or e.label
        if e.keys.get("rkdNo"):
            movement.details = {**(movement.details or {}), "rkd_no": e.keys["rkdNo"]}
        if _refused(e.status):
            movement.status = "refused"
            _note(movement, "movement_refused", e, actor)
        elif e.status == ANSWERS[e.message_type][1]:
            db.session.flush()
            if _accepted_parts(movement, e.message_type, e.status) >= _parts(movement):
                movement.status = "accepted"
                _accepted(movement, e, actor)
        moved.append(movement.id)
    return moved


def _details(movement: MovementFiling, e: receipts.StatusEvent) -> dict:
    return {
        "movement_id": movement.id,
        "message_type": e.message_type,
        "receipt_status": e.status,
        "business_key": e.business_key,
        "at": e.time.isoformat(),
    }


def _note(movement: MovementFiling, action: str, e: receipts.StatusEvent, actor) -> None:
    for case in cases_of(movement):
        cases.record(case, action, actor, reason=e.info or e.label, details=_details(movement, e))


def _accepted(movement: MovementFiling, e: receipts.StatusEvent, actor: User | None) -> None:
    action, code = ACCEPTED[movement.kind]
    if action:
        _note(movement, action, e, actor)
    if movement.kind == "export_return":
        _returned(movement, e, actor)
    if code == "EMC" and movement.despatch_id:
        code = None  # closing the despatch recorded it
    if code:
        note = {"note": f"{e.message_type} {e.info or e.label}", "receipt": e.message_type}
        for parcel_id in movement.parcel_ids:
            tracking.record(parcel_id, code, None, e.time, "self", note)


def _returned(movement: MovementFiling, e: receipts.StatusEvent, actor: User | None) -> None:
    """Customs released the return: the case (and its order) is returned."""
    case = cases.fresh(movement.case_id) if movement.case_id else None
    if case is None:
        return
    moved = cases.transition(
        case,
        "receipt",
        actor,
        target="returned",
        reason=e.info or e.label,
        details=_details(movement, e),
        values={"customs_status": "returned"},
        strict=False,
    )
    order = db.session.get(Order, case.order_id)
    if moved and order is not None:
        clearance.follow_order(order, "returned", actor)


__all__ = ["ACCEPTED", "ANSWERS", "cases_of", "follow", "movements_of", "orders_by_number"]
