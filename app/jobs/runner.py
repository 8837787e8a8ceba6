"""RQ workers that run each job inside the app's context, and the worker health check.

``silkpost worker`` and ``python -m worker`` both end here: the app is built once and
every job runs in an app context with a fresh database session.

Where a job runs: jobs of ``WORKER_INLINE_QUEUES`` (by default the short database batches:
``periodic``, ``clearance``, ``gateway``) run in the worker's own process, as RQ's
SimpleWorker runs them — a forked horse costs tens of milliseconds and starts with cold
caches (compiled SQL, look-ups), which made a small batch cost as much as its work. Jobs of
the other queues (uploads, PDF batches) still get a horse each, so a hostile file or a
large batch cannot grow or crash the worker itself.

Liveness: while a horse runs a job, the worker renews the job's execution (for an inline job
a thread of the worker does) every ``HEARTBEAT_INTERVAL`` seconds for ``HEARTBEAT_TTL``
seconds (RQ's default is 90 s, looked at every 10 minutes). A killed worker's job is thus
taken for abandoned within ``HEARTBEAT_TTL`` by the reconciler (:mod:`app.jobs.reconcile`),
and retried from where it stopped. The horse dies with its worker, so no job outlives the
heartbeat that vouches for it; so does the worker's scheduler process.

The worker itself renews its registration at least every ``WORKER_TTL - 15`` seconds
(RQ's idle wait), so a registered worker whose last heartbeat is older than
``WORKER_TTL`` is gone (``/readyz`` counts only the others). A worker whose Redis came
back without its registration (a restarted server that lost its data) registers again at
its next heartbeat.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import redis
from flask import Flask
from rq import SimpleWorker, Worker
from rq.scheduler import RQScheduler
from rq.worker import WorkerStatus

from ..extensions import db
from ..services import preload
from ..services.process_lifetime import die_with_parent
from .queues import queues

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 10
HEARTBEAT_TTL = 30
# RQ's maintenance (registry cleaning, taking over the scheduler of a dead worker, whose
# lock expires a minute after it died) runs every 10 minutes by default.
MAINTENANCE_INTERVAL = 60
# RQ's default (420 s) waits up to 405 s between the heartbeats of an idle worker.
WORKER_TTL = 35


class AppContextMixin:
    """Runs each job inside the Flask app's context, with a fresh DB connection pool."""

    app: Flask

    def perform_job(self, job, queue, execution):  # type: ignore[override]
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)  # type: ignore[misc]
            finally:
                db.session.remove()


class AppScheduler(RQScheduler):
    """RQ's scheduler process, which ends with the worker that started it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._worker_pid = os.getpid()

    def work(self):
        die_with_parent(self._worker_pid)
        return super().work()


class AppWorker(AppContextMixin, Worker):
    """Forks a work horse per job; the horse must not reuse the parent's DB sockets.

    The horse and the scheduler process die with the worker (see the module docstring).
    """

    def __init__(self, *args, app: Flask, **kwargs):
        self.app = app
        self._frozen_tariff = None
        self._inline_job: str | None = None
        self.inline_queues = frozenset(app.config.get("WORKER_INLINE_QUEUES", ()))
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT_INTERVAL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        super().__init__(*args, **kwargs)

    def heartbeat(self, timeout=None, pipeline=None):  # type: ignore[override]
        """RQ's heartbeat; first registers again if Redis no longer knows this worker."""
        if pipeline is None and not self.is_horse and not self.connection.exists(self.key):
            self.log.warning("Worker %s: unknown to Redis (restarted?); registering", self.name)
            self.register_birth()
        return super().heartbeat(timeout, pipeline)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        """How long a job's execution stays vouched for without a new heartbeat."""
        remaining = job.timeout - working_time if job.timeout and job.timeout > 0 else None
        interval = self.job_monitoring_interval
        beat = min(remaining, interval) if remaining is not None else interval
        return int(beat) + HEARTBEAT_TTL - HEARTBEAT_INTERVAL

    def _start_scheduler(self, burst=False, logging_level="INFO", *args, **kwargs):
        """RQ's own start-up of the scheduler process, with :class:`AppScheduler`."""
        if burst:  # no process: the scheduled jobs are enqueued once, here
            return super()._start_scheduler(burst, logging_level, *args, **kwargs)
        formats = dict(zip(("date_format", "log_format"), args, strict=False), **kwargs)
        self.scheduler = AppScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            serializer=self.serializer,
            **formats,
        )
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.start()

    def bootstrap(self, *args, **kwargs):  # type: ignore[override]
        """Load what jobs look up before registering, so the first job does not wait for
        it (and a worker counted as ready is ready)."""
        self.load_before_fork()
        return super().bootstrap(*args, **kwargs)

    def execute_job(self, job, queue):  # type: ignore[override]
        self.load_before_fork()
        if job.origin in self.inline_queues:
            return self._execute_inline(job, queue)
        return super().execute_job(job, queue)

    def _execute_inline(self, job, queue) -> None:
        """Run the job in this process (as RQ's SimpleWorker does), its execution renewed
        every HEARTBEAT_INTERVAL by a thread, as a horse's is by its worker."""
        execution = self.prepare_execution(job)
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.job_monitoring_interval):
                try:
                    self.maintain_heartbeats(job, execution)
                except redis.RedisError as exc:  # the next beat tries again
                    self.log.warning("heartbeat of job %s failed: %s", job.id, exc)

        beating = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
        self._inline_job = job.id
        beating.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            done.set()
            beating.join()
            self._inline_job = None
        self.set_state(WorkerStatus.IDLE)

    def kill_horse(self, sig=None):  # type: ignore[override]
        """No horse while a job runs inline: a cold shutdown stops it by the SystemExit
        RQ raises next (its transaction rolls back), never by signalling this process
        group."""
        if self._inline_job is None and self.horse_pid:
            return super().kill_horse(*([sig] if sig else []))
        return None

    def wait_for_horse(self):  # type: ignore[override]
        if self._inline_job is None and self.horse_pid:
            return super().wait_for_horse()
        return None, None, None

    def load_before_fork(self) -> None:
        """What jobs look up, loaded in the worker so that every horse inherits it instead
        of loading its own (:mod:`app.services.preload`): fonts and tariff, frozen again
        whenever the tariff was built anew (a rate file changed)."""
        with self.app.app_context():
            table = preload.load()
        if table is not self._frozen_tariff:
            preload.freeze()
            self._frozen_tariff = table

    def main_work_horse(self, job, queue):
        die_with_parent(self.pid)
        with self.app.app_context():
            db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


class AppSimpleWorker(AppContextMixin, SimpleWorker):
    """Runs jobs in the calling process (tests and benches: no fork, same database)."""

    def __init__(self, *args, app: Flask, **kwargs):
        self.app = app
        super().__init__(*args, **kwargs)


def make_worker(app: Flask, simple: bool = False) -> AppWorker | AppSimpleWorker:
    """A worker on every named queue of the app's Redis."""
    from . import load

    load()
    with app.app_context():
        connection = queues.connection
        qs = queues.all()
    cls = AppSimpleWorker if simple else AppWorker
    return cls(qs, connection=connection, app=app)


REDIS_WAIT = 60  # seconds a starting worker waits for Redis before giving up


def wait_for_redis(connection, seconds: float = REDIS_WAIT, pause: float = 0.5) -> None:
    """Return once Redis answers, waiting up to ``seconds``: a worker restarted while its
    Redis is itself restarting waits for it instead of exiting at once, which would make
    the supervisor back off longer and longer (the last error is raised after the wait)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.ping()
            return
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            if time.monotonic() >= deadline:
                raise
            log.warning("worker waiting for Redis (%s)", exc)
            time.sleep(pause)


def run(app: Flask, burst: bool = False, with_scheduler: bool = True) -> bool:
    """Work the queues in forking mode until stopped (or, with ``burst``, until empty)."""
    worker = make_worker(app)
    wait_for_redis(worker.connection)
    log.info("worker starting queues=%s burst=%s", [q.name for q in worker.queues], burst)
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")


def health(app: Flask) -> dict:
    """The worker health check: registered workers with their heartbeats, queue sizes,
    each queue's registries and its latest failed jobs with their errors."""
    from . import monitor

    with app.app_context():
        report = monitor.report()
        return {
            "workers": report["workers"],
            "queues": {q["name"]: q["queued"] for q in report["queues"]},
            "registries": report["queues"],
            "failed_jobs": report["failed_jobs"],
        }
