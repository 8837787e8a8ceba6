"""Tracking timelines: events from the service, carriers and partner posts; the public view.

Every way in ends in :func:`store`: the events are checked by the one rule of
``declarations.emsevt.event_problems``, matched to parcels by S10 id, inserted with
``ON CONFLICT DO NOTHING`` on (item, code, instant, source) so a repeat is a no-op, and the
new ones queue webhook deliveries in the same transaction. Nothing here commits: the
caller's transaction holds the events and their deliveries together.

A timeline is sorted by time (then by the code's place in an item's life, the office and
the source), never by arrival, so files read twice or out of order give the same timeline.

A final delivery (EMI) a carrier or partner post reports of a released import parcel is
reported to customs as signed for (CEB513, :mod:`.delivery_reports`).

Clearance cases feed tracking through :func:`record_case_event`, whose table maps each
case status to the EMSEVT code it means for an export (the origin post's side) and for an
import (the destination's side): see :data:`CASE_EVENT_CODES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import current_app
from sqlalchemy import select

from declarations import emsevt, s10

from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..models import Parcel, TrackingEvent, User
from ..models.base import utcnow
from . import appends, case_states, delivery_reports, webhooks
from .orders import get_order
from .upsert import insert_ignoring_duplicates

#: Keys of ``details`` that have their own columns; the rest is kept as ``details``.
_COLUMNS = ("reason", "action", "note", "receptacle_id", "despatch_id", "lane_id", "mode")
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be stored: the exchanged event, who said it, and what else is known."""

    event: emsevt.Event
    source: str
    source_key: str
    parcel_id: str | None = None
    lane_id: str | None = None
    mode: str | None = None
    details: dict | None = None
    message_id: str | None = None


#: What :func:`store` hands back of each new event (everything but ``details``).
STORED_COLUMNS = tuple(
    c for c in TrackingEvent.__table__.columns if c.name not in ("details", "message_id")
)


@dataclass
class StoreResult:
    received: int = 0
    new: list = field(default_factory=list)  # rows of STORED_COLUMNS
    unmatched: set[str] = field(default_factory=set)  # item ids with no parcel here

    @property
    def duplicates(self) -> int:
        return self.received - len(self.new)


# -- recording -----------------------------------------------------------------------------


def record(
    parcel_id: str,
    code: str,
    office: str | None,
    at: datetime,
    source: str = "self",
    details: dict | None = None,
) -> TrackingEvent | None:
    """Record one event of a parcel in the caller's transaction; None when it was already
    recorded. ``office`` None means the configured ``TRACKING_OFFICE``. ``details`` may
    carry reason, action, note, receptacle_id (the S9 id), despatch_id (the 20-character S8
    id), lane_id and mode (own columns), source_ref (who, for a carrier or partner source)
    and anything else (kept as details, never shown to the public)."""
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound(f"Parcel {parcel_id} not found.")
    return record_item(parcel.item_id, code, office, at, source, details, parcel_id=parcel.id)


def record_item(
    item_id: str,
    code: str,
    office: str | None,
    at: datetime,
    source: str = "self",
    details: dict | None = None,
    *,
    parcel_id: str | None = None,
) -> TrackingEvent | None:
    """:func:`record` for an item known by its S10 id alone (an inbound postal item that
    has no parcel here); the event joins a parcel of that id when there is one."""
    new = new_event(item_id, code, office, at, source, details, parcel_id=parcel_id)
    result = store([new], checked=True)
    return db.session.get(TrackingEvent, result.new[0].id) if result.new else None


def new_event(
    item_id: str,
    code: str,
    office: str | None,
    at: datetime,
    source: str = "self",
    details: dict | None = None,
    *,
    parcel_id: str | None = None,
) -> NewEvent:
    """One event to store, checked (see :func:`record` for the arguments)."""
    if source not in emsevt.SOURCES:
        raise ValidationFailed("Unknown event source.", {"source": [f"one of {emsevt.SOURCES}"]})
    extra = dict(details or {})
    known = {k: extra.pop(k) for k in _COLUMNS if k in extra}
    office = office or current_app.config.get("TRACKING_OFFICE")
    event = emsevt.Event(
        item_id,
        code,
        at,
        office or "",
        **{k: known.get(k) for k in ("reason", "action", "receptacle_id", "despatch_id", "note")},
    )
    problems = [p for p in emsevt.event_problems(event) if not (p[0] == "office" and not office)]
    if problems:
        raise ValidationFailed("The tracking event is not valid.", _by_field(problems))
    return NewEvent(
        event,
        source,
        source if source == "self" else f"{source}:{extra.pop('source_ref', '')}",
        parcel_id,
        lane_id=known.get("lane_id"),
        mode=known.get("mode"),
        details=extra or None,
    )


def _by_field(problems: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, message in problems:
        out.setdefault(name, []).append(message)
    return out


def store(events: Sequence[NewEvent], *, checked: bool = False) -> StoreResult:
    """Store events (checked unless ``checked``), in the caller's transaction: the new ones
    are returned and announced to the sellers' webhooks; repeats are counted and dropped."""
    result = StoreResult(received=len(events))
    if not checked:
        for n, e in enumerate(events):
            problems = emsevt.event_problems(e.event)
            if problems:
                raise ValidationFailed(f"Event {n} is not valid.", _by_field(problems))
    for start in range(0, len(events), _CHUNK):
        chunk = events[start : start + _CHUNK]
        owners = _parcels_of({e.event.item_id for e in chunk if e.parcel_id is None})
        rows = [_row(e, owners) for e in chunk]
        result.unmatched.update(r["item_id"] for r in rows if r["parcel_id"] is None)
        inserted = insert_ignoring_duplicates(TrackingEvent, rows, *STORED_COLUMNS)
        result.new.extend(inserted)
        webhooks.announce_tracking([e for e in inserted if e.parcel_id])
        delivery_reports.delivered(inserted)
    return result


def _parcels_of(item_ids: set[str]) -> dict[str, str]:
    if not item_ids:
        return {}
    found = db.session.execute(
        select(Parcel.item_id, Parcel.id).where(Parcel.item_id.in_(item_ids))
    ).all()
    return dict(found)


def _row(e: NewEvent, owners: dict[str, str]) -> dict[str, Any]:
    ev = e.event
    offset = ev.at.utcoffset()
    return {
        "item_id": ev.item_id,
        "parcel_id": e.parcel_id or owners.get(ev.item_id),
        "code": ev.code,
        "occurred_at": ev.at,
        "utc_offset": int(offset.total_seconds() // 60),
        "office": ev.office or None,
        "source": e.source,
        "source_key": e.source_key[:80],
        "reason": ev.reason,
        "action": ev.action,
        "receptacle_id": ev.receptacle_id,
        "despatch_id": ev.despatch_id,
        "lane_id": e.lane_id,
        "mode": e.mode,
        "note": ev.note,
        "details": e.details,
        "message_id": e.message_id,
        "recorded_at": utcnow(),
    }


# -- clearance cases -----------------------------------------------------------------------

#: What a clearance case's new status means on the item's timeline, per flow. An export is
#: seen from the origin post (hand-over is the posting, export customs holds and releases
#: it); an import from the destination post (presented to import customs, held, released
#: back to the post, or its import terminated). Statuses of the broker's own work
#: (preparing, review, approval, filing) and customs' intermediate answers are not postal
#: events (None). EXC/EDC, "returned from customs", is the item coming back to the post
#: after customs: a release. EME and EXB carry the retention reason.
CASE_EVENT_CODES: dict[str, dict[str, tuple[str, str | None] | None]] = {
    "export": {
        "handed_over": ("EMA", None),
        "submitted": ("EXA", None),
        "manual_review": ("EXB", "documents"),
        "inspection": ("EXB", "inspection"),
        "detained": ("EXB", "other"),
        "released": ("EXC", None),
        "rejected": ("EXD", "documents"),
        "cancelled": ("EXX", None),
        "returned": ("EXX", None),
    },
    "import": {
        "submitted": ("EDB", None),
        "manual_review": ("EME", "documents"),
        "inspection": ("EME", "inspection"),
        "detained": ("EME", "other"),
        "released": ("EDC", None),
        "rejected": ("EDA", "documents"),
        "cancelled": ("EDX", None),
        "returned": ("EDX", None),
    },
}
#: Every status of the clearance case state machine: each is a webhook event kind
#: ``case.<status>``.
CASE_STATUSES = case_states.STATES


def record_case_event(case: Any, to_status: str, at: datetime | None = None) -> str | None:
    """A clearance case moved to ``to_status``: announce it to the seller's ``case.*``
    webhooks, and record the EMSEVT event it means (if any) at the configured office;
    returns that event's code.

    ``case`` needs ``id``, ``flow``, ``parcel_id``, ``order_id`` and ``seller_id`` (a
    ``ClearanceCase``). Runs in the caller's transaction, like the transition itself; the
    events of a transaction are stored together (:mod:`app.services.appends`): a batch
    moves hundreds of cases.
    """
    if to_status not in CASE_STATUSES:
        raise ValueError(f"unknown case status {to_status!r}")
    at = at or utcnow()
    webhooks.announce_case(case, to_status, at)
    mapped = CASE_EVENT_CODES.get(case.flow, {}).get(to_status)
    if mapped is None:
        return None
    code, reason = mapped
    details = {"case_id": case.id, "case_status": to_status, "reason": reason}
    item = (case.parcel_id, code, at, details)
    appends.defer(TrackingEvent.__table__, _store_case_events, [item])
    return code


def _store_case_events(items: list[tuple[str, str, datetime, dict]]) -> None:
    """Store the case events of a transaction (one parcel lookup, one insert)."""
    parcel_ids = {parcel_id for parcel_id, *_ in items}
    found = db.session.execute(select(Parcel.id, Parcel.item_id).where(Parcel.id.in_(parcel_ids)))
    item_ids = {parcel_id: item_id for parcel_id, item_id in found}
    missing = parcel_ids - set(item_ids)
    if missing:
        raise NotFound(f"Parcel {sorted(missing)[0]} not found.")
    events = [
        new_event(item_ids[parcel_id], code, None, at, "self", details, parcel_id=parcel_id)
        for parcel_id, code, at, details in items
    ]
    store(events, checked=True)


# -- reading -------------------------------------------------------------------------------


def _sort_key(e: TrackingEvent) -> tuple:
    return (e.occurred_at, emsevt.RANK.get(e.code, 99), e.office or "", e.source_key)


def timeline(item_id: str) -> list[TrackingEvent]:
    """The item's events in the order they happened."""
    rows = db.session.execute(
        select(TrackingEvent).where(TrackingEvent.item_id == item_id)
    ).scalars()
    return sorted(rows, key=_sort_key)


def local_time(e: TrackingEvent) -> datetime:
    """The event's time in the offset it was reported with."""
    return e.occurred_at.astimezone(timezone(timedelta(minutes=e.utc_offset)))


def event_view(e: TrackingEvent) -> dict:
    """An event as the seller, brokers and carriers see it."""
    spec = emsevt.BY_CODE[e.code]
    return {
        "id": e.id,
        "code": e.code,
        "label": spec.label,
        "office": e.office,
        "time": local_time(e),
        "source": e.source,
        "reason": e.reason,
        "action": e.action,
        "receptacle_id": e.receptacle_id,
        "despatch_id": e.despatch_id,
        "note": e.note,
        "recorded_at": e.recorded_at,
    }


def parcel_events(user: User, parcel_id: str) -> dict:
    """A parcel's timeline, for whoever may see its order (a seller only its own)."""
    parcel = db.session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound(f"Parcel {parcel_id} not found.")
    get_order(user, parcel.order_id)  # the order's tenant rule: NotFound for others
    events = timeline(parcel.item_id)
    return {
        "parcel_id": parcel.id,
        "item_id": parcel.item_id,
        "events": [event_view(e) for e in events],
    }


_NO_TRACKING = "No tracking information for this item id."


def public_track(item_id: str) -> dict:
    """What a recipient may see of an item: code, label, the office's city and country,
    time. Unknown and malformed ids alike are 'not found' (nothing to tell them apart)."""
    try:
        item = str(s10.parse(item_id))
    except s10.S10Error:
        raise NotFound(_NO_TRACKING, {"s10": ["unknown item id"]}) from None
    visible = [e for e in timeline(item) if emsevt.BY_CODE[e.code].recipient_visible]
    if not visible:
        raise NotFound(_NO_TRACKING, {"s10": ["unknown item id"]})
    places = office_places({e.office for e in visible if e.office})
    return {
        "item_id": item,
        "events": [
            {
                "code": e.code,
                "label": emsevt.BY_CODE[e.code].label,
                **places.get(e.office, {"city": None, "country": None}),
                "time": local_time(e),
            }
            for e in visible
        ],
    }


def office_places(codes: set[str]) -> dict[str, dict]:
    """City and country of each office: the country is the code's first two letters (IMPC
    and location codes start with it); the city is not known here without an office table."""
    return {c: {"city": None, "country": c[:2]} for c in codes}
