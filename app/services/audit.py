"""Writing the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import AuditEntry
from ..models.base import utcnow
from . import appends


def entry(
    actor_id: str | None,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The columns of one audit entry: who did what to which record, before and after."""
    return {
        "at": at or utcnow(),
        "actor_id": actor_id,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }


def record(
    actor_id: str | None, action: str, entity_type: str, entity_id: str, **states: dict | None
) -> None:
    """Add an entry to the current transaction; it commits (or rolls back) with the change.

    ``states``: ``before`` and/or ``after``, the record's state around the change.
    """
    appends.add(AuditEntry.__table__, [entry(actor_id, action, entity_type, entity_id, **states)])
