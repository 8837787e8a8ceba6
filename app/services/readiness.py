"""Readiness: can this deployment take work now? The database, Redis, the workers, the queues.

``/healthz`` only says the web process answers (liveness); ``/readyz`` asks each dependency
and names every one that is down. A worker counts as alive while its last heartbeat is
younger than its TTL (:data:`app.jobs.runner.WORKER_TTL`): a killed worker stays in RQ's
registry until its key expires, but stops counting at once its heartbeat lapses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from rq import Worker
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..jobs.queues import queues
from ..jobs.runner import WORKER_TTL


def check() -> tuple[dict, dict[str, list[str]]]:
    """The report of every dependency, and the problems by dependency (empty when ready)."""
    report: dict = {"database": "ok", "redis": "ok", "workers": [], "queues": {}}
    problems: dict[str, list[str]] = {}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        report["database"] = problems.setdefault("database", [])
        problems["database"].append(f"unreachable ({exc.__class__.__name__})")
    finally:
        db.session.rollback()
    try:
        report["workers"] = live_workers()
        report["queues"] = {q.name: q.count for q in queues.all()}
    except (redis.RedisError, OSError) as exc:
        problems["redis"] = [f"unreachable ({exc.__class__.__name__})"]
        report["redis"] = problems["redis"]
        return report, problems
    if not report["workers"]:
        problems["workers"] = [f"no worker has sent a heartbeat in the last {WORKER_TTL} s"]
    return report, problems


def live_workers(now: datetime | None = None) -> list[dict]:
    """Registered workers whose heartbeat is recent: name, state, queues, last heartbeat."""
    now = now or datetime.now(UTC)
    alive = []
    for worker in Worker.all(connection=queues.connection):
        beat = worker.last_heartbeat
        if beat is None:
            continue
        beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
        if now - beat > timedelta(seconds=WORKER_TTL):
            continue
        alive.append(
            {
                "name": worker.name,
                "state": worker.get_state(),
                "queues": worker.queue_names(),
                "last_heartbeat": beat,
            }
        )
    return alive
