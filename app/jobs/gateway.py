"""Gateway jobs: filing cases, filing cancels, reading the inbox, and the reaper.

Job ids: ``submit-<case>-v<version>`` (one case) or ``submit-<digest>`` (a batch),
``cancel-<case>-v<n>`` (the n-th cancel request), ``poll-inbox-<second>`` and
``poll-inbox-woken``. A gateway that cannot take a file (an ``OSError``) is retried with
back-off; what can never be filed stays on the case as its error. Two periodic tasks (see
:mod:`app.jobs.periodic`) keep it moving: ``gateway-inbox`` queues an inbox poll every
second (and at once, between the seconds, when the ticker sees receipts waiting),
``reap-cases`` reaps every minute and once when the ticker starts.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select, update

from ..extensions import db
from ..gateway import gateway_for
from ..models import ClearanceCase
from ..models.base import utcnow
from ..services import filing, inbox, review
from .clearance import chunks, digest, enqueue_prepare
from .periodic import periodic
from .queues import job, queues

log = logging.getLogger(__name__)

BACKOFF = [2, 10, 30, 120, 600]


@job("gateway", retries=len(BACKOFF), interval=BACKOFF)
def submit_cases(case_ids: list[str]) -> dict:
    return filing.submit_cases(case_ids)


@job("gateway", retries=len(BACKOFF), interval=BACKOFF)
def file_cancel(case_id: str, n: int) -> str:
    return filing.file_cancel(case_id, n)


POLL_LOCK = "silkpost:poll-inbox"
POLL_EVERY = 1  # seconds between inbox polls
POLL_FOLLOW_SECONDS = 20  # how long one poll goes on reading while receipts keep coming


@job("gateway", retries=0, timeout=600)
def poll_inbox() -> dict:
    """Read the inbox, unless another worker is reading it now (one poller at a time: two
    would read the same files and one would only find them taken); read it again at once
    while the last reading found files (receipts arriving in a stream are not left for the
    next tick), for up to POLL_FOLLOW_SECONDS."""
    lock = queues.connection.lock(POLL_LOCK, timeout=600, blocking=False)
    if not lock.acquire():
        return {"skipped": "another poll is running"}
    try:
        total = inbox.poll()
        found = sum(total[k] for k in ("done", "repeated", "quarantined"))
        until = time.monotonic() + POLL_FOLLOW_SECONDS
        while found and time.monotonic() < until:
            counts = inbox.poll()
            found = sum(counts[k] for k in ("done", "repeated", "quarantined"))
            total = {k: total[k] + counts[k] for k in total}
        return total
    finally:
        lock.release()


def slot(seconds: float, now: float | None = None) -> int:
    """The number of the period of ``seconds`` that ``now`` falls in."""
    return int((now if now is not None else time.time()) // max(seconds, 0.001))


def quietly(what: str, quiet: bool, enqueue) -> list:
    try:
        return enqueue()
    except (RedisError, OSError) as exc:
        if not quiet:
            raise
        log.warning("%s not queued (%s); the reaper will", what, exc)
        return []


def requeue_waiting(model) -> list[str]:
    """The ids of the ``model`` rows (summaries, movements) left ``queued`` for
    SUBMIT_STUCK_SECONDS, their clock restarted so the next reap leaves them to the queue a
    while (committed)."""
    old = utcnow() - timedelta(seconds=current_app.config["SUBMIT_STUCK_SECONDS"])
    waiting = select(model.id).where(model.status == "queued", model.updated_at < old)
    ids = list(db.session.execute(waiting).scalars())
    if ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return ids


def enqueue_submit(cases: list[ClearanceCase], *, suffix: str = "", quiet: bool = False):
    def enqueue():
        if len(cases) == 1:
            c = cases[0]
            return [submit_cases.delay([c.id], job_id=f"submit-{c.id}-v{c.version}{suffix}")]
        size = current_app.config["CLEARANCE_BATCH"]
        return [
            submit_cases.delay(
                [c.id for c in batch],
                job_id=f"submit-{digest(f'{c.id}:{c.version}' for c in batch)}{suffix}",
            )
            for batch in chunks(cases, size)
        ]

    return quietly(f"submitting {len(cases)} cases", quiet, enqueue) if cases else []


def enqueue_cancel(case: ClearanceCase, n: int, *, suffix: str = "", quiet: bool = False):
    return quietly(
        f"the cancel of case {case.id}",
        quiet,
        lambda: [file_cancel.delay(case.id, n, job_id=f"cancel-{case.id}-v{n}{suffix}")],
    )


def wake_inbox_poll() -> str | None:
    """The ticker's look between the seconds: receipts waiting in the inbox, and no poll
    reading it (the one reading follows them), queue a poll at once (one such poll waiting
    or running at a time: its id is fixed)."""
    if queues.connection.exists(POLL_LOCK):
        return None
    if not gateway_for(current_app.config).waiting():
        return None
    return poll_inbox.delay(job_id="poll-inbox-woken").id


@periodic("gateway-inbox", every=POLL_EVERY, wake=wake_inbox_poll)
def queue_inbox_poll() -> str:
    """Queue this second's inbox poll on the gateway queue (its own timeout and lock)."""
    return poll_inbox.delay(job_id=f"poll-inbox-{slot(POLL_EVERY)}").id


@periodic("reap-cases", every=60, at_start=True)
def reap_now() -> dict:
    """Release expired claims and queue again every case no job is working on (their job
    ids carry the reap period, so a job stuck in a dead worker does not hide them)."""
    expired = review.expire_claims()
    waiting = filing.stuck()
    filing.requeued([c for found in waiting.values() for c in found])
    suffix = f"-reap-{slot(60)}"
    enqueue_prepare([c.id for c in waiting["prepare"]], suffix=suffix, quiet=True)
    enqueue_submit(waiting["submit"], suffix=suffix, quiet=True)
    for case in waiting["cancel"]:
        enqueue_cancel(case, filing.cancel_number(case), suffix=suffix, quiet=True)
    return {"claims_expired": expired, **{k: len(v) for k, v in waiting.items()}}


def run_once() -> dict:
    """One inbox poll and one reap, here and now (``silkpost clearance tick``)."""
    return {"inbox": inbox.poll(), "reaper": reap_now()}
