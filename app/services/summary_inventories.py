"""The released export inventories a summary of a seller's month can take.

An inventory is the one the service filed for a clearance case of an export order (its
declaration snapshot, so the record says what customs were told), under the number
customs gave it (``invt_no``), released or closed (case ``released``/``closed``), released
(:func:`app.services.customs_facts.release_times`) within the month in China time, and not
listed by another application of the seller that customs have not refused. Whether it
qualifies for a summary beyond that is the rule's (:func:`declarations.ceb.summary.ineligible`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from declarations.ceb import summary
from declarations.ceb.summary import ReleasedInventory
from declarations.snapshot import DeclarationSnapshot

from ..extensions import db
from ..models import ClearanceCase, Declaration, Order, SummaryApplication, SummaryFiling
from . import customs_facts

#: Case state -> the inventory status customs last reported (放行 800, 结关 899).
RELEASED_CASES = {"released": "800", "closed": "899"}


@dataclass(frozen=True)
class Released:
    """One released inventory of the seller and the order it clears."""

    order_no: str
    record: ReleasedInventory
    snapshot: DeclarationSnapshot


def listed_elsewhere(seller_id: str, exclude_filing: str | None = None) -> set[str]:
    """Inventory numbers already in one of the seller's applications not refused."""
    rows = db.session.execute(
        select(SummaryApplication.invt_nos)
        .join(SummaryFiling, SummaryFiling.id == SummaryApplication.filing_id)
        .where(
            SummaryFiling.seller_id == seller_id,
            SummaryApplication.status != "rejected",
            SummaryFiling.id != (exclude_filing or ""),
        )
    ).scalars()
    return {no for listed in rows for no in listed}


def _cases(seller_id: str, invt_nos: Iterable[str] | None = None):
    stmt = (
        select(ClearanceCase, Declaration.snapshot, Order.order_no)
        .join(Order, Order.id == ClearanceCase.order_id)
        .join(Declaration, Declaration.id == ClearanceCase.declaration_id)
        .where(
            Order.seller_id == seller_id,
            ClearanceCase.flow == "export",
            ClearanceCase.status.in_(tuple(RELEASED_CASES)),
            ClearanceCase.invt_no.is_not(None),
        )
        .order_by(ClearanceCase.invt_no)
    )
    if invt_nos is not None:
        stmt = stmt.where(ClearanceCase.invt_no.in_(list(invt_nos)))
    return db.session.execute(stmt).all()


def released(
    seller_id: str, month: str | None = None, invt_nos: Iterable[str] | None = None
) -> list[Released]:
    """The seller's released export inventories (of ``month``, or the ones numbered)."""
    rows = _cases(seller_id, invt_nos)
    times = customs_facts.release_times(case.order_id for case, _, _ in rows)
    window = summary.month_window(month) if month else None
    out = []
    for case, snapshot, order_no in rows:
        at = times.get(case.order_id)
        if window is not None and (at is None or not window[0] <= at <= window[1]):
            continue
        snap = DeclarationSnapshot.from_json(snapshot)
        record = summary.inventory_from_snapshot(
            snap, invt_no=case.invt_no or "", status=RELEASED_CASES[case.status], released_at=at
        )
        out.append(Released(order_no, record, snap))
    return out


__all__ = ["RELEASED_CASES", "Released", "listed_elsewhere", "released"]
