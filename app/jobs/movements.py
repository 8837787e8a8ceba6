"""Movement jobs: filing an export return, a return tally, an arrival or a departure
(CEB213/215/507/509) on the gateway queue.

Job id ``movement-<movement id>`` (one filing per movement; a retry after a gateway error
builds and writes the same message under the same name). The periodic ``queue-movements``
task queues again every movement left ``queued`` for SUBMIT_STUCK_SECONDS.
"""

from __future__ import annotations

from ..models import MovementFiling
from ..services import movement_filing
from .gateway import BACKOFF, quietly, requeue_waiting, slot
from .periodic import periodic
from .queues import job


@job("gateway", retries=len(BACKOFF), interval=BACKOFF)
def file_movement(movement_id: str) -> str:
    return movement_filing.file(movement_id)


def enqueue_movement(movement_id: str, *, suffix: str = "", quiet: bool = False) -> list:
    return quietly(
        f"the movement {movement_id}",
        quiet,
        lambda: [file_movement.delay(movement_id, job_id=f"movement-{movement_id}{suffix}")],
    )


@periodic("queue-movements", every=60)
def requeue_movements() -> dict:
    """Queue again the movements no job has taken."""
    ids = requeue_waiting(MovementFiling)
    for movement_id in ids:
        enqueue_movement(movement_id, suffix=f"-reap-{slot(60)}", quiet=True)
    return {"movements": len(ids)}
