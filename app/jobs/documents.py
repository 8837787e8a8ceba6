"""Document jobs: label batches."""

from __future__ import annotations

from ..models import LabelBatch
from ..services import labels
from .queues import job
from .reconcile import batch_kind


@job("documents", retries=2, interval=10, timeout=3 * 3600)
def render_label_batch(batch_id: str) -> dict:
    batch = labels.process_batch(batch_id)
    return {"batch": batch.id, "status": batch.status, "pages": batch.pages}


def label_job_id(batch_id: str) -> str:
    return f"labels-{batch_id}"


def enqueue_label_batch(batch_id: str):
    return render_label_batch.delay(batch_id, job_id=label_job_id(batch_id))


batch_kind("label-batches", LabelBatch, label_job_id, enqueue_label_batch)
