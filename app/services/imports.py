"""Import batches: accept an order file, then turn it into orders chunk by chunk.

The upload is stored and checked (format, header: a bounded read) synchronously; a worker
process streams the rows from the file and validates them. Each chunk of orders is written
in its own transaction together with the batch counters, so progress is visible and a
re-run resumes after the last committed chunk instead of counting anything twice.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from flask import current_app

from ..errors import NotFound, PayloadTooLarge, ValidationFailed
from ..extensions import db
from ..models import ImportBatch, ImportRowError, Seller, User
from ..models.base import new_id, utcnow
from . import audit, import_validation, order_files, quoting
from .orders import store_orders

log = logging.getLogger(__name__)

# A chunk holds IMPORT_CHUNK_ORDERS orders, or fewer once it has this many rows: what is in
# flight (read, being validated, being stored) stays small whatever the orders' sizes.
CHUNK_ROWS = 2500

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
    except order_files.FileTooLarge as exc:
        path.unlink(missing_ok=True)
        raise PayloadTooLarge(f"The file is refused ({exc.limit}).", {"file": [str(exc)]}) from exc
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
        source, index = _scan(batch)
    except (order_files.FileFormatError, OSError) as exc:
        return _refuse(batch, exc)
    with source:
        _start(batch, index.total, index.loose)
        size = max(1, int(current_app.config["IMPORT_CHUNK_ORDERS"]))
        groups = order_files.iter_groups(source, index)
        chunks = order_files.chunked(groups, size, CHUNK_ROWS)
        _store_chunks(batch, chunks, index.chunk_estimate(size, CHUNK_ROWS), progress)
    batch.message = None
    batch.status = "done"
    batch.finished_at = utcnow()
    db.session.commit()
    if progress:
        progress(batch)
    return batch


def _scan(batch: ImportBatch) -> tuple[order_files.OrderFile, order_files.FileIndex]:
    """The open file and its index (the first pass reads it all: format errors show here)."""
    source = order_files.OrderFile(Path(batch.stored_path), batch.file_format)
    try:
        return source, order_files.scan(source)
    except BaseException:
        source.close()
        raise


def _refuse(batch: ImportBatch, exc: Exception) -> ImportBatch:
    """The file cannot be imported: the batch fails, saying why, and a file that can never
    be read is removed."""
    batch.status, batch.message, batch.finished_at = "failed", str(exc), utcnow()
    db.session.commit()
    if isinstance(exc, order_files.FileFormatError):
        Path(batch.stored_path).unlink(missing_ok=True)
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


def _validated(chunks: Iterable[list[order_files.OrderGroup]], processes: int):
    """The chunks, validated and quoted ahead of the writer (see ``import_validation``)."""
    config = current_app.config
    return import_validation.validated_chunks(
        chunks,
        tuple(config["PHONE_REQUIRED_DESTINATIONS"]),
        processes,
        as_of=utcnow().date(),
        table=quoting.tariff(),
        fx_rates_file=config.get("FX_RATES_FILE"),
        ecb_file=quoting.ecb_file(),
    )


def _store_chunks(
    batch: ImportBatch,
    chunks: Iterator[list[order_files.OrderGroup]],
    count: int,
    progress: Progress | None,
) -> None:
    """Store the chunks not yet committed, one transaction each, with the batch counters.

    Chunks are read from the file as they are needed; helpers validate a few ahead (two
    chunks or fewer to go are validated inline: starting helpers would cost more).
    """
    seller = db.session.get(Seller, batch.seller_id)
    todo = itertools.islice(chunks, batch.next_chunk, None)
    processes = int(current_app.config["IMPORT_PROCESSES"]) if count - batch.next_chunk > 2 else 0
    try:
        for index, checked in enumerate(_validated(todo, processes), batch.next_chunk):
            _store_chunk(batch, seller, checked)
            batch.next_chunk = index + 1
            db.session.commit()
            if progress:
                progress(batch)
            log.info(
                "import chunk batch=%s chunk=%d of about %d rows=%d/%d",
                batch.id,
                index + 1,
                count,
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
