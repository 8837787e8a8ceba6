"""What the queues hold and who works them: depths, failed jobs with their errors, workers
with their heartbeats; requeueing or deleting a failed job. Read by ``GET
/api/v1/admin/queues`` and ``silkpost worker --health``."""

from __future__ import annotations

from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job

from ..errors import Conflict, NotFound
from .queues import queues

FAILED_LISTED = 50
ERROR_CHARS = 4000


def _depths(q) -> dict:
    return {
        "name": q.name,
        "queued": q.count,
        "started": q.started_job_registry.count,
        "scheduled": q.scheduled_job_registry.count,
        "deferred": q.deferred_job_registry.count,
        "failed": q.failed_job_registry.count,
        "finished": q.finished_job_registry.count,
    }


def _error(job: Job) -> str | None:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or job.exc_info
    return text[-ERROR_CHARS:] if text else None


def failed_job(job: Job, queue: str) -> dict:
    return {
        "id": job.id,
        "queue": queue,
        "function": job.func_name,
        "args": [a if isinstance(a, str | int) else repr(a)[:500] for a in job.args],
        "enqueued_at": job.enqueued_at,
        "ended_at": job.ended_at,
        "error": _error(job),
    }


def _failed(q, limit: int) -> list[dict]:
    ids = q.failed_job_registry.get_job_ids(0, limit - 1)
    jobs = Job.fetch_many(ids, connection=queues.connection)
    return [failed_job(j, q.name) for j in jobs if j is not None]


def _worker(w: Worker) -> dict:
    return {
        "name": w.name,
        "state": w.get_state(),
        "queues": w.queue_names(),
        "pid": w.pid,
        "birth": w.birth_date,
        "last_heartbeat": w.last_heartbeat,
        "current_job": w.get_current_job_id(),
        "successful_jobs": w.successful_job_count,
        "failed_jobs": w.failed_job_count,
    }


def report(limit: int = FAILED_LISTED) -> dict:
    """Every named queue's depths, its latest failed jobs, and the registered workers."""
    qs = queues.all()
    return {
        "queues": [_depths(q) for q in qs],
        "failed_jobs": [j for q in qs for j in _failed(q, limit)],
        "workers": [_worker(w) for w in Worker.all(connection=queues.connection)],
    }


def _failed_job(job_id: str) -> tuple[Job, object]:
    try:
        job = Job.fetch(job_id, connection=queues.connection)
    except NoSuchJobError:
        raise NotFound(f"No job {job_id!r}.") from None
    try:
        queue = queues.get(job.origin)
    except KeyError:
        queue = None
    if queue is None or job_id not in queue.failed_job_registry:
        raise Conflict(f"Job {job_id!r} has not failed (it is {job.get_status()}).")
    return job, queue


def requeue(job_id: str) -> dict:
    """Put a failed job back on its queue."""
    job, queue = _failed_job(job_id)
    queue.failed_job_registry.requeue(job_id)
    return {"id": job_id, "queue": queue.name, "status": job.get_status(refresh=True).value}


def delete(job_id: str) -> dict:
    """Drop a failed job for good."""
    job, queue = _failed_job(job_id)
    job.delete()
    return {"id": job_id, "queue": queue.name, "status": "deleted"}
