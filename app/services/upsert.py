"""Bulk inserts that skip rows a unique constraint already holds, on SQLite and PostgreSQL.

Both databases have ``INSERT … ON CONFLICT DO NOTHING … RETURNING``: one statement per batch
stores the new rows, leaves the repeats, and hands back what was actually inserted, so a
caller knows which rows are new without reading first (and without a race between the read
and the write).

On SQLite the rows go as one multi-row VALUES statement per batch (SQLAlchemy's
"insertmanyvalues"). On PostgreSQL that statement would carry a placeholder per value, and
psycopg re-parses such long statements on every call (it caches only short ones), which
costs more than the insert itself; there the rows go as one array per column instead,
``INSERT … SELECT * FROM unnest(CAST(:a AS type[]), …)``: one short statement whatever the number
of rows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, text
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def insert_ignoring_duplicates(model: type, rows: list[dict[str, Any]], *returning: Any) -> list:
    """Insert ``rows`` of ``model`` in the session's transaction; the ``returning`` columns
    of the rows actually inserted (Core rows: no ORM objects are built for a bulk insert)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        return _by_arrays(model.__table__, rows, returning, dialect)
    statement = sqlite.insert(model.__table__).on_conflict_do_nothing()
    return list(db.session.execute(statement.returning(*returning), rows))


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _by_arrays(table, rows: list[dict[str, Any]], returning: tuple, dialect) -> list:
    columns = [c for c in table.columns if c.name in rows[0]]
    params, casts = {}, []
    for n, column in enumerate(columns):
        values = [row[column.name] for row in rows]
        if isinstance(column.type, JSON):  # psycopg adapts a dict, not a list of them
            process = _json_text
        else:
            process = column.type.bind_processor(dialect)
        params[f"c{n}"] = [process(v) for v in values] if process else values
        casts.append(f"CAST(:c{n} AS {column.type.compile(dialect=postgresql.dialect())}[])")
    names = ", ".join(c.name for c in columns)
    back = ", ".join(c.name for c in returning)
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({', '.join(casts)}) "
        f"ON CONFLICT DO NOTHING RETURNING {back}"
    )
    result = db.session.execute(text(sql).columns(*returning), params)
    return list(result)
