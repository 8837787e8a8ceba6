"""Bulk inserts that skip rows a unique constraint already holds, on SQLite and PostgreSQL.

Both databases have ``INSERT … ON CONFLICT DO NOTHING … RETURNING``: one statement per batch
stores the new rows, leaves the repeats, and hands back what was actually inserted, so a
caller knows which rows are new without reading first (and without a race between the read
and the write).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db

_DIALECTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def insert_ignoring_duplicates(model: type, rows: list[dict[str, Any]], *returning: Any) -> list:
    """Insert ``rows`` of ``model`` in the session's transaction; the ``returning`` columns
    of the rows actually inserted (Core rows: no ORM objects are built for a bulk insert)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    statement = _DIALECTS[dialect](model.__table__).on_conflict_do_nothing()
    return list(db.session.execute(statement.returning(*returning), rows))
