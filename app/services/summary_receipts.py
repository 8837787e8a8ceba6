"""Customs' answers to summary applications, as the receipts pipeline reads them.

CEB702 (keyed by the application's copNo) moves the application: 2 (E-Port took it) →
``declaring``, 399 → ``accepted`` with the summary number ``sumNo``, 100 or a negative
status (E-Port's processing error) → ``rejected``, customs' text kept in ``info``. The
receipts of an application are folded (:func:`declarations.ceb.receipts.fold`), so repeats
and any arrival order give one state. CEB792 results are booked by
:func:`app.services.summaries.book` (each inventory line to its declaration line). After
either, the summary's status follows its applications: ``rejected`` when one is,
``declared`` when every one is accepted and has a declaration booked under its sumNo,
``accepted`` when all are accepted.
"""

from __future__ import annotations

from sqlalchemy import select

from declarations.ceb import receipts

from ..extensions import db
from ..models import StatusEvent, SummaryApplication, SummaryDeclaration, SummaryFiling
from . import clearance, summaries

RECEIPT = "CEB702"
APPLICATION_STATE = {"2": "declaring", "399": "accepted", "100": "rejected"}


def application_state(status: str) -> str:
    if status.startswith("-"):
        return "rejected"
    return APPLICATION_STATE.get(status, "declaring")


def stored_receipts(cop_nos: list[str]) -> list[receipts.StatusEvent]:
    """The CEB702 events stored for the applications (the pipeline stores them first)."""
    rows = db.session.execute(
        select(StatusEvent)
        .where(StatusEvent.message_type == RECEIPT, StatusEvent.business_key.in_(cop_nos))
        .order_by(StatusEvent.occurred_at, StatusEvent.id)
    ).scalars()
    return [clearance.receipt_event(r) for r in rows]


def follow(events: list[receipts.StatusEvent]) -> list[str]:
    """Apply the summary receipts among ``events`` (in the caller's transaction); returns
    the ids of the summaries they moved."""
    cop_nos = sorted({e.business_key for e in events if e.message_type == RECEIPT})
    touched = _follow_applications(cop_nos) if cop_nos else set()
    sum_nos = {summaries.book(e)[0].sum_no for e in events if e.message_type == summaries.RESULT}
    return refresh_all(touched | filings_of(sum_nos))


def filings_of(sum_nos: set[str]) -> set[str]:
    """The summaries whose applications customs numbered ``sum_nos``."""
    if not sum_nos:
        return set()
    found = select(SummaryApplication.filing_id).where(SummaryApplication.sum_no.in_(sum_nos))
    return set(db.session.execute(found).scalars())


def refresh_all(filing_ids: set[str]) -> list[str]:
    for filing_id in sorted(filing_ids):
        refresh(db.session.get(SummaryFiling, filing_id))
    return sorted(filing_ids)


def _follow_applications(cop_nos: list[str]) -> set[str]:
    found = db.session.execute(
        select(SummaryApplication).where(SummaryApplication.cop_no.in_(cop_nos))
    ).scalars()
    applications = {a.cop_no: a for a in found}
    if not applications:
        return set()
    for (_, cop_no), state in receipts.fold(stored_receipts(list(applications))).items():
        application = applications[cop_no]
        application.status = application_state(state.status)
        application.info = state.info or None
        keys = next((e.keys for e in reversed(state.history) if e.keys.get("sumNo")), {})
        application.sum_no = application.sum_no or keys.get("sumNo") or None
        pre_no = next((e.keys["preNo"] for e in state.history if e.keys.get("preNo")), None)
        application.pre_no = application.pre_no or pre_no
    return {a.filing_id for a in applications.values()}


def refresh(found: SummaryFiling) -> None:
    """The summary's status from its applications (and the declarations booked)."""
    states = [a.status for a in found.applications]
    if not states or found.status in ("queued", "empty", "failed"):
        return
    if "rejected" in states:
        found.status = "rejected"
    elif all(s == "accepted" for s in states):
        booked = set(
            db.session.execute(
                select(SummaryDeclaration.sum_no).where(
                    SummaryDeclaration.sum_no.in_([a.sum_no for a in found.applications])
                )
            ).scalars()
        )
        declared = all(a.sum_no in booked for a in found.applications)
        found.status = "declared" if declared else "accepted"
    db.session.flush()


__all__ = ["application_state", "filings_of", "follow", "refresh", "refresh_all", "stored_receipts"]
