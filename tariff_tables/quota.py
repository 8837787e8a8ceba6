"""China CBEC annual quota arithmetic (CNY 26,000 per buyer per calendar year).

Pure: the app persists a ledger with one entry per order and feeds customs events to
`apply`. Receipts arrive asynchronously, repeat and come out of order, so each transition
says how much the buyer's used amount changes, and no event is ever counted twice:
an order counts once from its declaration (or its release, if the declaration receipt was
missed) until it is cancelled or returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .errors import InvalidRequest
from .loader import load_tariff
from .money import ZERO
from .tariff import Tariff

EVENTS = frozenset({"declared", "released", "cancelled", "returned"})
COUNTED = frozenset({"declared", "released"})


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One order's standing against its buyer's quota."""

    order_ref: str
    buyer_id: str
    year: int
    amount: Decimal
    state: str


@dataclass(frozen=True, slots=True)
class QuotaCheck:
    limit: Decimal
    used: Decimal
    remaining: Decimal
    would_exceed: bool


def annual_limit(on: date, tariff: Tariff | None = None) -> Decimal:
    """The per-buyer annual limit in force on `on` (CNY)."""
    return (tariff or load_tariff()).parameter("CN", "cbec_annual_limit", on).value


def remaining(used: Decimal, limit: Decimal) -> Decimal:
    return max(limit - used, ZERO)


def would_exceed(used: Decimal, amount: Decimal, limit: Decimal) -> bool:
    """True when adding `amount` takes the buyer past the limit (reaching it is allowed)."""
    return used + amount > limit


def check(used: Decimal, amount: Decimal, on: date, tariff: Tariff | None = None) -> QuotaCheck:
    limit = annual_limit(on, tariff)
    return QuotaCheck(limit, used, remaining(used, limit), would_exceed(used, amount, limit))


def apply(
    entry: LedgerEntry | None,
    event: str,
    *,
    order_ref: str,
    buyer_id: str,
    year: int,
    amount: Decimal,
) -> tuple[LedgerEntry, Decimal]:
    """New ledger entry and the change to the buyer's used amount for one customs event.

    - first `declared` (or `released` without a prior declaration) counts the amount;
    - a repeated or out-of-order `declared`/`released` changes nothing, except that a
      re-declaration with a changed amount moves the count by the difference;
    - `cancelled`/`returned` give back what was counted; after a release only a return can
      (customs do not cancel released inventories: error −623005);
    - a new declaration after a cancellation counts again.
    """
    if event not in EVENTS:
        raise InvalidRequest(f"quota event {event!r} not one of {sorted(EVENTS)}")
    if entry is None:
        if event in COUNTED:
            return LedgerEntry(order_ref, buyer_id, year, amount, event), amount
        return LedgerEntry(order_ref, buyer_id, year, ZERO, event), ZERO
    counted = entry.state in COUNTED
    if event == "declared":
        if entry.state == "released":
            return entry, ZERO
        if counted:
            return replace(entry, amount=amount), amount - entry.amount
        return replace(entry, amount=amount, state="declared"), amount
    if event == "released":
        if counted:
            return replace(entry, state="released"), ZERO
        if entry.state == "returned":
            return entry, ZERO
        return replace(entry, amount=amount, state="released"), amount
    if event == "cancelled" and entry.state == "released":
        return entry, ZERO
    if counted:
        return replace(entry, state=event), -entry.amount
    return entry, ZERO


def used_in_year(entries: Iterable[LedgerEntry], buyer_id: str, year: int) -> Decimal:
    """The buyer's used amount recomputed from the ledger (for audits and repairs)."""
    return sum(
        (
            e.amount
            for e in entries
            if e.buyer_id == buyer_id and e.year == year and e.state in COUNTED
        ),
        ZERO,
    )
