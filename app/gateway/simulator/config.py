"""The simulator's settings, read from the application config (or given directly in tests).

``SIMULATOR_SEED`` makes outcomes reproducible; ``SIMULATOR_DELAY_SECONDS`` is the time
between successive receipts of one document; the three rates are the shares of inventories
sent to manual review (300), to inspection (500) and refused at random (100);
``SIMULATOR_MATCH_WAIT_SECONDS`` is how long an inventory waits for its order, payment and
waybill. ``SIMULATOR_POSTAL_{HOLD,REFER,RETURN}_RATE`` are the shares of inbound postal
items (CUSITM) held, referred and returned at random (:mod:`.postal`). ``CEB_XSD_DIR`` names
the official schemas; without it the schema check is skipped (the simulator says so when it
starts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

#: Customs write receipt times in China time (no daylight saving since 1991).
CHINA_TIME = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything the simulator needs; ``signers`` optionally registers, per declarer code,
    the SHA-256 fingerprints of the certificates it may sign with (without a registration the
    first certificate a declarer signs with becomes its own)."""

    gateway_dir: Path
    schema_dir: Path | None = None
    seed: int = 7
    delay_seconds: float = 0.5
    manual_review_rate: float = 0.0
    inspection_rate: float = 0.0
    reject_rate: float = 0.0
    match_wait_seconds: float = 30.0
    postal_hold_rate: float = 0.0
    postal_refer_rate: float = 0.0
    postal_return_rate: float = 0.0
    poll_seconds: float = 0.2
    batch_files: int = 5000
    signers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    timezone: timezone = CHINA_TIME

    @classmethod
    def from_mapping(cls, cfg: Mapping[str, Any], **changes: Any) -> SimConfig:
        """The settings of an application config (``GATEWAY_DIR``, ``CEB_XSD_DIR`` and the
        ``SIMULATOR_*`` keys), with ``changes`` applied."""
        schema_dir = cfg.get("CEB_XSD_DIR")
        values: dict[str, Any] = {
            "gateway_dir": Path(cfg["GATEWAY_DIR"]),
            "schema_dir": Path(schema_dir) if schema_dir else None,
            "seed": int(cfg.get("SIMULATOR_SEED", 7)),
            "delay_seconds": float(cfg.get("SIMULATOR_DELAY_SECONDS", 0.5)),
            "manual_review_rate": float(cfg.get("SIMULATOR_MANUAL_REVIEW_RATE", 0)),
            "inspection_rate": float(cfg.get("SIMULATOR_INSPECTION_RATE", 0)),
            "reject_rate": float(cfg.get("SIMULATOR_REJECT_RATE", 0)),
            "match_wait_seconds": float(cfg.get("SIMULATOR_MATCH_WAIT_SECONDS", 30)),
            "poll_seconds": float(cfg.get("SIMULATOR_POLL_SECONDS", 0.2)),
            "postal_hold_rate": float(cfg.get("SIMULATOR_POSTAL_HOLD_RATE", 0)),
            "postal_refer_rate": float(cfg.get("SIMULATOR_POSTAL_REFER_RATE", 0)),
            "postal_return_rate": float(cfg.get("SIMULATOR_POSTAL_RETURN_RATE", 0)),
        }
        return cls(**{**values, **changes})

    @property
    def database(self) -> Path:
        return self.gateway_dir / "simulator.db"
