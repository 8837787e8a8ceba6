"""The folder gateway: the outbox/inbox protocol of the E-Port transfer client.

```
outbox/            messages to send, one per file (written .<name>.<pid>.tmp, synced, linked)
outbox/sent/       where the transfer client (or the simulator) moves a file it has taken
inbox/             receipts, written tmp-then-rename by the sender
inbox/done/        receipts ingested (moved after the database commit)
inbox/quarantine/  unreadable receipts, each beside <name>.reason.txt
```

A message name is deterministic (case, message, version, appType), so a message counts as
sent once a file of its name is in ``outbox/`` or ``outbox/sent/``. The final name is made
with a hard link, which refuses to replace an existing file: two writers racing on one name
leave one file, and the loser learns it was already sent.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from pathlib import Path

from . import IncomingFile

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path | str, data: bytes, sync: bool = True) -> str:
    """Write ``data`` to a fresh hidden temporary file beside ``path`` (synced unless the
    caller syncs a batch at once); returns the temporary file's path."""
    folder, name = os.path.split(os.fspath(path))
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())
    return tmp


def _safe_name(name: str) -> str:
    if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    return name


class FileDrop:
    """Messages out through ``outbox/``, receipts in through ``inbox/`` under ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.outbox = self.root / "outbox"
        self.sent = self.outbox / "sent"
        self.inbox = self.root / "inbox"
        self.done_dir = self.inbox / "done"
        self.quarantine_dir = self.inbox / "quarantine"
        for folder in (self.sent, self.done_dir, self.quarantine_dir):
            folder.mkdir(parents=True, exist_ok=True)
        # the submitting path names files as strings: a Path per name costs more than the
        # system call it is for, and a batch names each message several times
        self._outbox, self._sent = os.fspath(self.outbox), os.fspath(self.sent)

    # -- out ------------------------------------------------------------------------------

    def was_sent(self, name: str) -> bool:
        exists = os.path.exists
        return exists(os.path.join(self._outbox, name)) or exists(os.path.join(self._sent, name))

    def submit(self, name: str, envelope: bytes) -> bool:
        """Write the message once: False (and nothing written) if its name was sent."""
        return self.submit_all([(name, envelope)])[0]

    def submit_all(self, messages: list[tuple[str, bytes]]) -> list[bool]:
        """Write each message once (False for a name already sent). Every file's bytes are
        on disk before any of the names appear: one file is synced on its own, a batch with
        one ``sync`` (a sync per file would cost milliseconds each); the names are made
        durable with one sync of the folder."""
        todo = [(n, body) for n, body in messages if not self.was_sent(_safe_name(n))]
        one, folder = len(todo) == 1, self._outbox
        temps = {name: _write_new(os.path.join(folder, name), body, one) for name, body in todo}
        if len(temps) > 1:
            os.sync()
        made = set()
        try:
            for name, tmp in temps.items():
                if self._publish(name, tmp):
                    made.add(name)
        finally:
            for tmp in temps.values():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        if made:
            _fsync_dir(self.outbox)
        return [name in made for name, _ in messages]

    def _publish(self, name: str, tmp: str) -> bool:
        """Give ``tmp`` its final name unless a file of that name exists or was sent."""
        final = os.path.join(self._outbox, name)
        try:
            os.link(tmp, final)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            if self.was_sent(name):  # a file system without hard links
                return False
            os.replace(tmp, final)
        return True

    # -- in -------------------------------------------------------------------------------

    def waiting(self) -> bool:
        """Whether a receipt file waits in the inbox (a cheap look: one will do)."""
        with os.scandir(self.inbox) as entries:
            return any(e.is_file() and not e.name.startswith(".") for e in entries)

    def poll(self, limit: int = 500) -> list[IncomingFile]:
        """Receipt files waiting in the inbox, oldest name first (temporary files skipped)."""
        names = sorted(
            e.name for e in os.scandir(self.inbox) if e.is_file() and not e.name.startswith(".")
        )
        found = []
        for name in names[:limit]:
            path = self.inbox / name
            try:
                with open(path, "rb") as fh:
                    content = fh.read(MAX_RECEIPT_BYTES + 1)
            except FileNotFoundError:  # another poller took it
                continue
            found.append(IncomingFile(name, path, content))
        return found

    def done(self, f: IncomingFile) -> None:
        self._move(f, self.done_dir)

    def quarantine(self, f: IncomingFile, reason: str) -> None:
        target = self._move(f, self.quarantine_dir)
        if target is not None:
            note = target.with_name(target.name + ".reason.txt")
            tmp = _write_new(note, reason.encode("utf-8") + b"\n")
            os.replace(tmp, note)

    def _move(self, f: IncomingFile, folder: Path) -> Path | None:
        """Move an inbox file into ``folder``, never over a file already there."""
        target = folder / f.name
        n = 1
        while target.exists():
            target = folder / f"{f.name}.{n}"
            n += 1
        try:
            os.replace(f.path, target)
        except FileNotFoundError:  # moved by another poller
            return None
        return target
