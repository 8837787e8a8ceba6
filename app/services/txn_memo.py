"""Answers kept for the length of one database transaction.

A batch job moves many cases, and each move asks the database the same questions again
(which webhooks a seller has, which S10 id a parcel carries). Those answers are kept in the
session until its transaction ends (commit or rollback, a savepoint's included): the
transaction sees one answer, and the next transaction asks the database again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db

_KEY = "silkpost.txn_memo"


def memo(name: str) -> dict[Any, Any]:
    """The ``name`` answers of the current transaction (an empty dict when there are none)."""
    return db.session.info.setdefault(_KEY, {}).setdefault(name, {})


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The transaction (or a savepoint) ended; a flush's own inner transaction does not
    count."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_KEY, None)
