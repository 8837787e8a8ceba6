"""Which documents a filing consists of, and what the builders are supplied with.

The document-kind registry (:mod:`declarations.kinds`) owns the filing sets and the cancel
kinds; this module reads them, and only stands in for what an older registry lacks.
"""

from __future__ import annotations

from typing import Any

from declarations import kinds

FILING_SETS: dict[str, tuple[str, ...]] = getattr(
    kinds,
    "FILING_SETS",
    {"import": ("ceb311", "ceb411", "ceb511", "ceb621"), "export": ("ceb303", "ceb603")},
)
CANCELS: dict[str, str] = getattr(kinds, "CANCELS", {"import": "ceb623", "export": "ceb605"})
_SUPPLIED_FIELDS = frozenset(kinds.Supplied.__dataclass_fields__)


def filing_set(flow: str) -> tuple[kinds.DocumentKind, ...]:
    """The kinds one filing of ``flow`` sends, in filing order (the inventory last)."""
    return tuple(kinds.KINDS[name] for name in FILING_SETS[flow] if name in kinds.KINDS)


def supplied_for(**values: Any) -> kinds.Supplied:
    """What the builders get besides the snapshot (settings the registry knows of)."""
    return kinds.Supplied(**{k: v for k, v in values.items() if k in _SUPPLIED_FIELDS})
