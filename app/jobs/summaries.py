"""Summary jobs: planning and filing a seller's monthly summary (CEB701) on the gateway queue.

Job id ``summary-<summary id>`` (one filing per summary; a retry after a gateway error
files the same plan). The periodic ``queue-summaries`` task queues again every summary left
``queued`` for SUBMIT_STUCK_SECONDS (the queue was down when it was asked for, or its worker
died), with the reap period in the id.
"""

from __future__ import annotations

from ..models import SummaryFiling
from ..services import summary_filing
from .gateway import BACKOFF, quietly, requeue_waiting, slot
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
    ids = requeue_waiting(SummaryFiling)
    for filing_id in ids:
        enqueue_summary(filing_id, suffix=f"-reap-{slot(60)}", quiet=True)
    return {"summaries": len(ids)}
