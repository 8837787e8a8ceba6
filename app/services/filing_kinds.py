"""Which documents a filing consists of, from the document-kind registry."""

from __future__ import annotations

from declarations import kinds
from declarations.kinds import CANCELS, FILING_SETS

__all__ = ["CANCELS", "FILING_SETS", "filing_set"]


def filing_set(flow: str) -> tuple[kinds.DocumentKind, ...]:
    """The kinds one filing of ``flow`` sends, in filing order (the inventory last)."""
    return tuple(kinds.KINDS[name] for name in FILING_SETS[flow])
