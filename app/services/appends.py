"""Rows of the append-only tables (case events, the audit log), written in bulk.

A batch job moves hundreds of cases, and each move appends a case event and an audit
entry: one INSERT each would cost more than the move itself. Such rows are kept with the
session and written together — one multi-row INSERT per table — before the transaction
commits, and before any statement that could read those tables (or any statement whose
tables are unknown, such as raw SQL). They commit or roll back with the change that made
them: rows added inside a savepoint that rolls back are dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from ..extensions import db

_KEY = "silkpost.appends"


Writer = Callable[[list[Any]], None]


def add(table: Table, rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` to ``table`` in the current transaction."""
    defer(table, None, rows)


def defer(table: Table, writer: Writer | None, items: list[Any]) -> None:
    """Leave ``items`` for ``writer`` (called once with all of a transaction's items, in
    the order they came) to store in ``table``; no writer: the items are rows to insert."""
    session = db.session()
    # the items belong to a transaction: begun here if none is, so that its rollback
    # (or the session's close) ends them
    owner = session.get_nested_transaction() or session.get_transaction() or session.begin()
    pending = session.info.setdefault(_KEY, _Pending())
    pending.rows.extend((owner, table, writer, item) for item in items)
    pending.tables.add(table)


class _Pending:
    """What is not written yet, each item with the transaction that added it."""

    def __init__(self) -> None:
        self.rows: list[tuple[SessionTransaction, Table, Writer | None, Any]] = []
        self.tables: set[Table] = set()


def write(session: Session) -> None:
    """Write every pending row now (the ORM's own pending objects first: a case event may
    name a case added in the same transaction)."""
    pending = session.info.pop(_KEY, None)
    if pending is None or not pending.rows:
        return
    session.flush()
    groups: dict[tuple, list] = {}  # rows by table and shape; items by writer
    for _, table, writer, item in pending.rows:
        shape = frozenset(item) if writer is None else None
        groups.setdefault((table, writer, shape), []).append(item)
    connection = session.connection()
    for (table, writer, _), items in groups.items():
        if writer is None:
            connection.execute(table.insert(), items)
        else:
            writer(items)


def _tables(state: ORMExecuteState) -> set[Table] | None:
    """The tables a statement reads, or None when they cannot be told."""
    tables = {m.local_table for m in state.all_mappers}
    return tables or None


@event.listens_for(Session, "do_orm_execute")
def _before_reading(state: ORMExecuteState) -> None:
    pending = state.session.info.get(_KEY)
    if pending is None or not pending.rows or state.is_insert:
        return
    tables = _tables(state)
    if tables is None or not tables.isdisjoint(pending.tables):
        write(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write(session)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    """Drop what a rolled-back savepoint added."""
    pending = session.info.get(_KEY)
    if pending is not None and previous.nested:
        pending.rows = [p for p in pending.rows if not _within(p[0], previous)]


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends unwritten (rolled back, or the session closed) takes its
    rows with it; a committed one has written them."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)


def _within(owner: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while owner is not None:
        if owner is ended:
            return True
        owner = owner.parent
    return False
