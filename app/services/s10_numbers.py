"""Issuing S10 item ids from configured ranges with a durable, race-free counter.

The counter row is advanced with one ``UPDATE … RETURNING`` inside the caller's
transaction: concurrent processes serialise on the row, a rolled-back transaction gives
its numbers back, and nothing is ever issued twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from declarations import s10

from ..errors import Conflict
from ..extensions import db
from ..models import S10Counter


@dataclass(frozen=True)
class S10Range:
    service: str
    country: str
    first: int
    last: int


def parse_ranges(spec: str) -> list[S10Range]:
    """Parse ``"HA:CN:00000001-99999999,EA:CN:1-5000"`` into ranges (first is the default)."""
    ranges = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        m = re.fullmatch(r"([A-Z]{2}):([A-Z]{2}):(\d{1,8})-(\d{1,8})", part.upper())
        if not m:
            raise ValueError(f"bad S10 range {part!r}; expected SERVICE:COUNTRY:FIRST-LAST")
        first, last = int(m.group(3)), int(m.group(4))
        if first > last:
            raise ValueError(f"bad S10 range {part!r}: first > last")
        s10.build(m.group(1), first, m.group(2))  # rejects reserved service letters
        ranges.append(S10Range(m.group(1), m.group(2), first, last))
    if not ranges:
        raise ValueError("no S10 range configured")
    return ranges


def _range_for(service: str | None, country: str | None) -> S10Range:
    ranges = parse_ranges(current_app.config["S10_RANGES"])
    if service is None and country is None:
        return ranges[0]
    for r in ranges:
        if r.service == service and r.country == country:
            return r
    raise Conflict(f"No S10 range is configured for service {service} and country {country}.")


def _ensure_counter(r: S10Range) -> None:
    if db.session.get(S10Counter, (r.service, r.country)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                S10Counter(
                    service=r.service, country=r.country, next_serial=r.first, last_serial=r.last
                )
            )
    except IntegrityError:
        pass  # another process created it first


def _advance(r: S10Range, count: int) -> int | None:
    """Move the range's counter on by ``count``: the serial after the last one reserved, or
    None when there is no counter yet or too few serials are left."""
    row = db.session.execute(
        text(
            "UPDATE s10_counters SET next_serial = next_serial + :n "
            "WHERE service = :s AND country = :c AND next_serial + :n - 1 <= last_serial "
            "RETURNING next_serial"
        ),
        {"n": count, "s": r.service, "c": r.country},
    ).first()
    return None if row is None else row[0]


def allocate(count: int, service: str | None = None, country: str | None = None) -> list[str]:
    """Reserve ``count`` consecutive ids in the current transaction and return them."""
    if count <= 0:
        return []
    r = _range_for(service, country)
    end = _advance(r, count)
    if end is None:  # the range's first use (no counter row yet), or the range is used up
        _ensure_counter(r)
        end = _advance(r, count)
    if end is None:
        raise Conflict(
            f"The S10 range {r.service}…{r.country} is exhausted; configure a new range."
        )
    return [str(s10.build(r.service, n, r.country)) for n in range(end - count, end)]
