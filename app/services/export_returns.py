"""Export returns (出口退货) of released 9610 exports: the return application CEB213 and,
when the returned parcel reaches the supervised site, its tally CEB215.

A broker (or admin) asks for the return of a released (or closed) export case, in full or
by line (gnum → quantity). The application is built at once, so a line not on the
inventory or a quantity over the declared one is refused (422) before anything is stored;
the message rules are the builder's (:func:`declarations.ceb.returns.build_ceb213`). It is
then filed by a job through the gateway (:mod:`.movement_filing`) under coElNo
``RT<id>``; CEB214 800 (放行) moves the case to ``returned`` (:mod:`.movement_receipts`).
The tally (CEB215, coElNo ``RTT<id>``) is filed by the site operator (the configured
logistics operator, the post's 「邮政物流企业」 in the schema's words) once the application
is filed; its CEB216 is a case event.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from declarations.ceb import common, movements, returns
from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, Declaration, MovementFiling, User
from ..models.base import new_id, utcnow
from . import audit, cases
from .movement_filing import STANDING, Built, queue, site_operator

RETURNABLE = ("released", "closed")


def _number(prefix: str, movement_id: str) -> str:
    """The filer's number of a return document: coElNo, at most 20 characters on CEB215
    (30 on CEB213), so 20 for both."""
    return f"{prefix}{movement_id.replace('-', '')[: 20 - len(prefix)].upper()}"


def _standing(kind: str, **where: str) -> MovementFiling | None:
    stmt = select(MovementFiling).where(
        MovementFiling.kind == kind,
        MovementFiling.status.in_(STANDING),
        *(getattr(MovementFiling, k) == v for k, v in where.items()),
    )
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


def request(
    user: User,
    case_id: str,
    reason: str,
    lines: list[dict] | None = None,
    transport: dict | None = None,
) -> MovementFiling:
    """Store the return of a released export case and queue its filing; the return
    standing for the case when there is one."""
    case = cases.get_case(user, case_id)
    if case.flow != "export":
        raise Conflict("Only an export is returned by CEB213.", {"case_id": [case.flow]})
    standing = _standing("export_return", case_id=case.id)
    if standing is not None:
        return standing
    if case.status not in RETURNABLE:
        raise Conflict(
            f"Only a released export is returned: the case is {case.status!r}.",
            {"status": [case.status]},
        )
    returned = {int(ln["gnum"]): str(ln["qty"]) for ln in lines} if lines else None
    movement = MovementFiling(
        id=(movement_id := new_id()),
        kind="export_return",
        message="CEB213",
        cop_no=_number("RT", movement_id),
        case_id=case.id,
        order_id=case.order_id,
        parcel_ids=[case.parcel_id],
        details={"reason": reason, "lines": returned, "transport": transport or {}},
        created_by=user.id,
        created_at=utcnow(),
    )
    _buildable(build_return, movement, "return", "lines")
    return _store(movement, case, user, "return_requested", reason)


def _buildable(build, movement: MovementFiling, what: str, field: str) -> None:
    """Build the message now: one that cannot be made is refused (422) before anything is
    stored, with the builder's problems under ``field``."""
    try:
        build(movement)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The {what} cannot be filed: {exc.summary}", {field: exc.problems or [exc.summary]}
        ) from exc


def _store(
    movement: MovementFiling, case: ClearanceCase, user: User, action: str, reason: str | None
) -> MovementFiling:
    from ..jobs.queues import queues

    queues.ensure_reachable()
    db.session.add(movement)
    db.session.flush()
    after = {"kind": movement.kind, "cop_no": movement.cop_no}
    audit.record(user.id, f"movement.{movement.kind}", "movement", movement.id, after=after)
    cases.record(case, action, user, reason=reason, details={"movement_id": movement.id})
    db.session.commit()
    queue(movement)
    return movement


def _snapshot(case: ClearanceCase) -> DeclarationSnapshot:
    """The case's declaration as filed, with the inventory number customs issued."""
    decl = db.session.get(Declaration, case.declaration_id)
    snapshot = DeclarationSnapshot.from_json(decl.snapshot)
    return replace(snapshot, filing=replace(snapshot.filing, invt_no=case.invt_no or ""))


def build_return(movement: MovementFiling) -> Built:
    """The CEB213 of a stored (or about to be stored) return; sent by its declarer."""
    case = db.session.get(ClearanceCase, movement.case_id)
    snapshot, details = _snapshot(case), movement.details or {}
    lines = details.get("lines")
    content = returns.build_ceb213(
        snapshot,
        reason=details.get("reason", ""),
        returned={int(g): Decimal(q) for g, q in lines.items()} if lines else None,
        transport=returns.ReturnTransport(co_el_no=movement.cop_no, **details.get("transport", {})),
        schema_dir=current_app.config.get("CEB_XSD_DIR"),
    )
    return Built([content], common.filer("CEB213", snapshot).dxp_id)


# -- the tally ---------------------------------------------------------------------------------


def get(user: User, movement_id: str, kind: str = "export_return") -> MovementFiling:
    """A return (or tally) the user may see: its case must be visible to them."""
    found = db.session.get(MovementFiling, movement_id)
    if found is None or found.kind != kind or found.case_id is None:
        raise NotFound("No such export return.")
    cases.get_case(user, found.case_id)
    return found


def tally(user: User, return_id: str, location: str = "") -> MovementFiling:
    """Store the tally of a returned parcel arrived at the site and queue its filing."""
    parent = get(user, return_id)
    standing = _standing("return_tally", parent_id=parent.id)
    if standing is not None:
        return standing
    if parent.status not in ("filed", "accepted"):
        raise Conflict(
            f"The return application is {parent.status!r}: a tally follows a filed one.",
            {"status": [parent.status]},
        )
    case = db.session.get(ClearanceCase, parent.case_id)
    movement = MovementFiling(
        id=(movement_id := new_id()),
        kind="return_tally",
        message="CEB215",
        cop_no=_number("RTT", movement_id),
        case_id=case.id,
        order_id=case.order_id,
        parent_id=parent.id,
        parcel_ids=list(parent.parcel_ids),
        details={"location": location},
        created_by=user.id,
        created_at=utcnow(),
    )
    _buildable(build_tally, movement, "tally", "_body")
    return _store(movement, case, user, "return_arrived", location or None)


def build_tally(movement: MovementFiling) -> Built:
    """The CEB215 of a tally: the returned parcel under the application's waybill and
    transport (the original carrier's), tallied by the site operator."""
    case = db.session.get(ClearanceCase, movement.case_id)
    s = _snapshot(case)
    parties, f, operator = common.inventory_parties(s), s.filing, site_operator()
    parent = db.session.get(MovementFiling, movement.parent_id)
    back = (parent.details or {}).get("transport", {})
    parcel = movements.Parcel(
        back.get("logistics_no") or parties["logisticsNo"],
        invt_no=case.invt_no or "",
        cop_no=movement.cop_no,
    )
    consignment = movements.Consignment(
        cop_no=movement.cop_no,
        customs_code=f.customs_code,
        logistics=movements.Company(parties["logisticsCode"], parties["logisticsName"]),
        traf_mode=back.get("traf_mode") or f.traf_mode,
        parcels=(parcel,),
        at=movement.created_at,
        operator=operator,
        traf_name=back.get("traf_name") or f.traf_name,
        voyage_no=back.get("voyage_no") or f.voyage_no,
        bill_no=back.get("bill_no") or f.bill_no,
        unload_location=(movement.details or {}).get("location", ""),
    )
    content = returns.build_ceb215(consignment, schema_dir=current_app.config.get("CEB_XSD_DIR"))
    return Built([content], operator.dxp_id)


__all__ = ["RETURNABLE", "build_return", "build_tally", "get", "request", "tally"]
