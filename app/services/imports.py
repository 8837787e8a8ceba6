"""Import batches: accept an order file, then turn it into orders chunk by chunk.

The upload is stored and checked (format, header) synchronously; a worker process reads
and validates the rows. Each chunk of orders is written in its own transaction together
with the batch counters, so progress is visible and a re-run resumes after the last
committed chunk instead of counting anything twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from ..errors import NotFound, PayloadTooLarge, ValidationFailed
from ..extensions import db
from ..models import ImportBatch, ImportRowError, Seller, User
from ..models.base import new_id, utcnow
from . import audit, import_validation, order_files, quoting
from .orders import store_orders

log = logging.getLogger(__name__)

Progress = Callable[[ImportBatch], None]


def upload_dir() -> Path:
    path = Path(current_app.config["SILKPOST_DATA_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_batch(seller: Seller, filename: str, data: bytes, actor: User | None) -> ImportBatch:
    """Store an uploaded file as a new batch (status ``queued``); the caller enqueues it."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise PayloadTooLarge(f"The file is larger than the {limit} byte limit.")
    try:
        file_format = order_files.detect_format(filename)
    except order_files.FileFormatError as exc:
        raise ValidationFailed("The file cannot be imported.", {"file": [str(exc)]}) from exc
    batch_id = new_id()
    path = upload_dir() / f"{batch_id}.{file_format}"
    path.write_bytes(data)
    try:
        order_files.read_header(path, file_format)
    except order_files.FileFormatError as exc:
        path.unlink(missing_ok=True)
        raise ValidationFailed("The file cannot be imported.", {"file": [str(exc)]}) from exc
    batch = ImportBatch(
        id=batch_id,
        seller_id=seller.id,
        filename=Path(filename).name[:255],
        file_format=file_format,
        stored_path=str(path),
        status="queued",
    )
    db.session.add(batch)
    audit.record(
        actor.id if actor else None,
        "import.created",
        "import_batch",
        batch_id,
        after={"filename": batch.filename, "seller_id": seller.id},
    )
    db.session.commit()
    return batch


def get_batch(user: User, batch_id: str) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if (
        batch is None
        or (user.role == "seller" and (user.seller is None or batch.seller_id != user.seller.id))
        or user.role == "carrier"
    ):
        raise NotFound("No such import.")
    return batch


def batch_view(batch: ImportBatch, error_limit: int = 1000) -> dict:
    errors = db.session.execute(
        db.select(ImportRowError)
        .where(ImportRowError.batch_id == batch.id)
        .order_by(ImportRowError.id)
        .limit(error_limit)
    ).scalars()
    return {
        "id": batch.id,
        "status": batch.status,
        "filename": batch.filename,
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "created": batch.created,
        "duplicates": batch.duplicates,
        "failed": batch.failed,
        "message": batch.message,
        "errors": [
            {"row": e.row, "order_no": e.order_no, "field": e.field, "message": e.message}
            for e in errors
        ],
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }


def process_batch(batch_id: str, progress: Progress | None = None) -> ImportBatch:
    """Read, validate and store a batch's orders; safe to call again after a crash."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"No import batch {batch_id}.")
    if batch.status in ("done", "failed"):
        return batch
    try:
        groups, total_rows, loose = order_files.read_groups(
            Path(batch.stored_path), batch.file_format
        )
    except (order_files.FileFormatError, OSError) as exc:
        batch.status, batch.message, batch.finished_at = "failed", str(exc), utcnow()
        db.session.commit()
        return batch
    _start(batch, total_rows, loose)
    size = max(1, int(current_app.config["IMPORT_CHUNK_ORDERS"]))
    chunks = [groups[i : i + size] for i in range(0, len(groups), size)]
    _store_chunks(batch, chunks, progress)
    batch.message = None
    batch.status = "done"
    batch.finished_at = utcnow()
    db.session.commit()
    if progress:
        progress(batch)
    return batch


def _start(batch: ImportBatch, total_rows: int, loose: list) -> None:
    """Mark the batch running; on the first run, count the rows no order can own."""
    batch.status = "running"
    batch.total_rows = total_rows
    if batch.next_chunk == 0 and loose:
        db.session.add_all(
            ImportRowError(batch_id=batch.id, row=r, order_no=o, field=f, message=m)
            for r, o, f, m in loose
        )
        batch.failed += len(loose)
        batch.processed_rows += len(loose)
    db.session.commit()


def _validated(chunks: list[list[order_files.OrderGroup]]):
    """The chunks, validated and quoted ahead of the writer (see ``import_validation``)."""
    config = current_app.config
    return import_validation.validated_chunks(
        chunks,
        tuple(config["PHONE_REQUIRED_DESTINATIONS"]),
        int(config["IMPORT_PROCESSES"]),
        as_of=utcnow().date(),
        table=quoting.tariff(),
        fx_rates_file=config.get("FX_RATES_FILE"),
        ecb_file=quoting.ecb_file(),
    )


def _store_chunks(
    batch: ImportBatch, chunks: list[list[order_files.OrderGroup]], progress: Progress | None
) -> None:
    """Store the chunks not yet committed, one transaction each, with the batch counters."""
    seller = db.session.get(Seller, batch.seller_id)
    try:
        for index, checked in enumerate(_validated(chunks[batch.next_chunk :]), batch.next_chunk):
            _store_chunk(batch, seller, checked)
            batch.next_chunk = index + 1
            db.session.commit()
            if progress:
                progress(batch)
            log.info(
                "import chunk batch=%s chunk=%d/%d rows=%d/%d",
                batch.id,
                index + 1,
                len(chunks),
                batch.processed_rows,
                batch.total_rows,
            )
    except Exception as exc:
        # Record why the run stopped where a client polling the batch can see it; the job is
        # retried and resumes after the last committed chunk.
        db.session.rollback()
        batch.message = f"interrupted after {batch.processed_rows} rows: {exc}; will retry"
        db.session.commit()
        raise


def _store_chunk(batch: ImportBatch, seller: Seller, checked: list) -> None:
    """Write a validated chunk's orders, errors and counters (the caller commits)."""
    errors: list[ImportRowError] = []
    failed_orders = 0

    def add_errors(group, items) -> None:
        nonlocal failed_orders
        failed_orders += 1
        errors.extend(
            ImportRowError(
                batch_id=batch.id, row=row, order_no=group.order_no, field=column, message=message
            )
            for row, column, message in items
        )

    valid = [c for c in checked if c.data is not None]
    for c in checked:
        if c.data is None:
            add_errors(c.group, c.problems)
    result = store_orders(
        seller.id,
        [c.data for c in valid],
        actor_id=seller.user_id,
        import_batch_id=batch.id,
        precomputed=[c.precomputed for c in valid],
    )
    for c in valid:
        if c.group.order_no in result.conflicts:
            add_errors(c.group, [(c.group.rows[0], "order_no", result.conflicts[c.group.order_no])])
    db.session.add_all(errors)
    batch.created += len(result.created)
    batch.duplicates += len(result.duplicates)
    batch.failed += failed_orders
    batch.processed_rows += sum(len(c.group.rows) for c in checked)
