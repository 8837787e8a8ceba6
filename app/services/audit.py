"""Writing the append-only audit log."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEntry


def record(
    actor_id: str | None,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the current transaction; it commits (or rolls back) with the change."""
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
