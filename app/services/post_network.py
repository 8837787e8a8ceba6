"""Offices of exchange and lanes: seeded from the reviewed data files, extended by API.

:func:`ensure_seeded` runs before every read or write of these tables and inserts the rows
of ``declarations/data/offices.yaml`` and ``lanes.yaml`` that are missing (by office code and
lane code), once per application: idempotent, it never changes a stored row, so an office an
administrator corrected keeps the correction.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from declarations import postal_network

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import Lane, Office, User
from . import audit

_SEEDED = "silkpost.posts.seeded"


def seed() -> int:
    """Insert the data files' offices and lanes that are not stored; returns how many."""
    stored = set(db.session.execute(select(Office.code)).scalars())
    added = 0
    for row in postal_network.offices():
        if row.code not in stored:
            db.session.add(
                Office(
                    code=row.code,
                    name=row.name,
                    country=row.country,
                    operator_code=row.operator_code or None,
                    operator_name=row.operator_name or None,
                    timezone=row.timezone,
                    reviewed=row.reviewed,
                    source=row.source,
                    note=row.note or None,
                    origin="seed",
                )
            )
            added += 1
    db.session.flush()
    lanes = set(db.session.execute(select(Lane.code)).scalars())
    for lane in postal_network.lanes():
        if lane.code not in lanes:
            db.session.add(_lane_row(lane))
            added += 1
    return added


def _lane_row(lane: postal_network.LaneRow) -> Lane:
    return Lane(
        code=lane.code,
        origin_office=lane.origin,
        destination_office=lane.destination,
        mode=lane.mode,
        border_crossing=lane.border_crossing or None,
        gateway=lane.gateway or None,
        reviewed=lane.reviewed,
        source=lane.source,
        note=lane.note or None,
        origin="seed",
    )


def ensure_seeded() -> None:
    """Seed once per application (another process seeding at the same time is harmless)."""
    if current_app.extensions.get(_SEEDED):
        return
    try:
        if seed():
            db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another process inserted the same rows first
    current_app.extensions[_SEEDED] = True


# -- offices -------------------------------------------------------------------------------


def is_open(office: Office, on: date) -> bool:
    """Whether the office exchanges mail on ``on`` (code list 108b, not 108a)."""
    return (office.valid_from is None or office.valid_from <= on) and (
        office.valid_to is None or on <= office.valid_to
    )


def offices() -> list[Office]:
    ensure_seeded()
    return list(db.session.execute(select(Office).order_by(Office.code)).scalars())


def office(code: str) -> Office | None:
    ensure_seeded()
    return db.session.get(Office, code)


def create_office(actor: User, data: dict) -> Office:
    ensure_seeded()
    if db.session.get(Office, data["code"]) is not None:
        raise Conflict(
            f"Office {data['code']} is already in the office table.",
            {"code": ["already stored"]},
        )
    row = Office(**data, country=data["code"][:2], origin="api", created_by=actor.id)
    db.session.add(row)
    audit.record(actor.id, "office.created", "office", row.code, after=_office_state(data))
    _commit_new(f"Office {data['code']} was added concurrently.", "code")
    return row


def _office_state(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _commit_new(message: str, field: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(message, {field: ["already stored"]}) from exc


# -- lanes ---------------------------------------------------------------------------------


def lanes(mode: str | None = None, origin: str | None = None, destination: str | None = None):
    ensure_seeded()
    stmt = select(Lane).order_by(Lane.code)
    for column, value in (
        (Lane.mode, mode),
        (Lane.origin_office, origin),
        (Lane.destination_office, destination),
    ):
        if value:
            stmt = stmt.where(column == value)
    return list(db.session.execute(stmt).scalars())


def get_lane(lane_id: str) -> Lane:
    ensure_seeded()
    lane = db.session.get(Lane, lane_id)
    if lane is None:
        raise NotFound("No such lane.", {"lane_id": ["no such lane"]})
    return lane


def create_lane(actor: User, data: dict) -> Lane:
    ensure_seeded()
    crossing = data.get("border_crossing") or ""
    known = set(db.session.execute(select(Office.code)).scalars())
    origin, destination, mode = data["origin_office"], data["destination_office"], data["mode"]
    problems = postal_network.lane_problems(origin, destination, mode, crossing, known)
    if problems:
        raise ValidationFailed("The lane cannot be stored; see errors.", problems)
    code = postal_network.lane_code(origin, destination, mode, crossing)
    if db.session.execute(select(Lane.id).where(Lane.code == code)).first():
        raise Conflict(f"Lane {code} is already stored.", {"code": ["already stored"]})
    lane = Lane(code=code, **data, origin="api", created_by=actor.id)
    db.session.add(lane)
    db.session.flush()
    audit.record(actor.id, "lane.created", "lane", lane.id, after={"code": code, **data})
    _commit_new(f"Lane {code} was added concurrently.", "code")
    return lane


def lane_view(lane: Lane) -> dict:
    crossing = postal_network.crossings().get(lane.border_crossing or "")
    return {
        "id": lane.id,
        "code": lane.code,
        "origin_office": lane.origin_office,
        "destination_office": lane.destination_office,
        "mode": lane.mode,
        "border_crossing": None
        if crossing is None
        else {
            "code": crossing.code,
            "name": crossing.name,
            "across": crossing.across,
            "carries_mail": crossing.carries_mail,
            "source": crossing.source,
        },
        "gateway": lane.gateway,
        "carrier": lane.carrier,
        "reviewed": lane.reviewed,
        "source": lane.source,
        "note": lane.note,
        "origin": lane.origin,
    }
