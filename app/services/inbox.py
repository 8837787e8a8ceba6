"""Reading customs receipts from the gateway's inbox, each file once.

Each file goes through the receipts pipeline (:func:`app.services.clearance.ingest_events`;
a CUSRSP, customs' decisions on inbound postal items, through
:func:`app.services.inbound_decisions.apply`) in one transaction with a row keyed by (name,
sha256); only after the commit is the file moved to ``done/``. A crash between the two
leaves the file in the inbox and the row in the database, so the next poll only moves it. An
unreadable file is recorded and moved to ``quarantine/`` beside a note saying why; a
database error leaves the file for the next poll.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from declarations import cusrsp

from ..errors import ValidationFailed
from ..extensions import db
from ..gateway import Gateway, IncomingFile, gateway_for
from ..models import InboxFile
from . import clearance, inbound_decisions

log = logging.getLogger(__name__)


#: Receipt files ingested in one transaction (the orders they touch followed once).
GROUP_FILES = 25


def poll(gateway: Gateway | None = None, limit: int = 500) -> dict:
    """Ingest what the inbox holds; returns how many files were done, repeated (already
    ingested) and quarantined. CEB receipts are ingested up to GROUP_FILES at a time: one
    transaction stores their events and follows each order they touch once; a group that
    fails is taken again file by file, so one bad file cannot hold up the others."""
    gw = gateway or gateway_for(current_app.config)
    counts = {"done": 0, "repeated": 0, "quarantined": 0, "events": 0}
    files = gw.poll(limit)
    receipts = [f for f in files if not cusrsp.is_cusrsp(f.content)]
    for f in files:
        if cusrsp.is_cusrsp(f.content):
            _count(counts, _one(gw, f))
    for start in range(0, len(receipts), GROUP_FILES):
        for outcome in _group(gw, receipts[start : start + GROUP_FILES]):
            _count(counts, outcome)
    return counts


def _count(counts: dict, outcome: tuple[str, int]) -> None:
    counts[outcome[0]] += 1
    counts["events"] += outcome[1]


def _group(gw: Gateway, files: list[IncomingFile]) -> list[tuple[str, int]]:
    """Ingest CEB receipt files together (see :func:`poll`)."""
    if len(files) == 1:
        return [_one(gw, files[0])]
    shas = {f.name: hashlib.sha256(f.content).hexdigest() for f in files}
    seen = {
        (r.name, r.sha256)
        for r in db.session.execute(
            select(InboxFile.name, InboxFile.sha256).where(InboxFile.name.in_(list(shas)))
        )
    }
    db.session.rollback()
    outcomes, ready, events = [], [], []
    for f in files:
        if (f.name, shas[f.name]) in seen:
            outcomes.append(_one(gw, f))  # a repeat: moved (or quarantined) as it was
            continue
        try:
            found = clearance.read(f.content)
        except ValidationFailed as exc:
            outcomes.append((_quarantine(gw, f, shas[f.name], _reason(exc)), 0))
            continue
        ready.append((f, found))
        events += found
    if not ready:
        return outcomes
    try:
        result = clearance.ingest_events(events, None)
        for f, found in ready:
            row = {**result, "events": len(found), "ingested_with": len(ready)}
            db.session.add(InboxFile(name=f.name, sha256=shas[f.name], state="done", result=row))
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        if not isinstance(exc, IntegrityError):
            raise  # the database, not the files: left for the next poll
        return outcomes + [_one(gw, f) for f, _ in ready]
    except Exception:  # noqa: BLE001 - one of them cannot be ingested: find which, alone
        db.session.rollback()
        return outcomes + [_one(gw, f) for f, _ in ready]
    for f, _ in ready:
        gw.done(f)
    return outcomes + [("done", len(found)) for _, found in ready]


def _pipeline(content: bytes) -> tuple[Callable[[bytes], Any], Callable[[Any], dict]]:
    """How a file is read and ingested: customs' decisions on inbound postal items (CUSRSP),
    else CEB receipts."""
    if cusrsp.is_cusrsp(content):
        return inbound_decisions.read, inbound_decisions.apply
    return clearance.read, lambda events: clearance.ingest_events(events, None)


def _reason(exc: ValidationFailed) -> str:
    details = "; ".join(m for msgs in exc.errors.values() for m in msgs)
    return f"{exc.message} {details}".strip()


def _one(gw: Gateway, f: IncomingFile) -> tuple[str, int]:
    sha = hashlib.sha256(f.content).hexdigest()
    seen = db.session.execute(
        select(InboxFile).where(InboxFile.name == f.name, InboxFile.sha256 == sha)
    ).scalar_one_or_none()
    if seen is not None:  # ingested before a crash kept it from being moved
        db.session.rollback()
        if seen.state == "quarantined":
            gw.quarantine(f, seen.reason or "")
            return "quarantined", 0
        gw.done(f)
        return "repeated", 0
    read, ingest = _pipeline(f.content)
    try:
        events = read(f.content)
    except ValidationFailed as exc:
        return _quarantine(gw, f, sha, _reason(exc)), 0
    try:
        result = ingest(events)
    except IntegrityError:  # another poller is ingesting the same file
        db.session.rollback()
        return "repeated", 0
    except SQLAlchemyError:  # the database, not the file: leave it for the next poll
        db.session.rollback()
        raise
    except Exception as exc:  # noqa: BLE001 - a file that breaks ingesting must not loop
        db.session.rollback()
        log.exception("receipt %s cannot be ingested", f.name)
        return _quarantine(gw, f, sha, f"The receipt cannot be ingested: {exc}"), 0
    db.session.add(InboxFile(name=f.name, sha256=sha, state="done", result=result))
    try:
        db.session.commit()
    except IntegrityError:  # another poller ingested the same file first
        db.session.rollback()
        return "repeated", 0
    gw.done(f)
    return "done", result["events"]


def _quarantine(gw: Gateway, f: IncomingFile, sha: str, reason: str) -> str:
    db.session.add(InboxFile(name=f.name, sha256=sha, state="quarantined", reason=reason))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    log.warning("receipt %s quarantined: %s", f.name, reason)
    gw.quarantine(f, reason)
    return "quarantined"
