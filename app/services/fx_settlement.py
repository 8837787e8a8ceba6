"""FX settlement (结汇) per currency: declared, received, outstanding, settled, ageing.

For the export orders behind the report's rebate lines (on the customs basis, those on the
declarations of the period; on the orders basis, those of the period):

- ``declared_export_value`` — the sum of the lines' values (goods, FOB); ``amount_due`` —
  what the buyers owe (the orders' total values, goods + shipping + insurance);
- ``receipts`` — what matched receipts of payment applied to those orders (whenever they
  arrived), ``over_payments`` what they paid beyond that, ``unreceived`` what is still
  outstanding; ``unmatched_receipts`` — the seller's receipts in the period that match
  no order, in that currency;
- ``received_cny`` — the receipts at China customs' official rate of each receipt's value
  date; ``settled_cny`` — what the bank credited in CNY for the receipts the seller
  recorded as settled, ``unsettled`` the receipts not recorded as settled;
- ageing — the outstanding amount by days from the order's release by customs to
  ``as_of``: 0–30, 31–90, 91–180, over 180, and not released yet.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tariff_tables import NotCovered, Tariff
from tariff_tables.money import ZERO, half_up

from ..extensions import db
from ..models import Order, PaymentReceived
from . import customs_facts
from .payments_received import amount_due
from .rebate_lines import CN_CUSTOMS, RebateLine

BUCKETS = ((30, "ageing_0_30"), (90, "ageing_31_90"), (180, "ageing_91_180"))
OLDEST = "ageing_over_180"
NOT_RELEASED = "not_released"
AGEING = tuple(name for _, name in BUCKETS) + (OLDEST, NOT_RELEASED)


def bucket(days: int | None) -> str:
    """The ageing column of an amount outstanding ``days`` after release (None: not yet)."""
    if days is None:
        return NOT_RELEASED
    return next((name for limit, name in BUCKETS if days <= limit), OLDEST)


class _Currency:
    """The running figures of one currency."""

    def __init__(self) -> None:
        self.money: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.orders: set[str] = set()
        self.cny: dict[str, list[Decimal | None]] = defaultdict(list)
        self.gaps: set[str] = set()


def settlement(
    rows: list[RebateLine],
    seller_id: str | None,
    start: date,
    end: date,
    as_of: date,
    t: Tariff,
) -> list[dict]:
    """One line per currency, sorted by currency code."""
    per: dict[str, _Currency] = defaultdict(_Currency)
    orders: dict[str, Order] = {}
    for row in rows:
        if row.currency is None:  # a declaration line of no stored orders: nothing to settle
            continue
        cur = per[row.currency]
        cur.money["declared_export_value"] += row.value
        cur.cny["declared_export_value_cny"].append(row.fob_cny)
        cur.cny["rebate_claimable_cny"].append(row.rebate_cny)
        cur.gaps.update(row.notes if row.rebate_cny is None else ())
        for order, _ in row.order_lines:
            orders[order.id] = order
            cur.orders.add(order.id)
    outstanding = _receipts(per, orders, t)
    _ageing(per, orders, outstanding, as_of)
    _unmatched(per, seller_id, start, end)
    return [_line(code, per[code]) for code in sorted(per)]


def _receipts(per: dict[str, _Currency], orders: dict[str, Order], t: Tariff) -> dict[str, Decimal]:
    """Add the receipts matched to the orders; returns what each order still owes."""
    rows = db.session.execute(
        select(PaymentReceived).where(PaymentReceived.order_id.in_(list(orders)))
    ).scalars()
    applied: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        cur = per[orders[r.order_id].currency]
        applied[r.order_id] += r.applied
        cur.money["receipts"] += r.applied
        cur.money["over_payments"] += r.excess
        if r.settled_cny is None:
            cur.money["unsettled"] += r.amount
        else:
            cur.cny["settled_cny"].append(r.settled_cny)
        try:
            fx, _ = t.fx(r.currency, "CNY", r.received_on, CN_CUSTOMS)
            cur.cny["received_cny"].append(half_up(r.amount * fx))
        except NotCovered as exc:
            cur.cny["received_cny"].append(None)
            cur.gaps.add(str(exc))
    left = {}
    for order in orders.values():
        cur = per[order.currency]
        due = amount_due(order)
        left[order.id] = max(due - applied[order.id], ZERO)
        cur.money["amount_due"] += due
        cur.money["unreceived"] += left[order.id]
    return left


def _ageing(
    per: dict[str, _Currency], orders: dict[str, Order], left: dict[str, Decimal], as_of: date
) -> None:
    """Put each order's outstanding amount in the column of its age since release."""
    released = customs_facts.release_times(orders)
    for order in orders.values():
        at = released.get(order.id)
        days = None if at is None else max((as_of - customs_facts.china_date(at)).days, 0)
        per[order.currency].money[bucket(days)] += left[order.id]


def _unmatched(per: dict[str, _Currency], seller_id: str | None, start: date, end: date) -> None:
    stmt = select(PaymentReceived.currency, PaymentReceived.amount).where(
        PaymentReceived.order_id.is_(None), PaymentReceived.received_on.between(start, end)
    )
    if seller_id is not None:
        stmt = stmt.where(PaymentReceived.seller_id == seller_id)
    for currency, amount in db.session.execute(stmt):
        per[currency].money["unmatched_receipts"] += amount


def _cny(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the known amounts: zero when there is nothing to add, None when nothing
    could be converted (never a made-up zero)."""
    known = [v for v in values if v is not None]
    if values and not known:
        return None
    return sum(known, ZERO)


MONEY = (
    "declared_export_value",
    "amount_due",
    "receipts",
    "over_payments",
    "unreceived",
    "unmatched_receipts",
    "unsettled",
    *AGEING,
)
CNY = ("received_cny", "settled_cny", "declared_export_value_cny", "rebate_claimable_cny")


def _line(code: str, cur: _Currency) -> dict:
    return {
        "currency": code,
        "orders": len(cur.orders),
        **{k: cur.money[k] for k in MONEY},
        **{k: _cny(cur.cny[k]) for k in CNY},
        "complete": not cur.gaps,
        "not_covered": sorted(cur.gaps),
    }


__all__ = ["AGEING", "CNY", "MONEY", "bucket", "settlement"]
