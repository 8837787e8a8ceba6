"""Every row that waits for a job has a live job: the reconciler of the job outbox.

The database row (an import batch, a label batch …) is the durable record that work was
accepted; the RQ job is only its delivery, and may be lost: Redis was down when the row was
committed, Redis lost its data, or the worker running the job died. The reconciler closes
each gap, idempotently (job ids are deterministic, see :meth:`Queues.enqueue_once`):

1. Executions whose heartbeat lapsed (their worker was killed) are handed to RQ's own
   abandoned-job handling at once, instead of at its next maintenance round: the job is
   retried at once (it resumes where it stopped) or, out of retries, failed.
2. For each registered kind, every row that should have a live job and has none gets one;
   a row whose job failed for good is given up (marked failed, saying why).

It runs at start-up and every few seconds as a periodic task (:mod:`app.jobs.periodic`).

A kind registers the query, the job id and the enqueue function::

    reconcilable("imports", pending=..., job_id=import_job_id, enqueue=enqueue_import,
                 give_up=...)

or, for a model with the ``BatchProgress`` columns, ``batch_kind("imports", ImportBatch,
import_job_id, enqueue_import)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from ..extensions import db
from ..models.base import utcnow
from .periodic import periodic
from .queues import LIVE_STATES, queues

log = logging.getLogger(__name__)

RECONCILE_EVERY = 15  # seconds; with the 30 s heartbeat TTL a dead job is seen within 45 s
UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class Reconcilable:
    """Rows of one kind that should be backed by a live job."""

    name: str
    pending: Callable[[], Iterable[str]]  # ids of the rows that should have a live job
    job_id: Callable[[str], str]  # the row's deterministic job id
    enqueue: Callable[[str], Job]  # enqueue the row's job (idempotent)
    give_up: Callable[[str, str], None]  # the row's job failed for good: say why


KINDS: dict[str, Reconcilable] = {}


def reconcilable(
    name: str,
    *,
    pending: Callable[[], Iterable[str]],
    job_id: Callable[[str], str],
    enqueue: Callable[[str], Job],
    give_up: Callable[[str, str], None],
) -> Reconcilable:
    """Register a kind of row for the reconciler."""
    kind = KINDS[name] = Reconcilable(name, pending, job_id, enqueue, give_up)
    return kind


def batch_kind(
    name: str, model: type, job_id: Callable[[str], str], enqueue: Callable[[str], Job]
) -> Reconcilable:
    """A kind for a model with the ``BatchProgress`` columns: rows queued or running need
    a job; a batch whose job failed for good is marked failed with the reason."""

    def pending() -> list[str]:
        query = db.select(model.id).where(model.status.in_(UNFINISHED))
        return list(db.session.execute(query).scalars())

    def give_up(row_id: str, reason: str) -> None:
        row = db.session.get(model, row_id)
        if row is not None and row.status in UNFINISHED:
            row.status, row.message, row.finished_at = "failed", reason, utcnow()
            db.session.commit()

    return reconcilable(name, pending=pending, job_id=job_id, enqueue=enqueue, give_up=give_up)


def submit(enqueue: Callable[[str], Job], row_id: str) -> Job | None:
    """Enqueue the job of a row just committed. If Redis fails now, the row stays queued
    and the reconciler enqueues it: the work is accepted either way (the client's 202
    stands, and a retry by the client would only make a second row)."""
    try:
        return enqueue(row_id)
    except redis.RedisError as exc:
        log.warning("enqueue of %s failed (%s); the reconciler will enqueue it", row_id, exc)
        return None


def requeue_abandoned() -> list[str]:
    """Ids of the jobs whose execution heartbeat lapsed, after RQ retried or failed them."""
    found: list[str] = []
    for queue in queues.all():
        registry = StartedJobRegistry(queue=queue)
        expired = registry.get_expired_job_ids()
        if expired:
            log.warning("abandoned jobs on %s: %s", queue.name, ", ".join(expired))
            registry.cleanup()
            _expedite(queue, expired)
            found += expired
    return found


def _expedite(queue, job_ids: list[str]) -> None:
    """Send the retries RQ just scheduled straight to the queue: the scheduler that would
    move them may be the dead worker's, whose lock a new worker waits a minute or more for.
    Taking a job out of the schedule before it is due leaves the scheduler nothing to race."""
    schedule = queue.scheduled_job_registry
    for job_id in job_ids:
        if queue.connection.zrem(schedule.key, job_id):
            queue.enqueue_job(Job.fetch(job_id, connection=queue.connection))


def _job(job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=queues.connection)
    except NoSuchJobError:
        return None


def _failure(job: Job) -> str:
    """Why a job stopped: its status and the last line of its traceback."""
    status = job.get_status(refresh=False)
    result = job.latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result else []
    detail = lines[-1] if lines else "no detail recorded"
    return f"the job stopped for good ({getattr(status, 'value', status)}): {detail}"


def reconcile_kind(kind: Reconcilable) -> dict[str, int]:
    """Enqueue every row of ``kind`` without a live job; give up those whose job failed."""
    counts = {"enqueued": 0, "given_up": 0}
    for row_id in kind.pending():
        job = _job(kind.job_id(row_id))
        status = job.get_status(refresh=False) if job else None
        if status in LIVE_STATES:
            continue
        if job is not None and status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            kind.give_up(row_id, _failure(job))
            counts["given_up"] += 1
        else:
            kind.enqueue(row_id)
            counts["enqueued"] += 1
    return counts


@periodic("reconcile-jobs", every=RECONCILE_EVERY, at_start=True)
def reconcile() -> dict:
    """One reconciling pass over abandoned executions and every registered kind."""
    report: dict = {"abandoned": requeue_abandoned()}
    for name, kind in KINDS.items():
        report[name] = reconcile_kind(kind)
    if any(isinstance(v, dict) and any(v.values()) for v in report.values()):
        log.info("reconciled: %s", report)
    return report
