"""Order intake jobs."""

from __future__ import annotations

from ..services import imports
from .queues import job


@job("intake", retries=3, interval=5)
def process_import(batch_id: str) -> dict:
    batch = imports.process_batch(batch_id)
    return {"batch": batch.id, "status": batch.status, "created": batch.created}


def enqueue_import(batch_id: str):
    return process_import.delay(batch_id, job_id=f"import-{batch_id}")
