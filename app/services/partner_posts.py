"""EMSEVT files from partner posts: an inbox folder read into tracking timelines.

```
<POSTS_DIR>/inbox/             EMSEVT files, written by the exchange tmp-then-rename
<POSTS_DIR>/inbox/done/        files read (moved after the database commit)
<POSTS_DIR>/inbox/quarantine/  files refused, each beside <name>.reason.txt
```
(``POSTS_DIR`` defaults to ``<data dir>/posts``.) The same discipline reads other inboxes of
partner files (:class:`FileKind`: ITMATT in :mod:`app.services.inbound`). A file is read
whole or not at all: it is parsed by the safe parser (no DTDs, no entities), validated
against the project's EMSEVT schema, its events checked; any fault quarantines it with the
reason. Its events are stored once each (the tracking rule), and the file is recorded by its
SHA-256 in the same transaction, so the same file read twice, a crash between the commit and
the move, or two files repeating each other's events in any order change nothing. A database
error leaves the file in the inbox for the next poll.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from declarations import emsevt
from declarations.errors import DeclarationError

from ..extensions import db
from ..models import PartnerPostFile
from . import tracking

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbox:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def done(self) -> Path:
        return self.inbox / "done"

    @property
    def quarantine(self) -> Path:
        return self.inbox / "quarantine"

    def create(self) -> Inbox:
        for folder in (self.done, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def waiting(self, limit: int) -> list[Path]:
        """Files in the inbox, by name (hidden files are still being written)."""
        names = sorted(
            e.name for e in os.scandir(self.inbox) if e.is_file() and not e.name.startswith(".")
        )
        return [self.inbox / n for n in names[:limit]]

    def move(self, path: Path, folder: Path) -> Path | None:
        """Move ``path`` into ``folder`` without replacing a file already there."""
        target, n = folder / path.name, 1
        while target.exists():
            target, n = folder / f"{path.name}.{n}", n + 1
        try:
            os.replace(path, target)
        except FileNotFoundError:  # another poller took it
            return None
        return target

    def refuse(self, path: Path, reason: str) -> None:
        target = self.move(path, self.quarantine)
        if target is not None:
            note = target.with_name(target.name + ".reason.txt")
            tmp = note.with_name(f".{note.name}.tmp")
            tmp.write_text(reason + "\n", encoding="utf-8")
            os.replace(tmp, note)


def inbox() -> Inbox:
    return Inbox(Path(current_app.config["POSTS_DIR"])).create()


@dataclass(frozen=True)
class FileKind:
    """What one inbox holds: the name its files are recorded under, how a file is read
    (raises :class:`DeclarationError` for a file to quarantine) and how a read message is
    stored in the caller's transaction (with the file's SHA-256; → :class:`Stored`), and
    the names of the counts."""

    name: str
    max_bytes: int
    parse: Callable[[bytes], Any]
    store: Callable[[Any, str], Stored]
    counts: tuple[str, str] = ("events", "new_events")


@dataclass(frozen=True)
class Stored:
    """What storing a message did: its id and sender, the records read and how many new."""

    message_id: str | None
    sender: str | None
    read: int
    new: int


def poll(limit: int = 200, box: Inbox | None = None, kind: FileKind | None = None) -> dict:
    """Read what the inbox holds; counts of files done, repeated and quarantined, and of
    records (events) read and new."""
    box = box or inbox()
    kind = kind or EMSEVT
    read_name, new_name = kind.counts
    counts = {"done": 0, "repeated": 0, "quarantined": 0, read_name: 0, new_name: 0}
    for path in box.waiting(limit):
        outcome, read, new = _one(box, path, kind)
        counts[outcome] += 1
        counts[read_name] += read
        counts[new_name] += new
    return counts


def _read(path: Path, max_bytes: int) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1)
    except FileNotFoundError:
        return None


def _one(box: Inbox, path: Path, kind: FileKind) -> tuple[str, int, int]:
    data = _read(path, kind.max_bytes)
    if data is None:
        return "repeated", 0, 0
    sha = hashlib.sha256(data).hexdigest()
    seen = db.session.execute(
        select(PartnerPostFile).where(PartnerPostFile.sha256 == sha)
    ).scalar_one_or_none()
    if seen is not None:
        if seen.state == "quarantined":
            box.refuse(path, seen.reason or "")
            return "quarantined", 0, 0
        box.move(path, box.done)
        return "repeated", 0, 0
    try:
        message = kind.parse(data)
    except DeclarationError as exc:
        return _quarantine(box, path, sha, str(exc), kind), 0, 0
    try:
        stored = kind.store(message, sha)
        db.session.add(_record(path.name, sha, stored, kind))
        db.session.commit()
    except IntegrityError:  # another poller read the same file first
        db.session.rollback()
        box.move(path, box.done)
        return "repeated", 0, 0
    except SQLAlchemyError:  # the database, not the file: leave it for the next poll
        db.session.rollback()
        raise
    box.move(path, box.done)
    log.info("partner %s file=%s read=%d new=%d", kind.name, path.name, stored.read, stored.new)
    return "done", stored.read, stored.new


def import_message(message: emsevt.Message) -> int:
    """Store a parsed message's events in the caller's transaction; how many were new."""
    return _store_events(message).new


def _store_events(message: emsevt.Message, sha: str = "") -> Stored:
    key = f"partner:{message.sender or 'unknown'}"
    result = tracking.store(
        [
            tracking.NewEvent(e, "partner", key, message_id=message.message_id)
            for e in message.events
        ],
        checked=True,
    )
    return Stored(message.message_id, message.sender, len(message.events), len(result.new))


EMSEVT = FileKind("emsevt", emsevt.MAX_FILE_BYTES, emsevt.parse, _store_events)


def _record(name: str, sha: str, stored: Stored, kind: FileKind) -> PartnerPostFile:
    return PartnerPostFile(
        sha256=sha,
        name=name[:255],
        kind=kind.name,
        state="done",
        message_id=(stored.message_id or "")[:64] or None,
        sender=(stored.sender or "")[:35] or None,
        events=stored.read,
        new_events=stored.new,
    )


def _quarantine(box: Inbox, path: Path, sha: str, reason: str, kind: FileKind) -> str:
    db.session.add(
        PartnerPostFile(
            sha256=sha, name=path.name[:255], kind=kind.name, state="quarantined", reason=reason
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    log.warning("partner file %s quarantined: %s", path.name, reason.splitlines()[0])
    box.refuse(path, reason)
    return "quarantined"
