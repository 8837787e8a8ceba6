"""Document lines read by id together with the document each belongs to, in one query.

Used where lines are known only by id (a summary declaration's order lines, a stock
movement's entry lines) and each is needed with its order or its stock entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db


def lines_with_heads(line_model: Any, head_model: Any, head_key: Any, ids: set[str]) -> dict:
    """``{line id: (head, line)}`` for the ``line_model`` rows of ``ids``, each joined to the
    ``head_model`` row its ``head_key`` column names; ids of no line are left out."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(line_model, head_model)
        .join(head_model, head_model.id == head_key)
        .where(line_model.id.in_(ids))
    )
    return {line.id: (head, line) for line, head in rows}
