"""The ``Risk`` record a check reports and the case stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("blocking", "warning", "info")


@dataclass(frozen=True)
class Risk:
    """One finding of the risk checks, explained for the broker.

    ``field`` is a field path as in the error envelope (``items.0.hs_code``,
    ``recipient.id_number``) or None for the order as a whole; ``explanation`` gives the
    figures, words or sample size behind the finding; ``source`` cites the publication of a
    table-driven rule.
    """

    code: str
    severity: str
    field: str | None
    message: str
    explanation: str
    source: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Risk:
        return cls(**data)
