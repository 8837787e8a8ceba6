"""Movements as the API shows them: the filing, its outbox files and customs' receipts."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import MovementFiling, StatusEvent
from .movement_filing import outbox_names
from .movement_receipts import ANSWERS

RECEIPT_OF = {message: receipt for receipt, (message, _) in ANSWERS.items()}


def _receipts(m: MovementFiling) -> list[dict]:
    rows = db.session.execute(
        select(StatusEvent)
        .where(
            StatusEvent.message_type == RECEIPT_OF[m.message],
            StatusEvent.business_key == m.cop_no,
        )
        .order_by(StatusEvent.occurred_at, StatusEvent.id)
    ).scalars()
    return [
        {"message_type": r.message_type, "status": r.status, "time": r.occurred_at, "info": r.info}
        for r in rows
    ]


def view(m: MovementFiling) -> dict:
    found = {
        "id": m.id,
        "kind": m.kind,
        "message": m.message,
        "cop_no": m.cop_no,
        "status": m.status,
        "case_id": m.case_id,
        "order_id": m.order_id,
        "despatch_id": m.despatch_id,
        "entry_id": m.entry_id,
        "parent_id": m.parent_id,
        "parcel_ids": list(m.parcel_ids),
        "details": m.details or {},
        "receipt_status": m.receipt_status,
        "info": m.info,
        "error": m.error,
        "created_at": m.created_at,
        "filed_at": m.filed_at,
        "messages": outbox_names(m),
        "receipts": _receipts(m),
    }
    if m.kind == "export_return":
        tally = db.session.execute(
            select(MovementFiling)
            .where(MovementFiling.parent_id == m.id)
            .order_by(MovementFiling.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        found["tally"] = view(tally) if tally else None
    return found
