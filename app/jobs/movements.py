"""Movement jobs: filing an export return, a return tally, an arrival or a departure
(CEB213/215/507/509) on the gateway queue.

Job id ``movement-<movement id>``; the periodic ``queue-movements`` task queues again every
movement left ``queued`` (see :mod:`app.jobs.filings`).
"""

from __future__ import annotations

from ..models import MovementFiling
from ..services import movement_filing
from .filings import REAP_EVERY, RowFiling, gateway_filing_job
from .periodic import periodic


@gateway_filing_job
def file_movement(movement_id: str) -> str:
    return movement_filing.file(movement_id)


MOVEMENTS = RowFiling("movement", file_movement, MovementFiling)
enqueue_movement = MOVEMENTS.enqueue


@periodic("queue-movements", every=REAP_EVERY)
def requeue_movements() -> dict:
    """Queue again the movements no job has taken."""
    return {"movements": MOVEMENTS.requeue()}
