"""Lane analysis: per lane and mode, parcels, receptacles, weight, how long clearance and
the journey take, and the share held by customs.

Computed from the tracking timeline: a parcel belongs to the lane of its first despatch
event (EMC, recorded with the lane and mode by the despatch service). Hand-over is the
posting event (EMA), release the first "returned from customs" event after it (EXC for
export customs, EDC for import customs), final delivery EMI; a parcel was held by customs
if its timeline has EXB or EME. Weights are the parcels' gross weights. Medians are the
middle value (the mean of the two middle values for an even count), p90 the nearest-rank
90th percentile; durations are in hours.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import Parcel, TrackingEvent

RELEASE_CODES = ("EXC", "EDC")
HOLD_CODES = ("EXB", "EME")
_CODES = ("EMA", "EMC", "EMI", *RELEASE_CODES, *HOLD_CODES)
SOURCE = "tracking timeline (lane and mode of each parcel's first EMC event)"


@dataclass
class _Parcel:
    lane: tuple[str, str | None] | None = None
    despatched: datetime | None = None
    receptacle: str | None = None
    handed_over: datetime | None = None
    released: datetime | None = None
    delivered: datetime | None = None
    held: bool = False
    weight: Decimal | None = None


@dataclass
class _Lane:
    parcels: int = 0
    receptacles: set = field(default_factory=set)
    weight: Decimal = Decimal("0")
    clearance: list[float] = field(default_factory=list)
    journey: list[float] = field(default_factory=list)
    held: int = 0


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0.9 → p90); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def _timelines(since: datetime | None, until: datetime | None) -> dict[str, _Parcel]:
    despatched = select(TrackingEvent.item_id).where(
        TrackingEvent.code == "EMC", TrackingEvent.lane_id.is_not(None)
    )
    if since is not None:
        despatched = despatched.where(TrackingEvent.occurred_at >= since)
    if until is not None:
        despatched = despatched.where(TrackingEvent.occurred_at < until)
    rows = db.session.execute(
        select(TrackingEvent, Parcel.gross_weight_kg)
        .outerjoin(Parcel, Parcel.id == TrackingEvent.parcel_id)
        .where(TrackingEvent.item_id.in_(despatched), TrackingEvent.code.in_(_CODES))
        .order_by(TrackingEvent.occurred_at)
    ).all()
    parcels: dict[str, _Parcel] = {}
    for e, weight in rows:
        p = parcels.setdefault(e.item_id, _Parcel())
        p.weight = weight if weight is not None else p.weight
        _fold(p, e)
    return parcels


def _fold(p: _Parcel, e: TrackingEvent) -> None:
    """One event (in time order) into the parcel's figures."""
    if e.code == "EMC" and p.lane is None and e.lane_id:
        p.lane, p.despatched, p.receptacle = (e.lane_id, e.mode), e.occurred_at, e.receptacle_id
    elif e.code == "EMA" and p.handed_over is None:
        p.handed_over = e.occurred_at
    elif e.code in RELEASE_CODES and p.released is None and p.handed_over is not None:
        p.released = e.occurred_at
    elif e.code == "EMI" and p.delivered is None:
        p.delivered = e.occurred_at
    elif e.code in HOLD_CODES:
        p.held = True


def duration(values: list[float]) -> dict:
    """Count, median and nearest-rank p90 of durations in hours (the dashboard's too)."""
    return {
        "count": len(values),
        "median_hours": round(statistics.median(values), 2) if values else None,
        "p90_hours": round(percentile(values, 0.9), 2) if values else None,
    }


def lanes(since: datetime | None = None, until: datetime | None = None) -> dict:
    """The figures per (lane, mode), lanes sorted by id then mode."""
    by_lane: dict[tuple[str, str | None], _Lane] = {}
    for p in _timelines(since, until).values():
        if p.lane is None:
            continue
        lane = by_lane.setdefault(p.lane, _Lane())
        lane.parcels += 1
        if p.receptacle:
            lane.receptacles.add(p.receptacle)
        lane.weight += p.weight or 0
        lane.held += p.held
        for values, hours in (
            (lane.clearance, hours_between(p.handed_over, p.released)),
            (lane.journey, hours_between(p.despatched, p.delivered)),
        ):
            if hours is not None:
                values.append(hours)
    return {
        "source": SOURCE,
        "lanes": [
            {
                "lane_id": lane_id,
                "mode": mode,
                "parcels": lane.parcels,
                "receptacles": len(lane.receptacles),
                "weight_kg": format(lane.weight, "f"),
                "handover_to_release": duration(lane.clearance),
                "despatch_to_delivery": duration(lane.journey),
                "held_by_customs_share": round(lane.held / lane.parcels, 4),
            }
            for (lane_id, mode), lane in sorted(
                by_lane.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
            )
        ],
    }
