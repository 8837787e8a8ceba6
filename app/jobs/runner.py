"""RQ workers that run each job inside the app's context, and the worker health check.

``silkpost worker`` and ``python -m worker`` both end here: the app is built once and
every job runs in an app context with a fresh database session.
"""

from __future__ import annotations

import logging

from flask import Flask
from rq import SimpleWorker, Worker

from ..extensions import db
from .queues import queues

log = logging.getLogger(__name__)


class AppContextMixin:
    """Runs each job inside the Flask app's context, with a fresh DB connection pool."""

    app: Flask

    def perform_job(self, job, queue, execution):  # type: ignore[override]
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)  # type: ignore[misc]
            finally:
                db.session.remove()


class AppWorker(AppContextMixin, Worker):
    """Forks a work horse per job; the horse must not reuse the parent's DB sockets."""

    def __init__(self, *args, app: Flask, **kwargs):
        self.app = app
        super().__init__(*args, **kwargs)

    def main_work_horse(self, job, queue):
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
    with app.app_context():
        connection = queues.connection
        qs = queues.all()
    cls = AppSimpleWorker if simple else AppWorker
    return cls(qs, connection=connection, app=app)


def run(app: Flask, burst: bool = False, with_scheduler: bool = True) -> bool:
    """Work the queues in forking mode until stopped (or, with ``burst``, until empty)."""
    worker = make_worker(app)
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
