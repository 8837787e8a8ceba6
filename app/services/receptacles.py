"""Closing released parcels into receptacles, and the despatch numbers of each series.

A receptacle belongs to a despatch series (origin and destination office, mail category,
subclass, year) and joins the series' *open* despatch number, taking the next receptacle
serial in it; the first receptacle of a series opens a new number. The year is the year
the number is given out, at the origin office's local time (the research left open whether
S9's year digit is the closing year; a despatch keeps the year of its number). Making a
despatch of the receptacles takes their number (:func:`take_number`); closing it numbers
them 1, 2, … for good.

Numbers are handed out with single ``UPDATE … RETURNING`` statements on the series row in
the caller's transaction, so concurrent requests never receive the same serial.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from declarations import s9
from declarations.despatch import weight_problem

from ..errors import Conflict, DomainError, NotFound, ValidationFailed
from ..extensions import db
from ..models import DespatchSeries, Order, Parcel, Receptacle, ReceptacleItem, User
from ..models.base import utcnow
from . import audit, post_network

SERIES = DespatchSeries.__table__
#: The order statuses in which a parcel has cleared export customs.
RELEASED = ("released",)


def released_for_export(order: Order) -> str | None:
    """Why the order's parcels may not go into a receptacle yet, or None.

    A parcel leaves only when export customs released it: the order is an export whose
    status is ``released`` (set by the CEB inventory receipt 800/899). It must also travel
    by post, not by express courier.
    """
    if order.flow != "export":
        return f"order {order.order_no} is an {order.flow}, not an export"
    if order.status not in RELEASED:
        return f"order {order.order_no} is {order.status}, not released for export"
    if order.channel != "post":
        return f"order {order.order_no} travels by {order.channel}, not by post"
    return None


def _parcels(ids: list[str]) -> list[Parcel]:
    """The parcels in the order given; an unknown id is refused by its position."""
    found = {
        p.id: p for p in db.session.execute(select(Parcel).where(Parcel.id.in_(ids))).scalars()
    }
    missing = {
        f"parcel_ids.{i}": ["no such parcel"] for i, pid in enumerate(ids) if pid not in found
    }
    if missing:
        raise ValidationFailed("Some parcels do not exist; see errors.", missing)
    return [found[pid] for pid in ids]


def _eligibility(parcels: list[Parcel]) -> None:
    """Refuse parcels not released for export and parcels already in a receptacle."""
    ids = [p.id for p in parcels]
    bagged = dict(
        db.session.execute(
            select(ReceptacleItem.parcel_id, Receptacle.s9_id)
            .join(Receptacle, Receptacle.id == ReceptacleItem.receptacle_id)
            .where(ReceptacleItem.parcel_id.in_(ids))
        ).all()
    )
    problems: dict[str, list[str]] = {}
    for i, parcel in enumerate(parcels):
        reason = released_for_export(parcel.order)
        if parcel.id in bagged:
            reason = f"{parcel.item_id} is already in receptacle {bagged[parcel.id]}"
        if reason:
            problems[f"parcel_ids.{i}"] = [reason]
    if problems:
        raise Conflict("Some parcels cannot go into a receptacle; see errors.", problems)


def _offices(data: dict) -> None:
    problems = {}
    today = utcnow().date()
    for field in ("origin_office", "destination_office"):
        office = post_network.office(data[field])
        if office is None:
            problems[field] = [f"{data[field]} is not in the office table"]
        elif not post_network.is_open(office, today):
            problems[field] = [f"{data[field]} is closed on {today}"]
    if problems:
        raise ValidationFailed("Unknown office of exchange; see errors.", problems)


def _weights(data: dict, parcels: list[Parcel]) -> tuple[Decimal, Decimal, Decimal]:
    """(gross weight for the S9 id, contents, tare); refuses a weight that does not add up."""
    contents = sum((p.gross_weight_kg for p in parcels), Decimal("0"))
    tare = data.get("tare_kg") or Decimal("0")
    declared = data.get("gross_weight_kg")
    if declared is not None:
        problem = weight_problem(declared, contents, tare)
        if problem:
            raise ValidationFailed(
                "The receptacle weight does not add up.", {"gross_weight_kg": [problem]}
            )
    gross = declared if declared is not None else contents + tare
    try:
        s9.weight_units(gross)
    except s9.S9Error as exc:
        raise ValidationFailed(
            "The receptacle is too heavy.", {"gross_weight_kg": [exc.message]}
        ) from exc
    return gross, contents, tare


def local_year(office_code: str, at: datetime) -> int:
    office = post_network.office(office_code)
    return at.astimezone(ZoneInfo(office.timezone)).year


def series_key(r: Receptacle | dict) -> dict:
    get = r.get if isinstance(r, dict) else lambda k: getattr(r, k)
    return {
        k: get(k) for k in ("origin_office", "destination_office", "category", "subclass", "year")
    }


def _where(key: dict):
    return and_(*(SERIES.c[k] == v for k, v in key.items()))


def next_serial(key: dict) -> tuple[int, int]:
    """(despatch number, receptacle serial) for a new receptacle of the series."""
    if db.session.get(DespatchSeries, tuple(key.values())) is None:
        try:
            with db.session.begin_nested():
                db.session.add(DespatchSeries(**key, last_number=0, open_serial=0))
        except IntegrityError:
            pass  # another request made the series first
    db.session.execute(
        update(SERIES)
        .where(_where(key), SERIES.c.open_number.is_(None))
        .values(
            last_number=SERIES.c.last_number + 1,
            open_number=SERIES.c.last_number + 1,
            open_serial=0,
        )
    )
    number, serial = db.session.execute(
        update(SERIES)
        .where(_where(key))
        .values(open_serial=SERIES.c.open_serial + 1)
        .returning(SERIES.c.open_number, SERIES.c.open_serial)
    ).one()
    if number > 9999:
        raise Conflict("The despatch numbers of this series for the year are used up (9999).")
    if serial > 999:
        raise Conflict(
            f"Despatch number {number:04d} already holds 999 receptacles; despatch them first."
        )
    return number, serial


def take_number(key: dict, number: int) -> None:
    """A despatch takes the series' open number: new receptacles open the next one."""
    done = db.session.execute(
        update(SERIES)
        .where(_where(key), SERIES.c.open_number == number)
        .values(open_number=None, open_serial=0)
    )
    if done.rowcount != 1:
        raise Conflict(f"Despatch number {number:04d} was taken concurrently; retry.")


def identify(
    r: Receptacle, *, serial: int | None = None, last: bool | None = None
) -> s9.ReceptacleId:
    """The receptacle's S9 identifier from its fields, or with another ``serial`` and
    ``last`` flag (checked by the S9 rules)."""
    return s9.build(
        origin=r.origin_office,
        destination=r.destination_office,
        category=r.category,
        subclass=r.subclass,
        year=r.year,
        despatch_number=r.despatch_number,
        serial=r.serial if serial is None else serial,
        weight_kg=r.gross_weight_kg,
        last=r.last if last is None else last,
        registered=r.registered,
    )


def create(actor: User, data: dict) -> Receptacle:
    """Close ``data["parcel_ids"]`` into a new receptacle; nothing is stored on a refusal."""
    _offices(data)
    parcels = _parcels(data["parcel_ids"])
    _eligibility(parcels)
    gross, contents, tare = _weights(data, parcels)
    key = {
        "origin_office": data["origin_office"],
        "destination_office": data["destination_office"],
        "category": data["mail_category"],
        "subclass": data["mail_subclass"],
        "year": local_year(data["origin_office"], utcnow()),
    }
    try:
        number, serial = next_serial(key)
        r = Receptacle(
            **key,
            despatch_number=number,
            serial=serial,
            registered=data["registered"],
            gross_weight_kg=gross,
            declared_weight_kg=data.get("gross_weight_kg"),
            contents_weight_kg=contents,
            tare_kg=data.get("tare_kg"),
            created_by=actor.id,
        )
        r.s9_id = str(identify(r))
        db.session.add(r)
        db.session.flush()
        for seq, parcel in enumerate(parcels, 1):
            db.session.add(ReceptacleItem(parcel_id=parcel.id, receptacle_id=r.id, seq=seq))
        after = {"s9_id": r.s9_id, "parcels": len(parcels), "gross_weight_kg": str(gross)}
        audit.record(actor.id, "receptacle.created", "receptacle", r.id, after=after)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict("A parcel was put into another receptacle meanwhile; retry.") from exc
    return r


def get(receptacle_id: str) -> Receptacle:
    r = db.session.get(Receptacle, receptacle_id)
    if r is None:
        raise NotFound("No such receptacle.")
    return r


def undespatched(limit: int = 500) -> list[Receptacle]:
    """Receptacles on no despatch yet, oldest first (what a despatch may take)."""
    stmt = (
        select(Receptacle)
        .where(Receptacle.despatch_id.is_(None))
        .order_by(Receptacle.created_at, Receptacle.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def status(r: Receptacle) -> str:
    if r.despatch is None:
        return "open"
    return "closed" if r.despatch.status == "closed" else "despatched"


def view(r: Receptacle) -> dict:
    rid = s9.parse(r.s9_id)
    closed = status(r) == "closed"
    return {
        "id": r.id,
        "s9_id": r.s9_id,
        "s9_grouped": rid.grouped,
        "final": closed,
        "status": status(r),
        "origin_office": r.origin_office,
        "destination_office": r.destination_office,
        "mail_category": r.category,
        "mail_class": rid.mail_class,
        "mail_subclass": r.subclass,
        "year": r.year,
        "despatch_number": r.despatch_number,
        "serial": r.serial,
        "last": r.last,
        "registered": r.registered,
        "gross_weight_kg": r.gross_weight_kg,
        "declared_weight_kg": r.declared_weight_kg,
        "contents_weight_kg": r.contents_weight_kg,
        "tare_kg": r.tare_kg,
        "parcels": [
            {
                "parcel_id": i.parcel_id,
                "item_id": i.parcel.item_id,
                "gross_weight_kg": i.parcel.gross_weight_kg,
            }
            for i in r.items
        ],
        "despatch_id": r.despatch_id,
        "label_url": f"/api/v1/receptacles/{r.id}/label.pdf" if closed else None,
        "created_at": r.created_at,
    }
