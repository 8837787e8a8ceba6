"""Despatches: receptacles on a lane and a transport leg; closing; their documents.

Making a despatch checks that its receptacles fit the lane (same offices of exchange, a
mail category the mode carries, one despatch identifier) and that the leg fits the lane's
mode, and takes the receptacles' despatch number. Closing numbers the receptacles 1…n in
the order they were made, flags the highest as the last (S9 position 24), checks every
identifier and the despatch with the S9 rules, freezes it, stores its PREDES and writes the
pre-advice to the partner post's outbox. The delivery bill (CN 37/38/41), the receptacle
labels and the pre-advice are served for closed despatches only: before closing the
receptacle numbers and the last flag are not final.

Tracking: closing records EMC ("departure from outward office of exchange") for every
parcel at the origin office at the closing time, since closing hands the despatch to the
transport and sends the PREDES, which partner posts take as the outward departure. No EMB
("arrival at outward office of exchange") is recorded when a parcel goes into a receptacle:
the parcel's arrival is a scan the office makes itself, earlier and elsewhere.

Customs: a closed despatch of released 9610 exports files its master/sub waybill list
(CEB607, :func:`app.services.export_movements.on_despatch_closed`).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update

from declarations import predes, s9
from declarations.despatch import BILL_FORMS, category_problem
from declarations.errors import DeclarationError
from declarations.pdf import delivery_bill, receptacle_label

from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import Despatch, Lane, Parcel, Receptacle, User
from ..models.base import utcnow
from . import audit, despatch_records, post_network, pre_advice, receptacles

RECEPTACLES = Receptacle.__table__
log = logging.getLogger(__name__)


def _track(parcel_ids: list[str], code: str, office: str, at: datetime, details: dict) -> None:
    """Record a tracking event for each parcel. The tracking service lands from another
    branch of the project; until it is there, despatches are made without events."""
    try:
        tracking = importlib.import_module(f"{__package__}.tracking")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.tracking":
            raise
        return
    for parcel_id in parcel_ids:
        tracking.record(parcel_id, code, office, at, "self", details)


# -- making ---------------------------------------------------------------------------------


def _receptacles(ids: list[str]) -> list[Receptacle]:
    found = {
        r.id: r
        for r in db.session.execute(select(Receptacle).where(Receptacle.id.in_(ids))).scalars()
    }
    missing = {
        f"receptacle_ids.{i}": ["no such receptacle"] for i, r in enumerate(ids) if r not in found
    }
    if missing:
        raise ValidationFailed("Some receptacles do not exist; see errors.", missing)
    return [found[r] for r in ids]


def _fit_problems(lane: Lane, rs: list[Receptacle]) -> dict[str, list[str]]:
    """Receptacles that do not fit the lane or each other, by position."""
    problems: dict[str, list[str]] = {}
    first = s9.parse(rs[0].s9_id).despatch_id
    for i, r in enumerate(rs):
        why = []
        if (r.origin_office, r.destination_office) != (lane.origin_office, lane.destination_office):
            why.append(
                f"offices {r.origin_office} to {r.destination_office} do not match lane "
                f"{lane.code} ({lane.origin_office} to {lane.destination_office})"
            )
        problem = category_problem(r.category, lane.mode)
        if problem:
            why.append(problem)
        despatch_id = s9.parse(r.s9_id).despatch_id
        if despatch_id != first:
            why.append(f"despatch {despatch_id} beside {first}: {s9.REASONS['mixed_despatch']}")
        if why:
            problems[f"receptacle_ids.{i}"] = why
    return problems


def _taken(rs: list[Receptacle]) -> None:
    taken = {
        f"receptacle_ids.{i}": [f"{r.s9_id} is already in despatch {r.despatch_id}"]
        for i, r in enumerate(rs)
        if r.despatch_id
    }
    if taken:
        raise Conflict("Some receptacles are already despatched; see errors.", taken)


def _move_left_out(key: dict, number: int, chosen: set[str]) -> None:
    """Open receptacles of the taken number not in this despatch join the next number."""
    left = db.session.execute(
        select(Receptacle)
        .filter_by(**key, despatch_number=number, despatch_id=None)
        .order_by(Receptacle.serial)
    ).scalars()
    for r in [r for r in left if r.id not in chosen]:
        r.despatch_number, r.serial = receptacles.next_serial(key)
        r.s9_id = str(receptacles.identify(r))
        db.session.flush()


def create(actor: User, data: dict) -> Despatch:
    """A despatch of ``data["receptacle_ids"]`` on a lane and leg; nothing stored on refusal."""
    lane = post_network.get_lane(data["lane_id"])
    t = data["transport"]
    if t["mode"] != lane.mode:
        raise ValidationFailed(
            "The transport leg does not fit the lane.",
            {"transport.mode": [f"lane {lane.code} is a {lane.mode} lane, not {t['mode']}"]},
        )
    rs = _receptacles(data["receptacle_ids"])
    _taken(rs)
    problems = _fit_problems(lane, rs)
    if problems:
        raise ValidationFailed("Some receptacles do not fit the despatch; see errors.", problems)
    first = rs[0]
    key = receptacles.series_key(first)
    try:
        receptacles.take_number(key, first.despatch_number)
        _move_left_out(key, first.despatch_number, {r.id for r in rs})
        d = Despatch(
            lane_id=lane.id,
            **key,
            despatch_number=first.despatch_number,
            status="open",
            transport=_transport_json(t),
            departure_at=t["departure"],
            arrival_at=t.get("arrival"),
            created_by=actor.id,
        )
        db.session.add(d)
        db.session.flush()
        for r in rs:
            r.despatch_id = d.id
        after = {"lane": lane.code, "receptacles": len(rs), "number": d.despatch_number}
        audit.record(actor.id, "despatch.created", "despatch", d.id, after=after)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return d


def _transport_json(t: dict) -> dict:
    legs = {k: v for k, v in t.items() if k not in ("mode", "departure", "arrival", "carrier")}
    return {"mode": t["mode"], "carrier": t.get("carrier"), "fields": legs}


def get(despatch_id: str) -> Despatch:
    d = db.session.get(Despatch, despatch_id)
    if d is None:
        raise NotFound("No such despatch.")
    return d


# -- closing --------------------------------------------------------------------------------


def recent(limit: int = 50) -> list[Despatch]:
    """The newest despatches first (the counter's list)."""
    stmt = select(Despatch).order_by(Despatch.created_at.desc(), Despatch.id).limit(limit)
    return list(db.session.execute(stmt).scalars())


def _parcels(d: Despatch) -> list[Parcel]:
    return [item.parcel for r in d.receptacles for item in r.items]


def _number(d: Despatch) -> None:
    """Serials 1…n in the order the receptacles were made (each moves down or stays, so
    going up the list never meets a serial still held), the last flag on the highest."""
    ordered = sorted(d.receptacles, key=lambda r: r.serial)
    for n, r in enumerate(ordered, 1):
        last = n == len(ordered)
        s9_id = str(receptacles.identify(r, serial=n, last=last))
        db.session.execute(
            update(RECEPTACLES)
            .where(RECEPTACLES.c.id == r.id)
            .values(serial=n, last=last, s9_id=s9_id)
        )
    for r in ordered:
        db.session.expire(r)
    db.session.expire(d, ["receptacles"])


def _verify(d: Despatch, on: datetime) -> None:
    """Every identifier and the despatch by the S9 rules (the project's own numbers, so a
    failure is a fault of the service, reported rather than stored)."""
    day = on.date()
    offices = {
        code
        for code in (d.origin_office, d.destination_office)
        if post_network.is_open(post_network.office(code), day)
    }
    ids = []
    try:
        for r in d.receptacles:
            rid = s9.parse(r.s9_id)
            s9.verify(rid, offices=offices, despatch_year=d.year, weight_kg=r.gross_weight_kg)
            ids.append(rid)
        s9.check_despatch(ids)
    except s9.S9Error as exc:
        raise Conflict(
            f"The despatch cannot be closed: {exc.message}", {exc.field: [exc.reason]}
        ) from exc


def close(actor: User, despatch_id: str) -> Despatch:
    """Number, check and freeze the despatch, store its PREDES, send the pre-advice."""
    d = get(despatch_id)
    if d.status != "open":
        raise Conflict(f"Despatch {_ident(d)} is already closed.", {"status": [d.status]})
    parcels = _parcels(d)
    docs = pre_advice.itmatt_documents(parcels, actor)  # stored per order; safe to keep
    claimed = db.session.execute(
        update(Despatch.__table__)
        .where(Despatch.__table__.c.id == d.id, Despatch.__table__.c.status == "open")
        .values(status="closing")
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict(f"Despatch {_ident(d)} was closed meanwhile.", {"status": ["closed"]})
    try:
        now = utcnow().replace(microsecond=0)
        _number(d)
        _verify(d, now)
        despatch_key = s9.parse(d.receptacles[0].s9_id).despatch_id
        items = pre_advice.item_records(despatch_key, parcels, docs)
        record = despatch_records.record(d, now, items)
        message = predes.build(record)
        d.status, d.closed_at, d.closed_by = "closed", now, actor.id
        d.pre_advice = message
        d.pre_advice_sha256 = hashlib.sha256(message).hexdigest()
        d.pre_advice_message_id = predes.message_id(record)
        audit.record(
            actor.id,
            "despatch.closed",
            "despatch",
            d.id,
            before={"status": "open"},
            after={"status": "closed", "despatch": despatch_key, "pre_advice": d.pre_advice_sha256},
        )
        db.session.commit()
    except DeclarationError as exc:
        db.session.rollback()
        raise Conflict(
            f"The pre-advice cannot be produced: {exc.summary}", {"problems": exc.problems}
        ) from exc
    except Exception:
        db.session.rollback()
        raise
    send(d)
    _track([p.id for p in parcels], "EMC", d.origin_office, now, {"despatch": despatch_key})
    db.session.commit()
    from .export_movements import on_despatch_closed

    on_despatch_closed(actor, d)  # released 9610 exports: their waybill list (CEB607)
    return d


def _ident(d: Despatch) -> str:
    if d.receptacles:
        return s9.parse(d.receptacles[0].s9_id).despatch_id
    return d.id


def send(d: Despatch) -> None:
    """Write the pre-advice to the partner's outbox unless it was sent. A failed write
    (disk full, a blocked folder) leaves it unsent; asking for the pre-advice tries again."""
    if d.pre_advice_sent_at is not None or d.pre_advice is None:
        return
    despatch_key = _ident(d)
    docs = pre_advice.itmatt_documents(_parcels(d), None)
    files = [
        (pre_advice.itmatt_name(despatch_key, p.item_id), docs[p.id].content) for p in _parcels(d)
    ]
    files.append((pre_advice.predes_name(despatch_key), d.pre_advice))
    try:
        pre_advice.send(d, files)
    except OSError as exc:
        log.warning("pre-advice of despatch %s not written: %s", despatch_key, exc)


# -- documents ------------------------------------------------------------------------------


def _closed(d: Despatch, what: str) -> None:
    if d.status != "closed":
        raise Conflict(
            f"The {what} is made when the despatch is closed: closing numbers the receptacles "
            "and flags the last one.",
            {"status": [d.status]},
        )


def delivery_bill_pdf(despatch_id: str) -> tuple[str, bytes]:
    d = get(despatch_id)
    _closed(d, "delivery bill")
    record = despatch_records.record(d, d.closed_at)
    return record.form, delivery_bill.render(record)


def label_pdf(receptacle_id: str) -> bytes:
    r = receptacles.get(receptacle_id)
    if r.despatch is None:
        raise Conflict(
            "The label is made when the receptacle's despatch is closed.", {"status": ["open"]}
        )
    d = r.despatch
    _closed(d, "receptacle label")
    record = despatch_records.record(d, d.closed_at)
    (found,) = [x for x in record.receptacles if str(x.s9) == r.s9_id]
    return receptacle_label.render(record, found)


def pre_advice_xml(despatch_id: str) -> bytes:
    d = get(despatch_id)
    _closed(d, "pre-advice")
    send(d)
    return d.pre_advice


# -- views ----------------------------------------------------------------------------------


def _receptacle_summary(r: Receptacle, closed: bool) -> dict:
    return {
        "id": r.id,
        "s9_id": r.s9_id,
        "serial": r.serial,
        "last": r.last,
        "registered": r.registered,
        "items": len(r.items),
        "gross_weight_kg": r.gross_weight_kg,
        "label_url": f"/api/v1/receptacles/{r.id}/label.pdf" if closed else None,
    }


def view(d: Despatch) -> dict:
    closed = d.status == "closed"
    base = f"/api/v1/despatches/{d.id}"
    rs = list(d.receptacles)
    weight = sum((s9.parse(r.s9_id).weight_kg for r in rs), Decimal("0.0"))
    t = d.transport
    origin = post_network.office(d.origin_office)
    destination = post_network.office(d.destination_office)
    return {
        "id": d.id,
        "despatch_id": _ident(d),
        "status": d.status,
        "lane_id": d.lane_id,
        "lane_code": d.lane.code,
        "origin_office": d.origin_office,
        "destination_office": d.destination_office,
        "mail_category": d.category,
        "mail_subclass": d.subclass,
        "year": d.year,
        "despatch_number": d.despatch_number,
        "transport": {
            "mode": t["mode"],
            **({"carrier": t["carrier"]} if t.get("carrier") else {}),
            **(t.get("fields") or {}),
            **({"border_crossing": d.lane.border_crossing} if d.lane.border_crossing else {}),
        },
        "departure_at": despatch_records.local_time(d.departure_at, origin),
        "arrival_at": despatch_records.local_time(d.arrival_at, destination),
        "receptacles": [_receptacle_summary(r, closed) for r in rs],
        "totals": {
            "receptacles": len(rs),
            "items": sum(len(r.items) for r in rs),
            "gross_weight_kg": weight,
        },
        "delivery_bill": {
            "form": BILL_FORMS[d.category],
            "url": f"{base}/delivery-bill.pdf" if closed else None,
        },
        "pre_advice": {
            "url": f"{base}/pre-advice" if closed else None,
            "message_id": d.pre_advice_message_id,
            "sha256": d.pre_advice_sha256,
            "sent_at": d.pre_advice_sent_at,
        },
        "closed_at": despatch_records.local_time(d.closed_at, origin),
        "created_at": d.created_at,
    }
