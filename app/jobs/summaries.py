"""Summary jobs: planning and filing a seller's monthly summary (CEB701) on the gateway queue.

Job id ``summary-<summary id>`` (a retry after a gateway error files the same plan); the
periodic ``queue-summaries`` task queues again every summary left ``queued`` (see
:mod:`app.jobs.filings`).
"""

from __future__ import annotations

from ..models import SummaryFiling
from ..services import summary_filing
from .filings import REAP_EVERY, RowFiling, gateway_filing_job
from .periodic import periodic


@gateway_filing_job
def file_summary(filing_id: str) -> str:
    return summary_filing.file(filing_id)


SUMMARIES = RowFiling("summary", file_summary, SummaryFiling)
enqueue_summary = SUMMARIES.enqueue


@periodic("queue-summaries", every=REAP_EVERY)
def requeue_summaries() -> dict:
    """Queue again the summaries no job has taken."""
    return {"summaries": SUMMARIES.requeue()}


@periodic("monthly-summaries", every=3600)
def monthly_summaries() -> dict:
    """From ``SUMMARY_AUTO_DAY`` of a month, ask for the previous month's summaries of every
    seller with released exports not yet summarised (hourly; safe to repeat)."""
    from ..services import summary_schedule

    return summary_schedule.run()
