"""Inbound postal items: reading the ITMATT inbox and presenting the items, periodically.

``itmatt-inbox`` (every :data:`POLL_EVERY` seconds) queues one poll per slot on the gateway
queue (job id ``poll-itmatt-<slot>``): the poll reads each file once and presents each item
once (see :mod:`app.services.inbound`), so a repeated or overlapping run changes nothing.
Customs' answers come back through the gateway inbox poll (:mod:`app.jobs.gateway`).
"""

from __future__ import annotations

from ..services import inbound
from .gateway import slot
from .periodic import periodic
from .queues import job, queues

POLL_EVERY = 10  # seconds
POLL_LOCK = "silkpost:poll-itmatt"


@job("gateway", retries=0, timeout=600)
def poll_itmatt() -> dict:
    """Read the ITMATT inbox and present what is new, one poller at a time."""
    lock = queues.connection.lock(POLL_LOCK, timeout=600, blocking=False)
    if not lock.acquire():
        return {"skipped": "another poll is running"}
    try:
        return inbound.poll()
    finally:
        lock.release()


@periodic("itmatt-inbox", every=POLL_EVERY)
def queue_itmatt_poll() -> str:
    """Queue this slot's ITMATT poll on the gateway queue."""
    return poll_itmatt.delay(job_id=f"poll-itmatt-{slot(POLL_EVERY)}").id
