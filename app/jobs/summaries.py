"""Summary jobs: planning and filing a seller's monthly summary (CEB701) on the gateway queue.

Job id ``summary-<summary id>`` (one filing per summary; a retry after a gateway error
files the same plan). The periodic ``queue-summaries`` task queues again every summary left
``queued`` for SUBMIT_STUCK_SECONDS (the queue was down when it was asked for, or its worker
died), with the reap period in the id.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import SummaryFiling
from ..models.base import utcnow
from ..services import summary_filing
from .gateway import BACKOFF, quietly, slot
from .periodic import periodic
from .queues import job


@job("gateway", retries=len(BACKOFF), interval=BACKOFF)
def file_summary(filing_id: str) -> str:
    return summary_filing.file(filing_id)


def enqueue_summary(filing_id: str, *, suffix: str = "", quiet: bool = False) -> list:
    return quietly(
        f"the summary {filing_id}",
        quiet,
        lambda: [file_summary.delay(filing_id, job_id=f"summary-{filing_id}{suffix}")],
    )


@periodic("queue-summaries", every=60)
def requeue_summaries() -> dict:
    """Queue again the summaries no job has taken."""
    old = utcnow() - timedelta(seconds=current_app.config["SUBMIT_STUCK_SECONDS"])
    waiting = db.session.execute(
        select(SummaryFiling.id).where(
            SummaryFiling.status == "queued", SummaryFiling.updated_at < old
        )
    ).scalars()
    ids = list(waiting)
    if ids:  # their clock restarts: the next reap leaves them to the queue a while
        db.session.execute(
            update(SummaryFiling)
            .where(SummaryFiling.id.in_(ids))
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    for filing_id in ids:
        enqueue_summary(filing_id, suffix=f"-reap-{slot(60)}", quiet=True)
    return {"summaries": len(ids)}
