"""The simulated customs' memory, on stdlib sqlite3 (``GATEWAY_DIR/simulator.db``).

What customs know has to outlive the process: the documents filed (orders, payments,
waybills, inventories and their state), each buyer's yearly total, the certificate each
declarer signs with, the messages already taken (so a file seen twice is answered once), and
the receipts decided but not yet written. A restart therefore loses nothing: receipts due
while the simulator was down are written when it comes back.

Work happens in transactions (:meth:`SimStore.transaction`, re-entrant through savepoints),
so a batch of messages and the receipts they cause are committed together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ... import json_columns

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (msg_id TEXT PRIMARY KEY, name TEXT, at REAL);
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
    order_ref TEXT, waybill_ref TEXT, invt_no TEXT, deadline REAL, data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS docs_waiting_order ON docs (order_ref) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS docs_waiting_waybill ON docs (waybill_ref) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS docs_deadline ON docs (deadline) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS docs_invt_no ON docs (invt_no);
CREATE INDEX IF NOT EXISTS docs_waybill ON docs (waybill_ref);
CREATE TABLE IF NOT EXISTS quota (
    buyer TEXT NOT NULL, year INTEGER NOT NULL, used TEXT NOT NULL, PRIMARY KEY (buyer, year)
);
CREATE TABLE IF NOT EXISTS signers (code TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT, due REAL NOT NULL, msg_type TEXT NOT NULL,
    receiver TEXT NOT NULL, doc_kind TEXT NOT NULL, doc_key TEXT NOT NULL, node TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_due ON pending (due);
CREATE INDEX IF NOT EXISTS pending_doc ON pending (doc_kind, doc_key);
"""


def order_key(head: Mapping[str, str]) -> str:
    """The key customs know an order (and its inventory) by: platform and order number."""
    return f"{head.get('ebpCode', '')}|{head.get('orderNo', '')}"


def waybill_key(head: Mapping[str, str]) -> str:
    """The key customs know a parcel by: carrier and waybill number."""
    return f"{head.get('logisticsCode', '')}|{head.get('logisticsNo', '')}"


#: The page cache of the simulator's connection, in KiB (SQLite's default is 2,000).
CACHE_KIB = 64 * 1024

_DOC_COLUMNS = "kind, key, state, order_ref, waybill_ref, invt_no, deadline, data"


@dataclass(slots=True)
class Doc:
    """A filed document: its message type (``CEB621``) and business key, its state
    (``accepted``; inventories also ``waiting``, ``rejected``, ``cancelled``, ``returned``),
    what it links to, and what customs hold of it (``data``: the head, lines and more)."""

    kind: str
    key: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    order_ref: str | None = None
    waybill_ref: str | None = None
    invt_no: str | None = None
    deadline: float | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """A receipt return node decided but not yet written: when it is due (epoch seconds),
    its receipt message type, the DXP id it goes to, the document it is about, the fields."""

    due: float
    msg_type: str
    receiver: str
    doc_kind: str
    doc_key: str
    node: dict[str, str]
    id: int | None = None


class SimStore:
    """The simulator's state in one sqlite file (``":memory:"`` for a throwaway one)."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # A tick decides all the files it took in one transaction: thousands of them touch
        # more pages than SQLite's default cache of 2 MiB holds, and a transaction that
        # outgrows its cache writes pages out and reads them back (at 3,000 cases a run,
        # 3.5 ms of CPU per case with the default, 2.6 ms with this cache).
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._db.executescript(SCHEMA)
        self._depth = 0

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested calls are savepoints, undone alone when they fail."""
        name = f"sp{self._depth}"
        self._db.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("ROLLBACK")
            else:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self._db.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    # -- messages taken ---------------------------------------------------------------------

    def take(self, msg_id: str, name: str, at: float) -> bool:
        """Record message ``msg_id`` as taken; False when it was taken before."""
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (msg_id, name, at))
        return cursor.rowcount == 1

    # -- documents --------------------------------------------------------------------------

    def _docs(self, where: str, params: tuple, order: str = "key") -> list[Doc]:
        """Documents matching ``where`` (a fixed condition of this class, never input)."""
        rows = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM docs WHERE {where} ORDER BY {order}",  # noqa: S608
            params,
        ).fetchall()
        return [_doc(r) for r in rows]

    def doc(self, kind: str, key: str) -> Doc | None:
        found = self._docs("kind = ? AND key = ?", (kind, key))
        return found[0] if found else None

    def put(self, doc: Doc) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.kind,
                doc.key,
                doc.state,
                doc.order_ref,
                doc.waybill_ref,
                doc.invt_no,
                doc.deadline,
                json_columns.dumps(doc.data),
            ),
        )

    def waiting_for(self, kind: str, *, order_ref: str = "", waybill_ref: str = "") -> list[Doc]:
        """Documents of ``kind`` waiting that link to the order or waybill given."""
        column, ref = ("order_ref", order_ref) if order_ref else ("waybill_ref", waybill_ref)
        return self._docs(f"{column} = ? AND state = 'waiting' AND kind = ?", (ref, kind))

    def expired(self, now: float) -> list[Doc]:
        """Waiting documents whose wait ended at or before ``now``."""
        where = "state = 'waiting' AND deadline <= ?"
        return self._docs(where, (now,), order="deadline, kind, key")

    def by_invt_no(self, kind: str, invt_no: str) -> list[Doc]:
        return self._docs("invt_no = ? AND kind = ?", (invt_no, kind))

    def by_waybill(self, kind: str, waybill_ref: str) -> list[Doc]:
        """Documents of ``kind`` about the parcel ``waybill_ref`` (logisticsCode|logisticsNo)."""
        return self._docs("waybill_ref = ? AND kind = ?", (waybill_ref, kind))

    def of_kind(self, kind: str, state: str) -> list[Doc]:
        """Every document of ``kind`` in ``state``."""
        return self._docs("kind = ? AND state = ?", (kind, state))

    def count(self, state: str) -> int:
        return self._db.execute("SELECT count(*) FROM docs WHERE state = ?", (state,)).fetchone()[0]

    # -- buyers' yearly totals and declarers' certificates ----------------------------------

    def used(self, buyer: str, year: int) -> Decimal:
        row = self._db.execute(
            "SELECT used FROM quota WHERE buyer = ? AND year = ?", (buyer, year)
        ).fetchone()
        return Decimal(row[0]) if row else Decimal(0)

    def add_used(self, buyer: str, year: int, amount: Decimal) -> None:
        total = self.used(buyer, year) + amount
        self._db.execute("INSERT OR REPLACE INTO quota VALUES (?, ?, ?)", (buyer, year, str(total)))

    def signer(self, code: str) -> str | None:
        row = self._db.execute("SELECT fingerprint FROM signers WHERE code = ?", (code,)).fetchone()
        return row[0] if row else None

    def remember_signer(self, code: str, fingerprint: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO signers VALUES (?, ?)", (code, fingerprint))

    # -- receipts not yet written -----------------------------------------------------------

    def schedule(self, rows: Iterable[Pending]) -> None:
        self._db.executemany(
            "INSERT INTO pending (due, msg_type, receiver, doc_kind, doc_key, node) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (p.due, p.msg_type, p.receiver, p.doc_kind, p.doc_key, json_columns.dumps(p.node))
                for p in rows
            ],
        )

    def due(self, now: float, limit: int) -> list[Pending]:
        """Receipt nodes due at ``now``, oldest first (then in the order decided)."""
        rows = self._db.execute(
            "SELECT id, due, msg_type, receiver, doc_kind, doc_key, node FROM pending "
            "WHERE due <= ? ORDER BY due, id LIMIT ?",
            (now, limit),
        ).fetchall()
        return [Pending(r[1], r[2], r[3], r[4], r[5], json_columns.loads(r[6]), r[0]) for r in rows]

    def pending_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM pending").fetchone()[0]

    def next_due(self) -> float | None:
        return self._db.execute("SELECT min(due) FROM pending").fetchone()[0]

    def drop_pending(self, doc_kind: str, doc_key: str, after: float) -> None:
        """Forget the receipts of a document due after ``after`` (overtaken by events)."""
        self._db.execute(
            "DELETE FROM pending WHERE doc_kind = ? AND doc_key = ? AND due > ?",
            (doc_kind, doc_key, after),
        )

    def delivered(self, ids: Iterable[int]) -> None:
        self._db.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])


def status_at(doc: Doc | None, now: float) -> str:
    """The document's last status customs have reported by ``now`` (its receipts so far)."""
    if doc is None:
        return ""
    reported = [status for status, due in doc.data.get("path", []) if due <= now]
    return reported[-1] if reported else ""


def reported_at(doc: Doc, statuses: frozenset[str]) -> float | None:
    """When customs first reported one of ``statuses`` for the document (epoch seconds)."""
    times = [due for status, due in doc.data.get("path", []) if status in statuses]
    return min(times) if times else None


def _doc(row: tuple) -> Doc:
    kind, key, state, order_ref, waybill_ref, invt_no, deadline, data = row
    data = json_columns.loads(data)
    return Doc(kind, key, state, data, order_ref, waybill_ref, invt_no, deadline)
