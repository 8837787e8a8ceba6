"""The electronic pre-advice of a closed despatch and the partner post's outbox.

Each item's ITMATT is the order's stored ITMATT document (the document registry's
``itmatt`` kind, made by :mod:`app.services.declaring` once and never regenerated), so the
partner receives byte for byte what the order's declarations serve. The despatch's PREDES
points at each by message id, SHA-256 and file name.

Outbox: ``<data dir>/posts/outbox/<destination office>/``, one file per ITMATT
(``<despatch id>-ITMATT-<S10>.xml``) and then the PREDES (``<despatch id>-PREDES.xml``), which
comes last so that its presence means the set is complete. Every file is written to a
temporary name and renamed into place. A despatch is sent once: the send claims the
despatch row (``pre_advice_sent_at``) in the transaction that writes the files, so a
concurrent send waits and then finds it sent, and a send that fails leaves it unsent for
the next attempt, which skips the files already in place. Only a crash between the last
rename and the commit can repeat a file; the PREDES message id is the same every time, so
the partner can recognise it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from declarations import despatch as records
from declarations import xmlout
from declarations.kinds import KINDS

from ..errors import Conflict
from ..extensions import db
from ..models import DeclarationDocument, Despatch, Parcel, User
from ..models.base import utcnow
from . import declaring


def outbox(partner_office: str) -> Path:
    return Path(current_app.config["SILKPOST_DATA_DIR"]) / "posts" / "outbox" / partner_office


def itmatt_name(despatch_id: str, item_id: str) -> str:
    return f"{despatch_id}-ITMATT-{item_id}.xml"


def predes_name(despatch_id: str) -> str:
    return f"{despatch_id}-PREDES.xml"


def itmatt_documents(parcels: list[Parcel], actor: User | None) -> dict[str, DeclarationDocument]:
    """Each parcel's stored ITMATT document (made now if its order has none yet); refuses
    with every item whose ITMATT cannot be made."""
    docs, problems = {}, {}
    kind = KINDS["itmatt"]
    for parcel in parcels:
        try:
            docs[parcel.id] = declaring.stored_document(parcel.order, kind, actor)
        except Conflict as exc:
            problems[f"items.{parcel.item_id}"] = exc.errors.get("problems") or [exc.message]
    if problems:
        raise Conflict("The ITMATT of some items cannot be produced; see errors.", problems)
    return docs


def item_records(
    despatch_id: str, parcels: list[Parcel], docs: dict[str, DeclarationDocument]
) -> dict[str, records.Item]:
    """The PREDES item of each parcel, pointing at its ITMATT message."""
    out = {}
    for parcel in parcels:
        doc = docs[parcel.id]
        out[parcel.id] = records.Item(
            item_id=parcel.item_id,
            gross_weight_kg=parcel.gross_weight_kg,
            itmatt_message_id=xmlout.parse(doc.content).get("messageId"),
            itmatt_sha256=doc.sha256,
            itmatt_file=itmatt_name(despatch_id, parcel.item_id),
        )
    return out


def _place(directory: Path, name: str, data: bytes) -> None:
    """Write ``data`` as ``directory/name`` through a temporary file and a rename; a file
    already there is left as it is."""
    target = directory / name
    if target.exists():
        return
    tmp = directory / f".{name}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def send(d: Despatch, files: list[tuple[str, bytes]]) -> bool:
    """Write the despatch's files to the partner's outbox once; True if this call sent it."""
    table = Despatch.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == d.id, table.c.pre_advice_sent_at.is_(None))
        .values(pre_advice_sent_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    try:
        directory = outbox(d.destination_office)
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            _place(directory, name, data)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.refresh(d)
    return True
