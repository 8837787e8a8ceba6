"""Preparing a case: freeze what will be filed, build and check it, look for risks.

A handed-over case gets a new declaration snapshot of its order; an amended case arrives in
``preparing`` with its new snapshot already frozen. Every document of the flow's filing set
is built and validated through the document-kind registry, the envelopes' senders are
checked, and the risk checks run. Blocking problems or risks send the case to
``changes_requested`` with the list; otherwise it awaits the broker.

The work (building, signing, validating, the risk checks) is done before anything is
written; then one short transaction for the batch takes each case (``handed_over`` →
``preparing``, compare-and-set), stores its snapshot and documents, and moves it on
(compare-and-set on the status *and* the snapshot version). A run that lost a race, or an
amendment that came meanwhile, changes nothing; and workers never hold the database's
write lock while they compute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from declarations.errors import DeclarationError
from declarations.kinds import DocumentKind
from declarations.snapshot import DeclarationSnapshot

from ..extensions import db
from ..models import ClearanceCase, Declaration, Order
from . import cases, declaring, filing, risk
from .filing_kinds import filing_set

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """What preparing found for one case, before anything is stored."""

    snapshot: DeclarationSnapshot
    documents: list[tuple[DocumentKind, bytes]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    risks: list[risk.Risk] = field(default_factory=list)
    senders: dict[str, str] = field(default_factory=dict)


def prepare_cases(case_ids: list[str]) -> dict[str, str]:
    """Prepare each case; returns what happened to each. The work is done case by case;
    what it found is written in one transaction for the batch (one commit, the case events
    and audit entries in bulk), or case by case when a racing run got there first."""
    outcomes: dict[str, str] = {}
    memo: dict = {}
    examined = []
    batch = list(cases.fresh_many(case_ids).values())
    held = [*batch, *_load_orders(batch)]  # the session keeps only what is referenced
    for case_id in case_ids:
        found = examine(case_id, memo, fetched=True)
        if found is None:
            outcomes[case_id] = "skipped"
        else:
            examined.append(found)
    try:
        outcomes.update({e.case.id: _store(e) for e in examined})
        db.session.commit()
    except IntegrityError:  # a racing run stored one of these versions first
        db.session.rollback()
        outcomes.update({e.case.id: prepare(e.case.id, memo) for e in examined})
    held.clear()
    db.session.expunge_all()
    return outcomes


def prepare(case_id: str, memo: dict | None = None) -> str:
    """Prepare one case in its own transaction (``memo``: registrations shared by a batch)."""
    found = examine(case_id, memo)
    if found is None:
        return "skipped"
    try:
        outcome = _store(found)
        db.session.commit()
        return outcome
    except IntegrityError:  # a racing run stored this version or its documents first
        db.session.rollback()
        return "skipped"


@dataclass
class Examined:
    """A case to prepare, with what preparing found (nothing stored yet)."""

    case: ClearanceCase
    order: Order
    declaration: Declaration | None
    found: Prepared


def _load_orders(batch: Iterable[ClearanceCase]) -> list[Order]:
    """Read the orders of a batch of cases, with their lines and parcels, in three queries
    (in the session's identity map for :func:`examine` while the caller holds them)."""
    ids = [c.order_id for c in batch]
    if not ids:
        return []
    stmt = (
        select(Order)
        .where(Order.id.in_(ids))
        .options(selectinload(Order.lines), selectinload(Order.parcels))
    )
    return list(db.session.execute(stmt).scalars())


def examine(case_id: str, memo: dict | None = None, *, fetched: bool = False) -> Examined | None:
    """Build and check what the case would file (reads only); None when the case is no
    longer to be prepared. ``fetched``: the case was just read (:func:`cases.fresh_many`)."""
    case = db.session.get(ClearanceCase, case_id) if fetched else cases.fresh(case_id)
    if case is None or case.status not in ("handed_over", "preparing"):
        return None
    order = db.session.get(Order, case.order_id)
    decl = (
        None if case.status == "handed_over" else db.session.get(Declaration, case.declaration_id)
    )
    if decl is None:
        snapshot, app_type, stored = declaring.build_snapshot(order, memo=memo), "1", set()
    else:
        snapshot = DeclarationSnapshot.from_json(decl.snapshot)
        app_type, stored = case.app_type, declaring.stored_kinds(decl)
    return Examined(case, order, decl, check(case.flow, snapshot, app_type, order, skip=stored))


def check(
    flow: str, snapshot: DeclarationSnapshot, app_type: str, order: Order, skip: set[str]
) -> Prepared:
    """Build every document of the filing set, and find what stops the filing: documents
    that cannot be made, senders without a DXP id, an import without a tax quote, and
    blocking risks."""
    found = Prepared(snapshot)
    for kind in filing_set(flow):
        if kind.name in skip:
            continue
        try:
            found.documents.append((kind, declaring.render(kind, snapshot, app_type)))
        except DeclarationError as exc:
            for text in exc.problems or [exc.summary]:
                found.problems.append({"source": kind.name, "field": None, "message": text})
    found.senders = filing.senders(flow, snapshot)
    for text in filing.sender_problems(found.senders):
        found.problems.append({"source": "envelope", "field": None, "message": text})
    if flow == "import" and order.quote is None:
        why = order.quote_error or "no landed-cost quote"
        found.problems.append({"source": "quote", "field": None, "message": f"No tax quote: {why}"})
    found.risks = risk.assess(order, snapshot, order.quote)
    found.problems += [
        {"source": f"risk:{r.code}", "field": r.field, "message": r.message}
        for r in found.risks
        if r.severity == "blocking"
    ]
    return found


def _store(e: Examined) -> str:
    """Write what preparing found, in the caller's transaction. The case is moved by
    compare-and-set before anything else of it is written, so a case another run moved
    first leaves nothing behind ("skipped"); once moved, its row is this transaction's
    until it commits, and the second move cannot lose."""
    case, found, decl = e.case, e.found, e.declaration
    values = {}
    if decl is None:
        if not cases.transition(case, "prepare", None, strict=False):
            return "skipped"
        decl = declaring.freeze(e.order, None, found.snapshot)
        values = {"declaration_id": decl.id, "version": decl.version, "app_type": "1"}
    action = "needs_changes" if found.problems else "prepared"
    codes = sorted({r.code for r in found.risks})
    values |= {
        "problems": found.problems,
        "risks": [r.to_json() for r in found.risks],
        "risk_codes": f" {' '.join(codes)} " if codes else None,
        "senders": found.senders,
        "error": None,
    }
    details = {"version": decl.version, "problems": len(found.problems), "risks": len(found.risks)}
    moved = cases.transition(
        case,
        action,
        None,
        values=values,
        expect={"version": case.version},
        details=details,
        strict=False,
    )
    if not moved:
        return "skipped"
    for kind, content in found.documents:
        declaring.store(decl, kind, content, None, e.order)
    return action
