"""Webhook delivery jobs: one job per attempt, on the ``default`` queue.

The job id names the delivery and the attempt number (``webhook-<delivery>-<n>``), so
enqueueing an attempt twice (after a commit, from the sweep) makes one job; a later attempt
is scheduled at its back-off time and moved to the queue by RQ's scheduler, which every
``silkpost worker`` runs. A manual redeliver adds a suffix: it must run now, even while the
same attempt waits for its scheduled time (only one of the two makes it; see
``webhooks.attempt``).
"""

from __future__ import annotations

from datetime import datetime

from rq.job import Job, JobStatus

from ..models.base import utcnow
from ..services import webhooks
from .queues import job, queues

QUEUE = "default"
TIMEOUT = 120
_LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


@job(QUEUE, retries=2, interval=30, timeout=TIMEOUT)
def deliver_webhook(delivery_id: str, number: int) -> dict:
    return webhooks.attempt(delivery_id, number)


def attempt_job_id(delivery_id: str, number: int, suffix: str = "") -> str:
    return f"webhook-{delivery_id}-{number}" + (f"-{suffix}" if suffix else "")


def enqueue_attempt(delivery_id: str, at: datetime | None, number: int, suffix: str = "") -> Job:
    """Attempt ``number`` of a delivery: now, or at ``at`` (idempotent per job id)."""
    job_id = attempt_job_id(delivery_id, number, suffix)
    if at is None or at <= utcnow():
        return deliver_webhook.delay(delivery_id, number, job_id=job_id)
    try:
        existing = Job.fetch(job_id, connection=queues.connection)
    except Exception:  # noqa: BLE001 - no such job (or unreadable): schedule it
        existing = None
    if existing is not None and existing.get_status(refresh=True) in _LIVE:
        return existing
    return queues.get(QUEUE).enqueue_at(
        at,
        deliver_webhook,
        delivery_id,
        number,
        job_id=job_id,
        job_timeout=TIMEOUT,
        result_ttl=86400,
        failure_ttl=7 * 86400,
    )
