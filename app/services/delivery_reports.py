"""Import parcels signed for by their buyers: the logistics operator's CEB513 (物流签收状态).

When tracking records final delivery (EMSEVT EMI) of an import parcel, reported by a
carrier or a partner post (the service's own EMI comes from customs' CEB514, the answer to
this very report), and the parcel's latest clearance case is an import customs released
(``released`` or ``closed``), the parcel's carrier reports it signed for: a
:class:`~app.models.MovementFiling` ``signed_for`` (CEB513, logisticsStatus S, the only
status the schema allows: 「限定S」) at the delivery's time, filed through the gateway by
the movement job (:mod:`.movement_filing`) once the tracking event is committed.

The report is numbered by the parcel's waybill (its S10 id, an import's logisticsNo, which
CEB514 carries back),
so a parcel is reported signed for once whatever the carriers send again (the movements'
(message, number) uniqueness). It is filed by the logistics operator the declaration names,
from its own DXP id, else the configured operator's when it is that operator; a carrier
with neither leaves the movement ``failed`` saying so. CEB514 becomes the case event
``signed_for`` and, accepted (399), EMI on the timeline (:mod:`.parcel_receipts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from declarations.ceb import movements
from declarations.snapshot import DeclarationSnapshot

from ..extensions import db
from ..models import ClearanceCase, Declaration, MovementFiling, Parcel
from ..models.base import new_id, utcnow
from .movement_filing import Built, latest_cases, queue_after_commit, site_operator

MESSAGE = "CEB513"
#: The import cases whose parcels are reported signed for.
RELEASED = ("released", "closed")


def delivered(events: Iterable) -> list[str]:
    """Store the signed-for report of each released import parcel that ``events`` (new
    tracking rows: ``parcel_id``, ``code``, ``source``, ``occurred_at``) deliver; in the
    caller's transaction, queued once it commits. The ids of the movements stored."""
    wanted = {
        e.parcel_id: e for e in events if e.code == "EMI" and e.parcel_id and e.source != "self"
    }
    if not wanted:
        return []
    stored = []
    for parcel_id, case in latest_cases(wanted).items():
        if case.flow != "import" or case.status not in RELEASED:
            continue
        movement = _stored(case, wanted[parcel_id].occurred_at)
        if movement is not None:
            stored.append(movement.id)
    return stored


def _stored(case: ClearanceCase, at: datetime) -> MovementFiling | None:
    parcel = db.session.get(Parcel, case.parcel_id)
    waybill = parcel.item_id
    known = select(MovementFiling.id).where(
        MovementFiling.message == MESSAGE, MovementFiling.cop_no == waybill
    )
    if db.session.execute(known).first() is not None:
        return None
    movement = MovementFiling(
        id=new_id(),
        kind="signed_for",
        message=MESSAGE,
        cop_no=waybill,
        case_id=case.id,
        order_id=case.order_id,
        parcel_ids=[case.parcel_id],
        details={"delivered_at": at.isoformat()},
        created_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(movement)
    except IntegrityError:  # reported at once by another request
        return None
    queue_after_commit(movement)
    return movement


def build(movement: MovementFiling) -> Built:
    """The CEB513 of a stored report, sent by the parcel's carrier."""
    case = db.session.get(ClearanceCase, movement.case_id)
    declaration = db.session.get(Declaration, case.declaration_id)
    snapshot = DeclarationSnapshot.from_json(declaration.snapshot)
    carrier, operator = snapshot.logistics, site_operator()
    code, name = (carrier.code, carrier.name) if carrier else (operator.code, operator.name)
    dxp_id = (carrier.dxp_id if carrier else "") or (
        operator.dxp_id if code == operator.code else ""
    )
    signed = movements.SignedFor(
        movements.Company(code, name, dxp_id),
        movement.cop_no,
        datetime.fromisoformat(movement.details["delivered_at"]),
    )
    content = movements.build_ceb513([signed], schema_dir=current_app.config.get("CEB_XSD_DIR"))
    return Built([content], dxp_id)


__all__ = ["MESSAGE", "build", "delivered"]
