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
from . import cases, clearance, declaring, filing, quota_ledger, risk
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
    orders = _load_orders(batch)
    held = [*batch, *orders]  # the session keeps only what is referenced
    risk.look_up_batch([o.order_no for o in orders], [p.item_id for o in orders for p in o.parcels])
    quota_ledger.look_up(buyers=[b for o in orders if (b := clearance.quota_buyer(o))])
    for case_id in case_ids:
        found = examine(case_id, memo, fetched=True)
        if found is None:
            outcomes[case_id] = "skipped"
        else:
            examined.append(found)
    try:
        outcomes.update(_store_all(examined))
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
        outcome = _store_all([found])[case_id]
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


def _store_all(examined: list[Examined]) -> dict[str, str]:
    """Write what preparing found, in the caller's transaction; returns what happened to
    each case. Each case is moved by compare-and-set before anything else of it is
    written, so a case another run moved first leaves nothing behind ("skipped"); once
    moved, its row is this transaction's until it commits, and the second move cannot
    lose."""
    outcomes = {e.case.id: "skipped" for e in examined}
    fresh = [e for e in examined if e.declaration is None]
    taking = [cases.Move(e.case, "prepare") for e in fresh]
    taken = {c.id for c in cases.transition_many(taking, None)}
    frozen = [e for e in fresh if e.case.id in taken]
    decls = declaring.freeze_many([(e.order, e.found.snapshot) for e in frozen], None)
    new_decls = {e.case.id: d for e, d in zip(frozen, decls, strict=True)}
    ready = [e for e in examined if e.declaration is not None or e.case.id in new_decls]
    moves = [_finish_move(e, new_decls.get(e.case.id)) for e in ready]
    moved = {c.id for c in cases.transition_many(moves, None)}
    built = []
    for e, move in zip(ready, moves, strict=True):
        if e.case.id not in moved:
            continue
        decl = new_decls.get(e.case.id) or e.declaration
        built += [(decl, kind, content, e.order) for kind, content in e.found.documents]
        outcomes[e.case.id] = move.action
    declaring.store_many(built, None)
    return outcomes


def _finish_move(e: Examined, new_decl: Declaration | None) -> cases.Move:
    """The move out of ``preparing``, with what preparing found (and the declaration just
    frozen for a case handed over); compare-and-set on the snapshot version too, so an
    amendment made meanwhile wins."""
    found, decl = e.found, new_decl or e.declaration
    values = {}
    if new_decl is not None:
        values = {"declaration_id": decl.id, "version": decl.version, "app_type": "1"}
    codes = sorted({r.code for r in found.risks})
    values |= {
        "problems": found.problems,
        "risks": [r.to_json() for r in found.risks],
        "risk_codes": f" {' '.join(codes)} " if codes else None,
        "senders": found.senders,
        "error": None,
    }
    details = {"version": decl.version, "problems": len(found.problems), "risks": len(found.risks)}
    action = "needs_changes" if found.problems else "prepared"
    return cases.Move(
        e.case, action, values=values, expect={"version": e.case.version}, details=details
    )
