"""The scheduled monthly summary run: on ``SUMMARY_AUTO_DAY`` of a month (China time, the
clock customs keep months by) and every day after it, the previous month's summary is asked
for every seller with released export inventories of that month not yet in a summary.

Customs expect a month's releases summarised before the 15th of the next
(海关总署公告2018年第194号, see :mod:`declarations.ceb.summary`); ``SUMMARY_AUTO_DAY`` 0 (the
default) leaves the run to people (``silkpost summaries run``, ``POST /api/v1/summaries``).

Running it again is safe: a seller whose month already has a summary (whatever became of it:
standing, refused, failed or empty) is left to people, so a refusal is never re-filed on
its own, and the request itself gives back the summary of the month still standing
(:func:`app.services.summary_filing.request_for`), whose job id is the summary's.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from declarations.ceb.receipts import CHINA_TIME

from ..errors import ValidationFailed
from ..extensions import db
from ..models import ClearanceCase, Order, Seller, SummaryFiling
from ..models.base import utcnow
from . import summary_filing, summary_inventories
from .summary_inventories import RELEASED_CASES


def due_month(today: date, day: int) -> str | None:
    """The month (``YYYY-MM``) to summarise on ``today`` when the run is on ``day`` of
    each month; None before that day, or when the run is off (0)."""
    if day <= 0 or today.day < day:
        return None
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def sellers_with_releases(seller_id: str | None = None) -> list[Seller]:
    """Sellers with at least one released (or closed) export case."""
    stmt = (
        select(Seller)
        .join(Order, Order.seller_id == Seller.id)
        .join(ClearanceCase, ClearanceCase.order_id == Order.id)
        .where(ClearanceCase.flow == "export", ClearanceCase.status.in_(tuple(RELEASED_CASES)))
        .distinct()
    )
    if seller_id:
        stmt = stmt.where(Seller.id == seller_id)
    return list(db.session.execute(stmt).scalars().all())


def _summarised(seller_id: str, month: str) -> bool:
    found = select(SummaryFiling.id).where(
        SummaryFiling.seller_id == seller_id, SummaryFiling.month == month
    )
    return db.session.execute(found.limit(1)).first() is not None


def unsummarised(seller_id: str, month: str) -> list[str]:
    """The inventory numbers of the seller's exports released in ``month`` that no
    application of the seller lists."""
    taken = summary_inventories.listed_elsewhere(seller_id)
    return [
        item.record.invt_no
        for item in summary_inventories.released(seller_id, month)
        if item.record.invt_no not in taken
    ]


def run(now: datetime | None = None) -> dict:
    """Ask for the due month's summaries; what was asked for, by seller id."""
    day = int(current_app.config.get("SUMMARY_AUTO_DAY") or 0)
    month = due_month((now or utcnow()).astimezone(CHINA_TIME).date(), day)
    if month is None:
        return {"month": None, "summaries": {}}
    out: dict[str, dict] = {}
    for seller in sellers_with_releases():
        if _summarised(seller.id, month) or not unsummarised(seller.id, month):
            continue
        try:
            found = summary_filing.request_for(seller, month, None)
        except ValidationFailed as exc:
            out[seller.id] = {"refused": exc.message}
            continue
        out[seller.id] = {"summary": found.id, "status": found.status}
    return {"month": month, "summaries": out}


__all__ = ["due_month", "run", "sellers_with_releases", "unsummarised"]
