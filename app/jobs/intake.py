"""Order intake jobs."""

from __future__ import annotations

from ..models import ImportBatch
from ..services import imports
from .queues import job
from .reconcile import batch_kind


@job("intake", retries=3, interval=5)
def process_import(batch_id: str) -> dict:
    batch = imports.process_batch(batch_id)
    return {"batch": batch.id, "status": batch.status, "created": batch.created}


def import_job_id(batch_id: str) -> str:
    return f"import-{batch_id}"


def enqueue_import(batch_id: str):
    return process_import.delay(batch_id, job_id=import_job_id(batch_id))


batch_kind("imports", ImportBatch, import_job_id, enqueue_import)
