"""Clearance jobs: preparing cases, in batches (one job per case would cost a fork each).

Job ids are deterministic: ``prepare-<digest of the sorted case:version pairs>``, so the same
request queued twice runs once, while a case amended meanwhile (a new version) is queued
anew. A job that runs twice anyway changes nothing the second time (compare-and-set).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from flask import current_app
from redis.exceptions import RedisError

from ..extensions import db
from ..models import ClearanceCase
from ..services import preparing
from .queues import job

log = logging.getLogger(__name__)


@job("clearance", retries=3, interval=[5, 30, 120])
def prepare_cases(case_ids: list[str]) -> dict:
    return preparing.prepare_cases(case_ids)


def digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:24]


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def enqueue_prepare(case_ids: list[str], *, suffix: str = "", quiet: bool = False) -> list:
    """Queue the cases for preparing in batches of ``CLEARANCE_BATCH``. ``quiet``: a queue
    that cannot be reached is logged, not raised (the cases wait; the reaper queues them)."""
    versions = dict(
        db.session.execute(
            db.select(ClearanceCase.id, ClearanceCase.version).where(ClearanceCase.id.in_(case_ids))
        ).all()
    )
    jobs = []
    try:
        for batch in chunks(list(case_ids), current_app.config["CLEARANCE_BATCH"]):
            key = digest(f"{c}:{versions.get(c, 0)}" for c in batch)
            jobs.append(prepare_cases.delay(batch, job_id=f"prepare-{key}{suffix}"))
    except (RedisError, OSError) as exc:
        if not quiet:
            raise
        log.warning("preparing %d cases not queued (%s); the reaper will", len(case_ids), exc)
    return jobs
