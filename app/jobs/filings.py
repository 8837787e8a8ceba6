"""Gateway filings that one database row stands behind (a monthly summary, a movement).

Each kind names its job by the row (``<prefix>-<row id>``: one filing per row; a retry after
a gateway error builds and writes the same message under the same name). Its periodic task
queues again every row left ``queued`` for SUBMIT_STUCK_SECONDS (the queue was down when it
was asked for, or its worker died), with the reap period in the id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .gateway import BACKOFF, quietly, requeue_waiting, slot
from .queues import job

REAP_EVERY = 60  # seconds between reaps of the rows no job has taken

gateway_filing_job = job("gateway", retries=len(BACKOFF), interval=BACKOFF)


@dataclass(frozen=True)
class RowFiling:
    """The job that files one kind of row, and how it is queued and queued again."""

    prefix: str  # the job id's first word and the row's name in a log line
    job: Callable
    model: type

    def enqueue(self, row_id: str, *, suffix: str = "", quiet: bool = False) -> list:
        """Queue the row's filing; with ``quiet`` a queue outage is logged, not raised."""
        return quietly(
            f"the {self.prefix} {row_id}",
            quiet,
            lambda: [self.job.delay(row_id, job_id=f"{self.prefix}-{row_id}{suffix}")],
        )

    def requeue(self) -> int:
        """Queue again the rows no job has taken; how many."""
        ids = requeue_waiting(self.model)
        for row_id in ids:
            self.enqueue(row_id, suffix=f"-reap-{slot(REAP_EVERY)}", quiet=True)
        return len(ids)
