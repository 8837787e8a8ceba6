"""Clearance lead time for the dashboard: from a case's hand-over to customs' release.

Hand-over is the case's creation (the seller's hand-over); release is the first time
customs released the order (``customs_facts.release_times``: the receipts' 800/899). Cases
handed over in the period count; one not released yet is counted as open, never as a
duration. Median and nearest-rank p90 are the lane analysis' own (``analytics.duration``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import ClearanceCase
from . import analytics, customs_facts

FLOWS = ("export", "import")


def _cases(start, end) -> list[tuple[str, str, datetime]]:
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    stmt = select(ClearanceCase.order_id, ClearanceCase.flow, ClearanceCase.created_at).where(
        ClearanceCase.created_at >= lo, ClearanceCase.created_at < hi
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def clearance_lead_times(start, end) -> dict[str, Any]:
    """Per flow and for all cases handed over from ``start`` to ``end`` (UTC days): how
    many were handed over, released, and the duration figures in hours."""
    cases = _cases(start, end)
    released = customs_facts.release_times({order_id for order_id, _, _ in cases})
    hours: dict[str, list[float]] = {flow: [] for flow in FLOWS}
    handed: dict[str, int] = dict.fromkeys(FLOWS, 0)
    for order_id, flow, at in cases:
        handed[flow] = handed.get(flow, 0) + 1
        took = analytics.hours_between(_aware(at), released.get(order_id))
        if took is not None:
            hours.setdefault(flow, []).append(took)
    rows = [
        {"flow": flow, "handed_over": handed[flow], **analytics.duration(hours.get(flow, []))}
        for flow in handed
    ]
    every = [h for values in hours.values() for h in values]
    total = {"flow": None, "handed_over": len(cases), **analytics.duration(every)}
    return {"flows": rows, "all": total}


__all__ = ["clearance_lead_times"]
