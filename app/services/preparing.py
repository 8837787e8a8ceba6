"""Preparing a case: freeze what will be filed, build and check it, look for risks.

A handed-over case gets a new declaration snapshot of its order; an amended case arrives in
``preparing`` with its new snapshot already frozen. Every document of the flow's filing set
is built and validated through the document-kind registry, the envelopes' senders are
checked, and the risk checks run. Blocking problems or risks send the case to
``changes_requested`` with the list; otherwise it awaits the broker.

The work (building, signing, validating, the risk checks) is done before anything is
written; then one short transaction takes the case (``handed_over`` → ``preparing``,
compare-and-set), stores the snapshot and documents, and moves it on (compare-and-set on the
status *and* the snapshot version). A run that lost a race, or an amendment that came
meanwhile, changes nothing; and workers never hold the database's write lock while they
compute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

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
    """Prepare each case; returns what happened to each."""
    outcomes, memo = {}, {}
    for case_id in case_ids:
        outcomes[case_id] = prepare(case_id, memo)
        db.session.expunge_all()  # a batch must not drag every earlier case along
    return outcomes


def prepare(case_id: str, memo: dict | None = None) -> str:
    """Prepare one case (``memo``: registrations shared by a batch)."""
    case = cases.fresh(case_id)
    if case is None or case.status not in ("handed_over", "preparing"):
        db.session.rollback()
        return "skipped"
    order = db.session.get(Order, case.order_id)
    decl = (
        None if case.status == "handed_over" else db.session.get(Declaration, case.declaration_id)
    )
    if decl is None:
        snapshot, app_type, stored = declaring.build_snapshot(order, memo=memo), "1", set()
    else:
        snapshot = DeclarationSnapshot.from_json(decl.snapshot)
        app_type, stored = case.app_type, declaring.stored_kinds(decl)
    found = check(case.flow, snapshot, app_type, order, skip=stored)
    try:
        return _store(case, order, decl, found)
    except IntegrityError:  # a racing run stored this version or its documents first
        db.session.rollback()
        return "skipped"


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


def _store(case: ClearanceCase, order: Order, decl: Declaration | None, found: Prepared) -> str:
    if decl is None:
        decl = declaring.freeze(order, None, found.snapshot)
        values = {"declaration_id": decl.id, "version": decl.version, "app_type": "1"}
        if not cases.transition(case, "prepare", None, values=values, strict=False):
            db.session.rollback()
            return "skipped"
    for kind, content in found.documents:
        declaring.store(decl, kind, content, None, order)
    action = "needs_changes" if found.problems else "prepared"
    codes = sorted({r.code for r in found.risks})
    values = {
        "problems": found.problems,
        "risks": [r.to_json() for r in found.risks],
        "risk_codes": f" {' '.join(codes)} " if codes else None,
        "senders": found.senders,
        "error": None,
    }
    details = {"version": case.version, "problems": len(found.problems), "risks": len(found.risks)}
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
        db.session.rollback()
        return "skipped"
    db.session.commit()
    return action
