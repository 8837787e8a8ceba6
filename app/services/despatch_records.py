"""Stored despatches as the framework-free records the documents are built from.

Times leave here at the office's own offset: the closing time and departure at the origin
office's, the arrival at the destination office's (each office keeps its IANA time zone).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from declarations import despatch as records
from declarations import s9

from ..models import Despatch, Office, Receptacle
from . import post_network


def _office(office: Office) -> records.Office:
    return records.Office(
        code=office.code,
        name=office.name,
        operator_code=office.operator_code or "",
        operator_name=office.operator_name or "",
    )


def local_time(moment: datetime | None, office: Office) -> datetime | None:
    """``moment`` at the office's offset."""
    return None if moment is None else moment.astimezone(ZoneInfo(office.timezone))


def transport(d: Despatch, origin: Office, destination: Office) -> records.Transport:
    t = d.transport
    return records.Transport(
        mode=t["mode"],
        departure=local_time(d.departure_at, origin),
        arrival=local_time(d.arrival_at, destination),
        fields=dict(t.get("fields") or {}),
        border_crossing=d.lane.border_crossing or "",
        carrier=t.get("carrier") or "",
    )


def receptacle(
    r: Receptacle, itmatt: Mapping[str, records.Item] | None = None
) -> records.Receptacle:
    """The receptacle with its items; ``itmatt`` gives each parcel's item record with its
    ITMATT message (parcels not in it are listed without one)."""
    items = tuple(
        (itmatt or {}).get(i.parcel_id)
        or records.Item(item_id=i.parcel.item_id, gross_weight_kg=i.parcel.gross_weight_kg)
        for i in r.items
    )
    return records.Receptacle(s9=s9.parse(r.s9_id), items=items, tare_kg=r.tare_kg)


def record(
    d: Despatch, closed_at: datetime, itmatt: Mapping[str, records.Item] | None = None
) -> records.Despatch:
    origin = post_network.office(d.origin_office)
    destination = post_network.office(d.destination_office)
    return records.Despatch(
        origin=_office(origin),
        destination=_office(destination),
        year=d.year,
        receptacles=tuple(receptacle(r, itmatt) for r in d.receptacles),
        transport=transport(d, origin, destination),
        closed_at=local_time(closed_at, origin),
        lane=d.lane.code,
    )
