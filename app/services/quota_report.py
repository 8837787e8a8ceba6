"""A buyer's China CBEC annual quota usage, read from the persisted ledger.

The ledger (``quota_ledger``) holds one row per CBEC import order with the CNY amount and
the order's standing (declared, released, cancelled, returned); it is written when orders
are declared and when customs receipts arrive. Only rows in a counted state use quota.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tariff_tables import NotCovered
from tariff_tables.money import CENT, ZERO, fmt
from tariff_tables.quota import annual_limit, remaining

from ..errors import NotFound
from ..extensions import db
from ..models import Order, QuotaLedgerEntry
from .quoting import COUNTED_STATES, tariff


def _cny(amount: Decimal) -> str:
    """CNY to the fen, exactly: more places only if the ledger holds them."""
    q = amount.quantize(CENT)
    return fmt(q) if q == amount else fmt(amount.normalize())


def _limit_date(year: int, today: date) -> date:
    """The day whose limit applies: today within the current year, else the year's edge."""
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def buyer_quota(buyer_id: str, year: int, today: date | None = None) -> dict[str, Any]:
    """Limit, used, remaining and the ledger rows of one buyer in one calendar year (CNY).

    `orders` lists every ledger row of the year, counted or not, so a cancelled order is
    visible with its state; `used` sums only the counted ones.
    """
    today = today or datetime.now(UTC).date()
    on = _limit_date(year, today)
    try:
        limit = annual_limit(on, tariff())
    except NotCovered as exc:
        raise NotFound(
            f"No CBEC annual limit is tabulated for {year}.", {"year": [str(exc)]}
        ) from exc
    rows = db.session.execute(
        select(QuotaLedgerEntry, Order.order_no)
        .join(Order, Order.id == QuotaLedgerEntry.order_id)
        .where(QuotaLedgerEntry.buyer_id == buyer_id, QuotaLedgerEntry.year == year)
        .order_by(QuotaLedgerEntry.updated_at, Order.order_no)
    ).all()
    used = sum((e.amount for e, _no in rows if e.state in COUNTED_STATES), ZERO)
    return {
        "buyer_id": buyer_id,
        "year": year,
        "currency": "CNY",
        "limit": _cny(limit),
        "limit_as_of": on.isoformat(),
        "used": _cny(used),
        "remaining": _cny(remaining(used, limit)),
        "orders": [
            {
                "order_id": e.order_id,
                "order_no": order_no,
                "amount": _cny(e.amount),
                "state": e.state,
                "counted": e.state in COUNTED_STATES,
            }
            for e, order_no in rows
        ],
    }


__all__ = ["buyer_quota"]
