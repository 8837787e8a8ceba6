"""Clearance cases: hand-over, the one way a case changes state, and reading cases back.

Every state change goes through :func:`transition_many` (:func:`transition` is a batch of
one): it checks each move against the table in :mod:`app.services.case_states`, applies it
with a compare-and-set ``UPDATE … WHERE status = <from>`` (so two workers or two brokers
racing on one case cannot both move it; a batch's moves with the same source and target are
one such statement), and records each move twice: a :class:`CaseEvent` on the case and an
entry in the audit log; a new status also reaches the parcel's tracking timeline and the
seller's webhooks (:func:`app.services.tracking.record_case_event`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from declarations.kinds import KINDS

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    AuditEntry,
    CaseEvent,
    ClearanceCase,
    DeclarationDocument,
    Order,
    OutboxMessage,
    User,
)
from ..models.base import new_id, utcnow
from . import appends, audit, case_states, orders, tracking
from .case_states import ENDED, IllegalTransition

log = logging.getLogger(__name__)


MAX_BULK = 1000
#: Orders a CEB filing covers: CBEC imports into China and exports from China.
FILED_REGIMES = {"import": ("cbec",), "export": (None,)}


# -- transitions ---------------------------------------------------------------------------


def record(
    case: ClearanceCase,
    action: str,
    actor: User | None,
    *,
    before: str | None = None,
    after: str | None = None,
    reason: str | None = None,
    details: dict | None = None,
) -> None:
    """A case event and its audit entry, in the caller's transaction (appended in bulk:
    jobs record thousands)."""
    at, actor_id = utcnow(), actor.id if actor else None
    event = {
        "case_id": case.id,
        "at": at,
        "actor_id": actor_id,
        "action": action,
        "from_status": before,
        "to_status": after,
        "reason": reason,
        "details": details,
    }
    appends.add(CaseEvent.__table__, [event])
    states: dict[str, Any] = {"after": {"status": after, "reason": reason, **(details or {})}}
    if before is not None:
        states["before"] = {"status": before}
    entry = audit.entry(actor_id, f"case.{action}", "clearance_case", case.id, at=at, **states)
    appends.add(AuditEntry.__table__, [entry])
    if after is not None and after != before:
        tracking.record_case_event(case, after, at)


def refused(exc: IllegalTransition) -> Conflict:
    return Conflict(str(exc), {"status": [f"the case is {exc.state}"]})


@dataclass
class Move:
    """One case's requested move: ``values`` are further columns set with it, ``expect``
    further columns the row must still have (both per case)."""

    case: ClearanceCase
    action: str
    target: str | None = None
    reason: str | None = None
    details: dict | None = None
    values: dict | None = None
    expect: dict | None = None


def transition(
    case: ClearanceCase,
    action: str,
    actor: User | None,
    *,
    target: str | None = None,
    reason: str | None = None,
    details: dict | None = None,
    values: dict | None = None,
    expect: dict | None = None,
    strict: bool = True,
) -> bool:
    """Move ``case`` by ``action``. A move the table refuses, or one another process made
    first, raises :class:`Conflict` (``strict``) or returns False."""
    move = Move(case, action, target, reason, details, values, expect)
    return bool(transition_many([move], actor, strict=strict))


def transition_many(
    moves: list[Move], actor: User | None, *, strict: bool = False
) -> list[ClearanceCase]:
    """Make the moves, each a compare-and-set on the case's status (and ``expect``);
    returns the cases moved. Moves with the same source and target are one ``UPDATE …
    RETURNING`` (their per-case values a second, bulk, statement on the rows just taken,
    which no one else can move before this transaction ends)."""
    groups: dict[tuple[str, str, tuple], list[Move]] = {}
    for m in moves:
        try:
            step = case_states.move(m.action, m.case.status, m.target)
        except IllegalTransition as exc:
            if strict:
                raise refused(exc) from None
            continue
        key = (step.source, step.target, tuple(sorted(m.expect or {})))
        groups.setdefault(key, []).append(m)
    if db.session.new:  # what a move may name (a new declaration) is in the database
        db.session.flush()  # first; changed rows can wait for the next flush (in bulk)
    moved: list[ClearanceCase] = []
    for (source, target, expected), group in groups.items():
        moved += _move_group(source, target, expected, group, actor, strict)
    return moved


def _move_group(
    source: str, target: str, expected: tuple, group: list[Move], actor, strict: bool
) -> list[ClearanceCase]:
    table = ClearanceCase.__table__
    sets: dict[str, Any] = {"status": target, "updated_at": utcnow()}
    if target in ENDED:
        sets["open_parcel_id"] = None
    shared = group[0].values or {}
    uniform = all((m.values or {}) == shared for m in group)
    if uniform:
        sets |= shared
    key = tuple_(table.c.id, *(table.c[c] for c in expected))
    wanted = [(m.case.id, *(m.expect[c] for c in expected)) for m in group]
    stmt = (
        update(table)
        .where(key.in_(wanted) if expected else table.c.id.in_([m.case.id for m in group]))
        .where(table.c.status == source)
        .values(**sets)
        .returning(table.c.id)
    )
    # Core statements on the session's connection: jobs make thousands of moves, and the
    # case objects are brought up to date below
    connection = db.session.connection()
    won = set(connection.execute(stmt).scalars())
    taken = [m for m in group if m.case.id in won]
    if strict and len(taken) < len(group):
        lost = next(m.case for m in group if m.case.id not in won)
        now = db.session.execute(
            select(ClearanceCase.status).where(ClearanceCase.id == lost.id)
        ).scalar()
        raise Conflict(f"The case changed meanwhile: it is now {now!r}.", {"status": [f"is {now}"]})
    if not uniform and taken:
        _set_values(connection, taken)
    for m in taken:
        for column, value in (sets | (m.values or {})).items():
            set_committed_value(m.case, column, value)
        record(
            m.case, m.action, actor, before=source, after=target, reason=m.reason, details=m.details
        )
    return [m.case for m in taken]


def _set_values(connection, taken: list[Move]) -> None:
    """Each taken case's own values, one bulk UPDATE per set of columns."""
    table = ClearanceCase.__table__
    shapes: dict[tuple, list[dict]] = {}
    for m in taken:
        columns = tuple(sorted(m.values or {}))
        row = {"_case_id": m.case.id, **{f"_v_{c}": m.values[c] for c in columns}}
        shapes.setdefault(columns, []).append(row)
    for columns, rows in shapes.items():
        if not columns:
            continue
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_case_id"))
            .values({c: bindparam(f"_v_{c}", type_=table.c[c].type) for c in columns})
        )
        connection.execute(stmt, rows)


# -- hand-over -----------------------------------------------------------------------------


def _orders_for(user: User, order_ids: list[str]) -> dict[str, Order]:
    stmt = select(Order).where(Order.id.in_(order_ids)).options(selectinload(Order.parcels))
    if user.role != "admin":
        stmt = stmt.where(Order.seller_id == (user.seller.id if user.seller else None))
    return {o.id: o for o in db.session.execute(stmt).scalars()}


def _refusal(order: Order | None, open_parcels: set[str]) -> str | None:
    """Why ``order`` cannot be handed over, or None."""
    if order is None:
        return "No such order."
    if order.regime not in FILED_REGIMES[order.flow]:
        return f"Order {order.order_no} is a personal postal article; it is not filed as CBEC."
    if not order.parcels:
        return f"Order {order.order_no} has no parcel."
    if order.parcels[0].id in open_parcels:
        return f"Order {order.order_no} already has an open clearance case."
    return None


def _open_parcels(parcel_ids: Iterable[str]) -> set[str]:
    ids = list(parcel_ids)
    if not ids:
        return set()
    stmt = select(ClearanceCase.open_parcel_id).where(ClearanceCase.open_parcel_id.in_(ids))
    return set(db.session.execute(stmt).scalars())


def hand_over(user: User, order_ids: list[str]) -> tuple[list[ClearanceCase], dict[str, str]]:
    """Open a case for each order (its first parcel); returns the new cases and, per order
    id, why it was refused. Preparing is queued; nothing is lost if the queue is down (the
    reaper queues cases left waiting)."""
    if not order_ids or len(order_ids) > MAX_BULK:
        raise ValidationFailed(
            f"Send 1 to {MAX_BULK} order ids.", {"order_ids": [f"1 to {MAX_BULK} ids"]}
        )
    wanted = list(dict.fromkeys(order_ids))
    orders = _orders_for(user, wanted)
    open_parcels = _open_parcels(o.parcels[0].id for o in orders.values() if o.parcels)
    cases, refused_ = [], {}
    for order_id in wanted:
        order = orders.get(order_id)
        why = _refusal(order, open_parcels)
        if why:
            refused_[order_id] = why
            continue
        cases.append(_new_case(order, user))
    made = [c.id for c in cases]
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent hand-over of one of the parcels won
        db.session.rollback()
        if len(wanted) == 1:
            raise Conflict("The order already has an open clearance case.") from None
        return _one_by_one(user, wanted)
    from ..jobs.clearance import enqueue_prepare

    enqueue_prepare(made, quiet=True)
    found = fresh_many(made)  # what the caller shows, read back in one query
    return [found[i] for i in made], refused_


def _one_by_one(user: User, order_ids: list[str]) -> tuple[list[ClearanceCase], dict[str, str]]:
    cases, refused_ = [], {}
    for order_id in order_ids:
        try:
            made, why = hand_over(user, [order_id])
        except Conflict as exc:
            made, why = [], {order_id: exc.message}
        cases += made
        refused_.update(why)
    return cases, refused_


def _new_case(order: Order, actor: User) -> ClearanceCase:
    parcel = order.parcels[0]
    case = ClearanceCase(
        id=new_id(),
        order_id=order.id,
        parcel_id=parcel.id,
        open_parcel_id=parcel.id,
        seller_id=order.seller_id,
        flow=order.flow,
        status="handed_over",
        handed_over_by=actor.id,
    )
    db.session.add(case)  # written with the batch's others (before their events)
    record(case, "hand_over", actor, after="handed_over", details={"order_id": order.id})
    return case


# -- reading -------------------------------------------------------------------------------


def _visible(user: User):
    stmt = select(ClearanceCase)
    if user.role == "seller":
        stmt = stmt.where(ClearanceCase.seller_id == (user.seller.id if user.seller else None))
    elif user.role not in ("broker", "admin"):
        stmt = stmt.where(False)
    return stmt


def get_case(user: User, case_id: str) -> ClearanceCase:
    """A case the user may see (another seller's is not found), as the database has it now
    (a worker may have moved it since this session last read it)."""
    case = get_cases(user, [case_id]).get(case_id)
    if case is None:
        raise NotFound("No such clearance case.")
    return case


def get_cases(user: User, case_ids: list[str]) -> dict[str, ClearanceCase]:
    """:func:`get_case` for several ids, by id (one query; those not found are absent)."""
    stmt = (
        _visible(user)
        .where(ClearanceCase.id.in_(case_ids))
        .execution_options(populate_existing=True)
    )
    return {c.id: c for c in db.session.execute(stmt).scalars()}


def latest_of_order(user: User, order_id: str) -> ClearanceCase | None:
    """The order's newest case the user may see (None: never handed over, or not theirs)."""
    stmt = (
        _visible(user)
        .where(ClearanceCase.order_id == order_id)
        .order_by(ClearanceCase.created_at.desc(), ClearanceCase.id)
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def fresh(case_id: str) -> ClearanceCase | None:
    """The case as the database has it now (jobs: another process may have moved it)."""
    return fresh_many([case_id]).get(case_id)


def fresh_many(case_ids: list[str]) -> dict[str, ClearanceCase]:
    """:func:`fresh` for a batch of cases, by id (one query)."""
    stmt = (
        select(ClearanceCase)
        .where(ClearanceCase.id.in_(case_ids))
        .execution_options(populate_existing=True)
    )
    return {c.id: c for c in db.session.execute(stmt).scalars()}


def _filtered(user: User, query: dict):
    stmt = _visible(user)
    if query.get("seller_id"):
        stmt = stmt.where(ClearanceCase.seller_id == query["seller_id"])
    if query.get("flow"):
        stmt = stmt.where(ClearanceCase.flow == query["flow"])
    if query.get("risk"):
        stmt = stmt.where(ClearanceCase.risk_codes.contains(f" {query['risk']} "))
    if query.get("destination"):
        wanted = orders.OrderFilter(destination=query["destination"]).apply(select(Order.id))
        stmt = stmt.where(ClearanceCase.order_id.in_(wanted))
    return stmt


def list_cases(user: User, query: dict) -> dict:
    """Cases oldest first (the review queue), with the count in each state."""
    base = _filtered(user, query)
    within = base.subquery()
    counts = dict(
        db.session.execute(select(within.c.status, func.count()).group_by(within.c.status)).all()
    )
    stmt = base.where(ClearanceCase.status == query["status"]) if query.get("status") else base
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page, per_page = query["page"], query["per_page"]
    rows = db.session.execute(
        stmt.add_columns(Order.order_no)
        .join(Order, Order.id == ClearanceCase.order_id)
        .order_by(ClearanceCase.created_at, ClearanceCase.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return {
        "items": [summary(c, order_no) for c, order_no in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "counts": {s: counts.get(s, 0) for s in case_states.STATES},
    }


def summary(case: ClearanceCase, order_no: str | None = None) -> dict:
    """The case's own fields and its order's number (read when not given)."""
    if order_no is None:
        order_no = db.session.execute(
            select(Order.order_no).where(Order.id == case.order_id)
        ).scalar()
    return {
        **{c.name: getattr(case, c.name) for c in ClearanceCase.__table__.columns},
        "order_no": order_no,
        "problems": case.problems or [],
        "risks": case.risks or [],
    }


def _documents(case: ClearanceCase) -> list[dict]:
    if case.declaration_id is None:
        return []
    rows = db.session.execute(
        select(DeclarationDocument).where(DeclarationDocument.declaration_id == case.declaration_id)
    ).scalars()
    return [
        {
            "kind": d.kind,
            "title": KINDS[d.kind].title if d.kind in KINDS else d.kind,
            "sha256": d.sha256,
            "size": d.size,
            "created_at": d.created_at,
            "url": f"/api/v1/clearance/{case.id}/documents/{d.kind}",
        }
        for d in rows
    ]


def _audit(case: ClearanceCase) -> list[AuditEntry]:
    return list(
        db.session.execute(
            select(AuditEntry)
            .where(
                or_(
                    (AuditEntry.entity_type == "clearance_case")
                    & (AuditEntry.entity_id == case.id),
                    (AuditEntry.entity_type == "order") & (AuditEntry.entity_id == case.order_id),
                )
            )
            .order_by(AuditEntry.id)
        ).scalars()
    )


def detail(case: ClearanceCase) -> dict:
    """Everything a reviewer looks at: the case, its documents and messages sent, risks,
    quote, events, the audit trail and the customs receipts."""
    from . import clearance

    order = db.session.get(Order, case.order_id)
    messages = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.name)
    ).scalars()
    return {
        **summary(case),
        "quote": order.quote,
        "quote_error": order.quote_error,
        "documents": _documents(case),
        "messages": list(messages),
        "events": list(case.events),
        "audit": _audit(case),
        "customs": clearance.timeline(order),
    }


def document(user: User, case_id: str, kind: str) -> DeclarationDocument:
    """A stored document of the case's current filing."""
    case = get_case(user, case_id)
    doc = db.session.execute(
        select(DeclarationDocument).where(
            DeclarationDocument.declaration_id == case.declaration_id,
            DeclarationDocument.kind == kind,
        )
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"The case has no {kind} document.")
    return doc
