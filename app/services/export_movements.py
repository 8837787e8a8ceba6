"""Arrival (运抵, CEB507), departure (离境, CEB509) and the master/sub waybill list (清单总分单,
CEB607) of export parcels, filed per closed despatch or per batch of parcels, through the
gateway (:mod:`.movement_filing`).

The batch is the despatch's parcels (closed only: before closing its receptacles are not
final) or the parcels named. Every parcel's latest case must be an export customs holds:
for an arrival, filed (its waybill CEB505 is then on file, which is what customs match the
arrival against); for a departure or a waybill list, released (or closed). The batch is
numbered ``MV<id>`` (its copNo, which the receipts CEB508/510/608 carry back), carried
by the parcels' logistics operator (the one their waybills name: all must agree), in the
transport their inventories state unless the request names the conveyance. The arrival
is filed by the site operator, the departure by the carrier — for post, both the configured postal
logistics company (「邮政运输用邮政物流企业」).

The waybill list (CEB607) is filed by the declarer of the parcels' inventories (the broker
engaged, else the seller: all must agree), signed (appStatus 2 「需要业务加签申报」), and lists
each parcel under the master bill (billNo) with its inventory number (invtNo). It states
the conveyance (trafName, voyageNo) and the master bill, which a despatch's leg gives
(flight, train, truck or vessel; the voyage, else the conveyance; the air waybill or the
consignment note) unless the request names them, and the batch's gross weight (the
despatch's receptacles, else the parcels' declared weights). Closing a despatch of
released 9610 exports files its list (:func:`on_despatch_closed`); a despatch whose list
cannot be made (no master bill on its leg) is closed all the same and its list is asked
for on demand.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from declarations.ceb import common, movements
from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot

from ..errors import Conflict, DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..models import Declaration, Despatch, MovementFiling, Parcel, User
from ..models.base import new_id, utcnow
from . import audit, signing_keys
from .case_states import AT_CUSTOMS
from .movement_filing import STANDING, Built, latest_cases, queue, site_operator

MESSAGES = {"arrival": "CEB507", "departure": "CEB509", "waybill_list": "CEB607"}
#: The case states a parcel may be in for each movement.
READY = {
    "arrival": AT_CUSTOMS,
    "departure": ("released", "closed"),
    "waybill_list": ("released", "closed"),
}
#: Despatch leg -> (conveyance, voyage, master bill) fields, first found wins.
LEG_PARTICULARS = {
    "traf_name": ("flight", "train", "truck", "vessel"),
    "voyage_no": ("voyage", "flight", "train", "truck", "vessel"),
    "bill_no": ("air_waybill", "consignment_note"),
}
MAX_PARCELS = 5000
log = logging.getLogger(__name__)


def _despatch_parcels(despatch_id: str) -> tuple[Despatch, list[str]]:
    d = db.session.get(Despatch, despatch_id)
    if d is None:
        raise NotFound("No such despatch.")
    if d.status != "closed":
        raise Conflict("Only a closed despatch is reported.", {"despatch_id": [d.status]})
    return d, [item.parcel_id for r in d.receptacles for item in r.items]


def _check(kind: str, parcel_ids: list[str]) -> None:
    """Every parcel is an export in the state the movement needs; 422 by position."""
    latest = latest_cases(parcel_ids)
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
    """Store an arrival, departure or waybill list and queue its filing."""
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
        standing = _standing(kind, despatch.id)
        if standing is not None:
            return standing
    movement = MovementFiling(
        id=(movement_id := new_id()),
        kind=kind,
        message=MESSAGES[kind],
        cop_no=f"MV{movement_id.replace('-', '')[:24].upper()}",
        despatch_id=despatch.id if despatch else None,
        parcel_ids=parcel_ids,
        details=_particulars(body, despatch if kind == "waybill_list" else None),
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


def _standing(kind: str, despatch_id: str) -> MovementFiling | None:
    return db.session.execute(
        select(MovementFiling).where(
            MovementFiling.kind == kind,
            MovementFiling.despatch_id == despatch_id,
            MovementFiling.status.in_(STANDING),
        )
    ).scalar_one_or_none()


def _particulars(body: dict, despatch: Despatch | None) -> dict:
    """What the request states beyond the parcels; a waybill list of a despatch takes the
    conveyance and master bill its leg names where the request does not, and its weight."""
    keep = ("domestic_traf_no", "traf_name", "voyage_no", "bill_no", "note")
    found = {k: body[k] for k in keep if body.get(k)}
    if despatch is None:
        return found
    legs = (despatch.transport or {}).get("fields") or {}
    for name, sources in LEG_PARTICULARS.items():
        value = next((legs[f] for f in sources if legs.get(f)), None)
        if value and name not in found:
            found[name] = str(value)
    weight = sum((r.gross_weight_kg for r in despatch.receptacles), Decimal(0))
    return {**found, "gross_weight_kg": str(weight)}


def on_despatch_closed(actor: User, despatch: Despatch) -> MovementFiling | None:
    """File the waybill list of a closed despatch whose parcels are all released 9610
    exports; None (and a log line saying why) when it is not one or its list cannot be
    made: the despatch stays closed and the list can be asked for on demand."""
    parcel_ids = [item.parcel_id for r in despatch.receptacles for item in r.items]
    latest = latest_cases(parcel_ids)
    cases = [latest.get(p) for p in parcel_ids]
    if not cases or any(
        c is None or c.flow != "export" or c.status not in READY["waybill_list"] for c in cases
    ):
        return None
    if any(s.filing.trade_mode != "9610" for s in _snapshots(parcel_ids)):
        return None
    try:
        return request(actor, {"kind": "waybill_list", "despatch_id": despatch.id})
    except DomainError as exc:  # refused (422, 409) or the queue is down (503)
        db.session.rollback()
        log.warning("waybill list of despatch %s not filed: %s", despatch.id, exc)
        return None


def _snapshots(parcel_ids: list[str]) -> list[DeclarationSnapshot]:
    latest = latest_cases(parcel_ids)
    ids = [latest[p].declaration_id for p in parcel_ids]
    rows = {
        d.id: d
        for d in db.session.execute(select(Declaration).where(Declaration.id.in_(ids))).scalars()
    }
    return [DeclarationSnapshot.from_json(rows[i].snapshot) for i in ids]


def build(movement: MovementFiling) -> Built:
    """The CEB507/509/607 message(s) of a stored (or about to be stored) batch."""
    snapshots = _snapshots(movement.parcel_ids)
    consignment, carrier = _consignment(movement, snapshots)
    schema_dir = current_app.config.get("CEB_XSD_DIR")
    if movement.kind == "arrival":
        operator = consignment.operator
        return Built(movements.build_ceb507(consignment, schema_dir=schema_dir), operator.dxp_id)
    if movement.kind == "departure":
        return Built(movements.build_ceb509(consignment, schema_dir=schema_dir), carrier.dxp_id)
    return _waybill_list(movement, consignment, snapshots, schema_dir)


def _consignment(
    movement: MovementFiling, snapshots: list[DeclarationSnapshot]
) -> tuple[movements.Consignment, movements.Company]:
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
    return consignment, carrier


def _waybill_list(
    movement: MovementFiling,
    consignment: movements.Consignment,
    snapshots: list[DeclarationSnapshot],
    schema_dir: str | None,
) -> Built:
    """CEB607: the parcels under the master bill with their inventories, by the declarer."""
    declarers = {common.declarer(s) for s in snapshots}
    if len(declarers) != 1:
        raise ValidationFailed(
            "The parcels of a waybill list are declared by one declarer.",
            {"parcel_ids": [f"declarers: {sorted(d.cop_code for d in declarers)}"]},
        )
    agent = declarers.pop()
    latest = latest_cases(movement.parcel_ids)
    parcels = tuple(
        movements.Parcel(s.order.waybill_no, invt_no=latest[p].invt_no or "")
        for p, s in zip(movement.parcel_ids, snapshots, strict=True)
    )
    weight = (movement.details or {}).get("gross_weight_kg")
    parcels_weight = sum((s.order.gross_weight_kg for s in snapshots), Decimal(0))
    gross = Decimal(weight) if weight else parcels_weight
    listed = replace(
        consignment,
        parcels=parcels,
        agent=movements.Company(agent.cop_code, agent.cop_name, agent.dxp_id),
        gross_weight=gross,
    )
    signer = signing_keys.signer()
    content = movements.build_ceb607(listed, signer=signer, schema_dir=schema_dir)
    return Built(content, agent.dxp_id)


__all__ = ["MAX_PARCELS", "MESSAGES", "build", "on_despatch_closed", "request"]
