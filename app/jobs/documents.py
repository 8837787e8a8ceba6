"""Document jobs: label batches."""

from __future__ import annotations

from ..services import labels
from .queues import job


@job("documents", retries=2, interval=10, timeout=3 * 3600)
def render_label_batch(batch_id: str) -> dict:
    batch = labels.process_batch(batch_id)
    return {"batch": batch.id, "status": batch.status, "pages": batch.pages}


def enqueue_label_batch(batch_id: str):
    return render_label_batch.delay(batch_id, job_id=f"labels-{batch_id}")
