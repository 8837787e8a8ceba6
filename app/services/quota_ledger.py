"""The buyers' CBEC quota ledger rows, looked up once per transaction.

A batch files hundreds of imports; each asks for its own ledger entry and for everything its
buyer has counted this year. The rows read are kept (:mod:`app.services.txn_memo`) with the
rows added since, so the batch asks the database once for all its orders and buyers, and
every answer includes the transaction's own changes (they are the same row objects).
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import QuotaLedgerEntry
from . import txn_memo


def _by_order() -> dict[str, QuotaLedgerEntry | None]:
    return txn_memo.memo("quota.by_order")


def _by_buyer() -> dict[str, list[QuotaLedgerEntry]]:
    return txn_memo.memo("quota.by_buyer")


def look_up(order_ids: list[str] = (), buyers: list[str] = ()) -> None:
    """Read the entries of these orders and every entry of these buyers (a query each)."""
    known = _by_order()
    missing = [i for i in dict.fromkeys(order_ids) if i not in known]
    if missing:
        known.update(dict.fromkeys(missing))
        stmt = select(QuotaLedgerEntry).where(QuotaLedgerEntry.order_id.in_(missing))
        known.update({row.order_id: row for row in db.session.execute(stmt).scalars()})
    owners = _by_buyer()
    new = [b for b in dict.fromkeys(buyers) if b not in owners]
    if new:
        owners.update({b: [] for b in new})
        stmt = select(QuotaLedgerEntry).where(QuotaLedgerEntry.buyer_id.in_(new))
        for row in db.session.execute(stmt).scalars():
            owners[row.buyer_id].append(row)
            known[row.order_id] = row


def of_order(order_id: str) -> QuotaLedgerEntry | None:
    look_up(order_ids=[order_id])
    return _by_order()[order_id]


def of_buyer(buyer_id: str) -> list[QuotaLedgerEntry]:
    look_up(buyers=[buyer_id])
    return _by_buyer()[buyer_id]


def add(row: QuotaLedgerEntry) -> None:
    """A new entry, in the session and in what this transaction has read."""
    db.session.add(row)
    _by_order()[row.order_id] = row
    if row.buyer_id in _by_buyer():
        _by_buyer()[row.buyer_id].append(row)
