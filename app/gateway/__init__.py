"""The customs gateway: how signed CEB messages leave and receipts come back.

One interface, chosen by configuration (``GATEWAY``): ``filedrop`` writes messages to an
outbox folder and reads receipts from an inbox folder, as the E-Port transfer client does;
``simulator`` uses the same folders, with ``silkpost up`` running the customs simulator
(:mod:`app.gateway.simulator`) on the other side of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

KINDS = ("filedrop", "simulator")


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A receipt file found in the inbox: its name, where it is, and its bytes."""

    name: str
    path: Path
    content: bytes


class Gateway(Protocol):
    def submit(self, name: str, envelope: bytes) -> bool:
        """Hand a message over under ``name``; False when it was already sent."""
        ...

    def submit_all(self, messages: list[tuple[str, bytes]]) -> list[bool]:
        """``submit`` for many messages at once (one sync for the lot)."""
        ...

    def poll(self, limit: int = 500) -> list[IncomingFile]: ...

    def waiting(self) -> bool:
        """Whether receipts wait to be polled (a look cheap enough for every fifth of a
        second)."""
        ...

    def done(self, f: IncomingFile) -> None: ...

    def quarantine(self, f: IncomingFile, reason: str) -> None: ...


def gateway_for(config: dict) -> Gateway:
    """The gateway the configuration names, on its folders."""
    kind = config.get("GATEWAY", "filedrop")
    if kind not in KINDS:
        raise ValueError(f"GATEWAY must be one of {', '.join(KINDS)}, not {kind!r}")
    from .filedrop import FileDrop

    return FileDrop(Path(config["GATEWAY_DIR"]))
