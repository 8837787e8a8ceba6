"""Arrival (运抵, CEB507) and departure (离境, CEB509) of export parcels, filed per closed
despatch or per batch of parcels, through the gateway (:mod:`.movement_filing`).

The batch is the despatch's parcels (closed only: before closing its receptacles are not
final) or the parcels named. Every parcel's latest case must be an export customs holds:
for an arrival, filed (its waybill CEB505 is then on file, which is what customs match the
arrival against); for a departure, released (or closed). The batch is numbered ``MV<id>``
(its copNo, which the receipts CEB508/510 carry back), carried by the parcels' logistics
operator (the one their waybills name: all must agree), in the transport their
inventories state unless the request names the conveyance. The arrival is filed by the
site operator, the departure by the carrier — for post, both the configured postal
logistics company (「邮政运输用邮政物流企业」). CEB607 (master/sub waybill list) is not
filed: the simulated customs (and, as far as the schemas say, customs) accept a departure
on the released inventories alone.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from declarations.ceb import movements
from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, Declaration, Despatch, MovementFiling, Parcel, User
from ..models.base import new_id, utcnow
from . import audit
from .case_states import AT_CUSTOMS
from .movement_filing import STANDING, Built, queue, site_operator

MESSAGES = {"arrival": "CEB507", "departure": "CEB509"}
#: The case states a parcel may be in for each movement.
READY = {"arrival": AT_CUSTOMS, "departure": ("released", "closed")}
MAX_PARCELS = 5000


def _despatch_parcels(despatch_id: str) -> tuple[Despatch, list[str]]:
    d = db.session.get(Despatch, despatch_id)
    if d is None:
        raise NotFound("No such despatch.")
    if d.status != "closed":
        raise Conflict("Only a closed despatch is reported.", {"despatch_id": [d.status]})
    return d, [item.parcel_id for r in d.receptacles for item in r.items]


def _latest_cases(parcel_ids: list[str]) -> dict[str, ClearanceCase]:
    stmt = (
        select(ClearanceCase)
        .where(ClearanceCase.parcel_id.in_(parcel_ids))
        .order_by(ClearanceCase.created_at)
    )
    return {c.parcel_id: c for c in db.session.execute(stmt).scalars()}


def _check(kind: str, parcel_ids: list[str]) -> None:
    """Every parcel is an export in the state the movement needs; 422 by position."""
    latest = _latest_cases(parcel_ids)
    errors: dict[str, list[str]] = {}
    for n, parcel_id in enumerate(parcel_ids):
        case = latest.get(parcel_id)
        if case is None or case.flow != "export":
            errors[f"parcel_ids.{n}"] = ["not an export parcel with a clearance case"]
        elif case.status not in READY[kind]:
            errors[f"parcel_ids.{n}"] = [f"its case is {case.status!r}"]
    if errors:
        raise ValidationFailed(f"These parcels cannot be reported as a {kind}.", errors)


def request(user: User, body: dict) -> MovementFiling:
    """Store an arrival or departure and queue its filing."""
    kind = body["kind"]
    despatch = None
    if body.get("despatch_id"):
        despatch, parcel_ids = _despatch_parcels(body["despatch_id"])
    else:
        parcel_ids = list(dict.fromkeys(body.get("parcel_ids") or []))
    if not parcel_ids:
        raise ValidationFailed("The batch has no parcels.", {"parcel_ids": ["none"]})
    known = set(db.session.execute(select(Parcel.id).where(Parcel.id.in_(parcel_ids))).scalars())
    missing = {
        f"parcel_ids.{n}": ["no such parcel"] for n, p in enumerate(parcel_ids) if p not in known
    }
    if missing:
        raise ValidationFailed("Unknown parcels.", missing)
    _check(kind, parcel_ids)
    if despatch is not None:
        standing = db.session.execute(
            select(MovementFiling).where(
                MovementFiling.kind == kind,
                MovementFiling.despatch_id == despatch.id,
                MovementFiling.status.in_(STANDING),
            )
        ).scalar_one_or_none()
        if standing is not None:
            return standing
    keep = ("domestic_traf_no", "traf_name", "voyage_no", "bill_no", "note")
    movement = MovementFiling(
        id=(movement_id := new_id()),
        kind=kind,
        message=MESSAGES[kind],
        cop_no=f"MV{movement_id.replace('-', '')[:24].upper()}",
        despatch_id=despatch.id if despatch else None,
        parcel_ids=parcel_ids,
        details={k: body[k] for k in keep if body.get(k)},
        created_by=user.id,
        created_at=utcnow(),
    )
    try:  # a batch that cannot be made is refused now, not by the job
        build(movement)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The {kind} cannot be filed: {exc.summary}", {"_body": exc.problems or [exc.summary]}
        ) from exc
    from ..jobs.queues import queues

    queues.ensure_reachable()
    db.session.add(movement)
    db.session.flush()
    after = {"kind": kind, "cop_no": movement.cop_no, "parcels": len(parcel_ids)}
    audit.record(user.id, f"movement.{kind}", "movement", movement.id, after=after)
    db.session.commit()
    queue(movement)
    return movement


def _snapshots(parcel_ids: list[str]) -> list[DeclarationSnapshot]:
    latest = _latest_cases(parcel_ids)
    ids = [latest[p].declaration_id for p in parcel_ids]
    rows = {
        d.id: d
        for d in db.session.execute(select(Declaration).where(Declaration.id.in_(ids))).scalars()
    }
    return [DeclarationSnapshot.from_json(rows[i].snapshot) for i in ids]


def build(movement: MovementFiling) -> Built:
    """The CEB507/509 message(s) of a stored (or about to be stored) batch."""
    snapshots = _snapshots(movement.parcel_ids)
    carriers = {(s.logistics.code, s.logistics.name) for s in snapshots if s.logistics}
    if len(carriers) != 1:
        raise ValidationFailed(
            "The parcels of a batch travel with one logistics operator.",
            {"parcel_ids": [f"operators: {sorted(c for c, _ in carriers) or 'none'}"]},
        )
    (code, name), first, d = carriers.pop(), snapshots[0].filing, movement.details or {}
    operator = site_operator()
    dxp_id = snapshots[0].logistics.dxp_id or (operator.dxp_id if code == operator.code else "")
    carrier = movements.Company(code, name, dxp_id)
    consignment = movements.Consignment(
        cop_no=movement.cop_no,
        customs_code=first.customs_code or current_app.config.get("CUSTOMS_CODE", ""),
        logistics=carrier,
        traf_mode=first.traf_mode,
        parcels=tuple(movements.Parcel(s.order.waybill_no) for s in snapshots),
        at=movement.created_at,
        operator=operator,
        loct_no=first.loct_no,
        traf_name=d.get("traf_name") or first.traf_name,
        voyage_no=d.get("voyage_no") or first.voyage_no,
        bill_no=d.get("bill_no") or first.bill_no,
        domestic_traf_no=d.get("domestic_traf_no", ""),
        note=d.get("note", ""),
    )
    schema_dir = current_app.config.get("CEB_XSD_DIR")
    if movement.kind == "arrival":
        return Built(movements.build_ceb507(consignment, schema_dir=schema_dir), operator.dxp_id)
    return Built(movements.build_ceb509(consignment, schema_dir=schema_dir), carrier.dxp_id)


__all__ = ["MAX_PARCELS", "MESSAGES", "build", "request"]
