"""Label batches: many parcels' forms rendered on a worker into one PDF file.

The batch records the parcel ids it covers when it is requested, so a re-run renders the
same parcels; progress is committed as the worker goes so a client can show it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from declarations import pdf
from declarations.errors import DeclarationError
from declarations.kinds import KINDS
from declarations.snapshot import DeclarationSnapshot

from ..errors import DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..models import LabelBatch, Order, Parcel, User
from ..models.base import utcnow
from . import audit, declaring
from .orders import _visible

log = logging.getLogger(__name__)

#: The printed forms a batch can hold (``customs_form`` picks CN22 or CN23 per parcel).
BATCH_KINDS = tuple(name for name, kind in KINDS.items() if kind.batch)
MAX_PARCELS = 5000
PROGRESS_EVERY = 25


def _select_parcels(user: User, parcel_ids: list[str] | None, filters: dict) -> list[str]:
    visible = _visible(user).subquery()
    stmt = select(Parcel.id).join(visible, visible.c.id == Parcel.order_id)
    if parcel_ids is not None:
        stmt = stmt.where(Parcel.id.in_(parcel_ids))
    if filters.get("order_status"):
        stmt = stmt.where(visible.c.status == filters["order_status"])
    if filters.get("flow"):
        stmt = stmt.where(visible.c.flow == filters["flow"])
    if filters.get("created_from"):
        stmt = stmt.where(visible.c.created_at >= filters["created_from"])
    if filters.get("created_to"):
        stmt = stmt.where(visible.c.created_at < _day_after(filters["created_to"]))
    if filters.get("seller_id") and user.role != "seller":
        stmt = stmt.where(visible.c.seller_id == filters["seller_id"])
    found = list(db.session.execute(stmt.order_by(visible.c.created_at, Parcel.id)).scalars())
    if parcel_ids is not None:
        missing = sorted(set(parcel_ids) - set(found))
        if missing:
            raise ValidationFailed(
                "Some parcels do not exist or are not yours.",
                {"parcel_ids": [f"unknown parcel {m}" for m in missing[:20]]},
            )
        order = {pid: n for n, pid in enumerate(parcel_ids)}
        found.sort(key=order.__getitem__)
    return found


def _day_after(d: date) -> datetime:
    return datetime(d.year, d.month, d.day) + timedelta(days=1)


def create_batch(user: User, kind: str, parcel_ids: list[str] | None, filters: dict) -> LabelBatch:
    ids = _select_parcels(user, parcel_ids, filters)
    if not ids:
        raise ValidationFailed("No parcels match.", {"filter": ["no parcels match"]})
    if len(ids) > MAX_PARCELS:
        raise ValidationFailed(
            f"A batch holds at most {MAX_PARCELS} parcels; {len(ids)} match.",
            {"filter": [f"{len(ids)} parcels match; narrow the filter"]},
        )
    batch = LabelBatch(
        requested_by=user.id, kind=kind, status="queued", parcel_ids=ids, total=len(ids)
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(
        user.id,
        "labels.requested",
        "label_batch",
        batch.id,
        after={"kind": kind, "parcels": len(ids)},
    )
    db.session.commit()
    return batch


def get_batch(user: User, batch_id: str) -> LabelBatch:
    batch = db.session.get(LabelBatch, batch_id)
    if batch is None or (user.role == "seller" and batch.requested_by != user.id):
        raise NotFound("No such label batch.")
    return batch


def batch_view(batch: LabelBatch) -> dict:
    done = batch.status == "done"
    return {
        "id": batch.id,
        "kind": batch.kind,
        "status": batch.status,
        "total": batch.total,
        "done": batch.done,
        "pages": batch.pages,
        "message": batch.message,
        "download_url": f"/api/v1/labels/batches/{batch.id}/download" if done else None,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }


def _snapshots(batch: LabelBatch, actor: User, skipped: list[str]):
    for parcel_id in batch.parcel_ids:
        parcel = db.session.get(Parcel, parcel_id)
        order = db.session.get(Order, parcel.order_id) if parcel else None
        if order is None:
            skipped.append(f"{parcel_id}: parcel no longer exists")
            continue
        try:
            decl = declaring.declare(order, actor)
        except DomainError as exc:
            skipped.append(f"{order.order_no}: {exc.message}")
            continue
        yield DeclarationSnapshot.from_json(decl.snapshot)


def process_batch(batch_id: str) -> LabelBatch:
    """Render the batch into ``<data dir>/labels/<id>.pdf``; safe to run again."""
    batch = db.session.get(LabelBatch, batch_id)
    if batch is None:
        raise NotFound(f"No label batch {batch_id}.")
    if batch.status in ("done", "failed"):
        return batch
    actor = db.session.get(User, batch.requested_by)
    folder = Path(current_app.config["SILKPOST_DATA_DIR"]) / "labels"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{batch.id}.pdf"
    partial = target.with_suffix(".pdf.part")
    batch.status, batch.done = "running", 0
    db.session.commit()
    form = KINDS[batch.kind].form
    skipped: list[str] = []

    def progress(done: int, total: int | None) -> None:
        if done % PROGRESS_EVERY == 0:
            batch.done = done
            db.session.commit()

    try:
        with partial.open("wb") as out:
            result = pdf.write_batch(
                _snapshots(batch, actor, skipped),
                out,
                form.renderer,
                progress=progress,
                total=batch.total,
                title=f"Silkpost {batch.kind} batch {batch.id}",
                **form.options,
            )
    except DeclarationError as exc:  # e.g. no CJK font to embed: retrying will not help
        partial.unlink(missing_ok=True)
        db.session.rollback()
        batch.status, batch.message, batch.finished_at = "failed", str(exc), utcnow()
        db.session.commit()
        return batch
    partial.replace(target)
    batch.done, batch.pages = batch.total, result.pages
    batch.file_path = str(target)
    batch.status = "done"
    batch.finished_at = utcnow()
    if skipped:
        batch.message = f"{len(skipped)} parcel(s) skipped: " + "; ".join(skipped[:20])
    db.session.commit()
    log.info("labels batch=%s parcels=%d pages=%d", batch.id, result.parcels, result.pages)
    return batch


def batch_file(user: User, batch_id: str) -> Path:
    batch = get_batch(user, batch_id)
    if batch.status != "done" or not batch.file_path or not Path(batch.file_path).exists():
        raise NotFound("The batch has no file yet.")
    return Path(batch.file_path)
