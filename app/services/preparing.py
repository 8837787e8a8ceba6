"""Preparing a case: freeze what will be filed, build and check it, look for risks.

A handed-over case is taken (``handed_over`` → ``preparing``, compare-and-set) together with
a new declaration snapshot of its order; an amended case arrives in ``preparing`` with its
new snapshot already frozen. Then every document of the flow's filing set is built and
validated through the document-kind registry and stored, the envelopes' senders are checked,
and the risk checks run. Blocking problems or risks send the case to ``changes_requested``
with the list; otherwise it awaits the broker. The last move is compare-and-set on the
status *and* the snapshot version, so a run that lost a race (or an amendment that came
meanwhile) changes nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot

from ..extensions import db
from ..models import ClearanceCase, Declaration, Order
from . import cases, declaring, filing, risk
from .filing_kinds import filing_set

log = logging.getLogger(__name__)


def prepare_cases(case_ids: list[str]) -> dict[str, str]:
    """Prepare each case; returns what happened to each."""
    return {case_id: prepare(case_id) for case_id in case_ids}


def prepare(case_id: str) -> str:
    case = cases.fresh(case_id)
    if case is not None and case.status == "handed_over" and not _take(case):
        return "skipped"
    if case is None or case.status != "preparing":
        db.session.rollback()
        return "skipped"
    return _check(case)


def _take(case: ClearanceCase) -> bool:
    """``handed_over`` → ``preparing`` with a new snapshot version, or nothing (another
    job took it first)."""
    order = db.session.get(Order, case.order_id)
    try:
        decl = declaring.freeze(order, None)
        values = {"declaration_id": decl.id, "version": decl.version, "app_type": "1"}
        taken = cases.transition(case, "prepare", None, values=values, strict=False)
    except IntegrityError:  # a racing job froze the same version number
        taken = False
    if not taken:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def problems_of(case: ClearanceCase, decl: Declaration, order: Order) -> list[dict]:
    """What stops the filing: documents that cannot be made, senders without a DXP id, an
    import without a tax quote. Documents that can be made are stored."""
    found = []
    for kind in filing_set(case.flow):
        try:
            declaring.document_of(decl, kind, None, order, commit=False)
        except DeclarationError as exc:
            for text in exc.problems or [exc.summary]:
                found.append({"source": kind.name, "field": None, "message": text})
    snapshot = DeclarationSnapshot.from_json(decl.snapshot)
    for text in filing.sender_problems(case.flow, snapshot):
        found.append({"source": "envelope", "field": None, "message": text})
    if case.flow == "import" and order.quote is None:
        why = order.quote_error or "no landed-cost quote"
        found.append({"source": "quote", "field": None, "message": f"No tax quote: {why}"})
    return found


def _check(case: ClearanceCase) -> str:
    decl = db.session.get(Declaration, case.declaration_id)
    order = db.session.get(Order, case.order_id)
    problems = problems_of(case, decl, order)
    risks = risk.assess(order, decl.snapshot, order.quote)
    problems += [
        {"source": f"risk:{r.code}", "field": r.field, "message": r.message}
        for r in risks
        if r.severity == "blocking"
    ]
    action = "needs_changes" if problems else "prepared"
    values = {
        "problems": problems,
        "risks": [r.to_json() for r in risks],
        "risk_codes": f" {' '.join(sorted({r.code for r in risks}))} " if risks else None,
        "error": None,
    }
    details = {"version": case.version, "problems": len(problems), "risks": len(risks)}
    done = cases.transition(
        case,
        action,
        None,
        values=values,
        expect={"version": case.version},
        details=details,
        strict=False,
    )
    if not done:
        db.session.rollback()
        return "skipped"
    try:
        db.session.commit()
    except IntegrityError:  # another run stored the same documents first
        db.session.rollback()
        return "skipped"
    return action
