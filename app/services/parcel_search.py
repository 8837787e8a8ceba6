"""Finding parcels for counter and carrier screens: by scanned S10 ids or by filters.

Visibility is the orders' own rule (a seller sees only its parcels); the result feeds a
label batch, which checks the same rule again when it is requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from declarations import s10

from ..extensions import db
from ..models import Order, Parcel, User
from .orders import OrderFilter, _visible

MAX_RESULTS = 1000
_SEPARATORS = re.compile(r"[\r\n,;\t]+")


ParcelFilter = OrderFilter  # parcels are found by their orders' fields


@dataclass
class ParcelResults:
    parcels: list[dict] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # valid S10 ids with no visible parcel
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (as scanned, why)
    truncated: bool = False


def scanned_ids(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Split scanner input (one id per line, as a scanner ends each with Enter) into valid
    S10 ids, in scan order without repeats, and the entries that are not S10 ids."""
    ids: list[str] = []
    invalid: list[tuple[str, str]] = []
    for entry in _SEPARATORS.split(text or ""):
        if not entry.strip():
            continue
        try:
            item_id = str(s10.parse(entry))
        except s10.S10Error as exc:
            invalid.append((entry.strip(), str(exc)))
            continue
        if item_id not in ids:
            ids.append(item_id)
    return ids, invalid


def _statement(user: User, item_ids: list[str] | None, filters: ParcelFilter):
    stmt = _visible(user).add_columns(Parcel).join(Parcel, Parcel.order_id == Order.id)
    if item_ids is not None:
        stmt = stmt.where(Parcel.item_id.in_(item_ids))
    return filters.apply(stmt).order_by(Order.created_at, Parcel.id)


def _row(parcel: Parcel, order: Order) -> dict:
    return {
        "parcel_id": parcel.id,
        "item_id": parcel.item_id,
        "order_id": order.id,
        "order_no": order.order_no,
        "status": order.status,
        "flow": order.flow,
        "destination": (order.recipient or {}).get("country"),
        "gross_weight_kg": parcel.gross_weight_kg,
        "created_at": order.created_at,
    }


def find_parcels(
    user: User, scan: str = "", filters: ParcelFilter | None = None, limit: int = MAX_RESULTS
) -> ParcelResults:
    """Parcels the user may see: the scanned ones (in scan order) if any were scanned,
    else those matching the filters (oldest first), at most ``limit``."""
    filters = filters or ParcelFilter()
    ids, invalid = scanned_ids(scan)
    scanning = bool(ids or invalid)
    stmt = _statement(user, ids if scanning else None, filters).limit(limit + 1)
    rows = [_row(p, o) for o, p in db.session.execute(stmt).all()]
    result = ParcelResults(invalid=invalid, truncated=len(rows) > limit)
    rows = rows[:limit]
    if scanning:
        by_id = {r["item_id"]: r for r in rows}
        result.parcels = [by_id[i] for i in ids if i in by_id]
        result.not_found = [i for i in ids if i not in by_id]
    else:
        result.parcels = rows
    return result
