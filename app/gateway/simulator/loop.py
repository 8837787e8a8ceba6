"""The simulator's process: take files from the outbox, answer into the inbox, forever.

Each tick takes up to ``batch_files`` files from ``outbox/`` (orders, payments and waybills
before inventories, then cancels and returns, each group by name), decides them in one
transaction, moves them to ``outbox/sent/``, refuses the inventories whose wait is over, and
writes the receipts now due into ``inbox/`` (``inbox/.<name>.tmp``, fsync, rename), one file
per receipt type and receiver holding up to 100 return nodes. A CUSITM (an inbound postal
item) is answered at once by its CUSRSP (:mod:`.postal`), written before the CUSITM moves.

Crash safety comes from the order of the steps: a file is moved only after what it caused is
committed (taken again after a crash, it is recognised by its DXP message id and answered
once); a receipt is forgotten only after its file is in the inbox (written again after a
crash, as identical bytes under the same name, or repeated, which receivers tolerate).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from declarations.errors import DeclarationError

from . import messages, postal
from .config import SimConfig
from .core import CustomsSimulator, ReceiptFile
from .store import SimStore

log = logging.getLogger("silkpost.simulator")

Clock = Callable[[], datetime]

#: Pick-up order: what an inventory is matched against first, then inventories (and the
#: arrivals and entries matched against waybills), then what acts on an inventory (cancels,
#: returns, departures, waybill lists, summaries), then return tallies; anything else last.
_RANK = {
    **dict.fromkeys(("CEB311", "CEB411", "CEB511", "CEB303", "CEB403", "CEB505"), 0),
    **dict.fromkeys(("CEB621", "CEB603", "CEB507", "CEB711", "CEB513"), 1),
    **dict.fromkeys(("CEB623", "CEB625", "CEB605", "CEB509", "CEB607", "CEB213", "CEB701"), 2),
    **dict.fromkeys(("CEB215",), 3),
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Folders:
    """The gateway folders (see the folder protocol in the design): the simulator reads the
    outbox, keeps what it took in ``outbox/sent`` and writes receipts into the inbox. The
    paths are made once: a tick names each file it moves."""

    root: Path
    outbox: Path = field(init=False)
    sent: Path = field(init=False)
    inbox: Path = field(init=False)

    def __post_init__(self) -> None:
        root = Path(self.root)
        for name, path in (
            ("root", root),
            ("outbox", root / "outbox"),
            ("sent", root / "outbox" / "sent"),
            ("inbox", root / "inbox"),
        ):
            object.__setattr__(self, name, path)

    def create(self) -> Folders:
        for path in (self.sent, self.inbox):
            path.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True, slots=True)
class Tick:
    """What one tick did: files taken, receipt nodes decided, receipt files written."""

    taken: int
    decided: int
    written: int


def _rank(name: str) -> tuple[int, str]:
    return _RANK.get(name[:6], 4), name


def outbox_files(folders: Folders, limit: int) -> list[Path]:
    """Files waiting in the outbox (never the hidden ``.tmp`` files being written)."""
    names = [
        e.name
        for e in os.scandir(folders.outbox)
        if e.is_file() and e.name.endswith(".xml") and not e.name.startswith(".")
    ]
    return [folders.outbox / n for n in sorted(names, key=_rank)[:limit]]


def tick(sim: CustomsSimulator, folders: Folders, now: datetime) -> Tick:
    """One round: take, decide and move the outbox files, expire waits, write what is due."""
    files = outbox_files(folders, sim.config.batch_files)
    decided = 0
    with sim.store.transaction():
        for path in files:
            if not postal.is_cusitm(path.name):
                decided += len(_receive(sim, path, now))
    for path in files:
        if postal.is_cusitm(path.name):
            decided += _answer_postal(sim.config, folders, path)
    for path in files:
        os.replace(path, folders.sent / path.name)
    decided += len(sim.expire(now))
    receipts = sim.due(now)
    for receipt in receipts:
        write_atomically(folders.inbox, receipt.name, receipt.content)
    if receipts:
        _fsync_dir(folders.inbox)
        sim.delivered(receipts)
    return Tick(len(files), decided, len(receipts))


def _receive(sim: CustomsSimulator, path: Path, now: datetime) -> list:
    data = path.read_bytes()
    try:
        return sim.receive(data, now, path.name)
    except Exception as exc:  # a defect must not stop customs; the filer gets a CEB900
        log.exception("simulator could not process %s", path.name)
        return sim.failed(data, now, path.name, exc)


def _answer_postal(config: SimConfig, folders: Folders, path: Path) -> int:
    """Answer a CUSITM with its CUSRSP in the inbox (before the CUSITM moves to sent/)."""
    try:
        name, content = postal.answer(config, path.name, path.read_bytes())
    except DeclarationError:
        log.exception("simulator could not read %s; not answered", path.name)
        return 0
    write_atomically(folders.inbox, name, content)
    return 1


def write_atomically(folder: Path, name: str, content: bytes) -> None:
    """Write ``folder/name`` so a reader never sees it half written: a hidden temporary
    file, flushed to disk, then renamed into place."""
    tmp = folder / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / name)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_simulator(config: SimConfig) -> tuple[CustomsSimulator, Folders]:
    """The simulator on ``config.gateway_dir`` (folders created, state opened)."""
    folders = Folders(config.gateway_dir).create()
    return CustomsSimulator(config, SimStore(config.database)), folders


def drain(
    sim: CustomsSimulator, folders: Folders, clock: Clock = utc_now, max_ticks: int = 10000
) -> int:
    """Tick until the outbox is empty and every receipt decided is written, advancing a test
    clock when one is given by waiting for it otherwise; returns the ticks made."""
    for n in range(1, max_ticks + 1):
        tick(sim, folders, clock())
        idle = not outbox_files(folders, 1)
        if idle and not sim.store.pending_count() and not sim.store.count("waiting"):
            return n
        if clock is utc_now:
            time.sleep(min(sim.config.poll_seconds, max(sim.config.delay_seconds, 0.01)))
    raise RuntimeError(f"the simulator did not settle in {max_ticks} ticks")


def run(config: SimConfig, *, once: bool = False, clock: Clock = utc_now) -> None:
    """The process: tick every ``poll_seconds`` until SIGTERM/SIGINT (one tick with
    ``once``)."""
    sim, folders = open_simulator(config)
    if config.schema_dir is None:
        log.warning("CEB_XSD_DIR is not set: messages are not checked against the schemas")
    messages.load_schemas(config.schema_dir)
    log.info("ready: answering on %s", folders.outbox)
    stopping = {"flag": False}

    def stop(signum, frame):  # noqa: ARG001
        stopping["flag"] = True

    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    try:
        while True:
            done = tick(sim, folders, clock())
            if done.taken or done.written:
                log.info("took %d, decided %d, wrote %d", done.taken, done.decided, done.written)
            if once or stopping["flag"]:
                return
            if not done.taken:
                time.sleep(config.poll_seconds)
    finally:
        sim.store.close()


__all__ = ["Folders", "ReceiptFile", "Tick", "drain", "open_simulator", "run", "tick"]
