"""Rows appended in bulk (case events, audit entries) commit, roll back and are read as if
each had been inserted at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditEntry
from app.services import appends, audit

pytestmark = pytest.mark.db


def _count(action: str) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    return db.session.execute(stmt).scalar_one()


def test_a_read_of_the_table_sees_rows_appended_in_its_transaction(app):
    audit.record(None, "t.read", "thing", "1")
    audit.record(None, "t.read", "thing", "2")
    assert _count("t.read") == 2
    audit.record(None, "t.read", "thing", "3")
    raw = db.session.execute(text("SELECT count(*) FROM audit_log WHERE action = 't.read'"))
    assert raw.scalar_one() == 3  # raw SQL: tables unknown, written first
    db.session.commit()
    assert _count("t.read") == 3


def test_rows_commit_with_the_transaction_and_roll_back_with_it(app):
    audit.record(None, "t.commit", "thing", "1")
    db.session.commit()
    audit.record(None, "t.rollback", "thing", "1")
    db.session.rollback()
    assert (_count("t.commit"), _count("t.rollback")) == (1, 0)


def test_a_closed_session_leaves_nothing_for_the_next_transaction(app):
    audit.record(None, "t.closed", "thing", "1")
    db.session.close()
    db.session.commit()
    assert _count("t.closed") == 0


def test_a_savepoint_rolled_back_drops_only_its_own_rows(app):
    audit.record(None, "t.outer", "thing", "before")
    db.session.execute(text("SELECT 1"))  # a transaction is open (SQLite begins lazily)
    db.session.execute(
        AuditEntry.__table__.insert(),
        [audit.entry(None, "t.begin", "thing", "0")],
    )
    try:
        with db.session.begin_nested():
            audit.record(None, "t.inner", "thing", "1")
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass
    with db.session.begin_nested():
        audit.record(None, "t.kept", "thing", "2")
    audit.record(None, "t.outer", "thing", "after")
    db.session.commit()
    counts = [_count(a) for a in ("t.outer", "t.inner", "t.kept", "t.begin")]
    assert counts == [2, 0, 1, 1]


def test_rows_of_different_shapes_are_inserted_in_groups(app):
    appends.add(AuditEntry.__table__, [audit.entry(None, "t.shape", "thing", "1")])
    short = {"at": audit.entry(None, "", "", "")["at"], "action": "t.shape"}
    appends.add(AuditEntry.__table__, [{**short, "entity_type": "thing", "entity_id": "2"}])
    db.session.commit()
    assert _count("t.shape") == 2


def test_a_deferred_writer_gets_every_item_of_the_transaction_once(app):
    seen: list[list[int]] = []
    appends.defer(AuditEntry.__table__, seen.append, [1, 2])
    appends.defer(AuditEntry.__table__, seen.append, [3])
    db.session.commit()
    db.session.commit()
    assert seen == [[1, 2, 3]]
