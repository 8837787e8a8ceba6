"""The reviewed postal network data: offices of exchange, border crossings and lanes.

``data/offices.yaml`` and ``data/lanes.yaml`` hold the rows with their sources; this module
reads them into plain records and holds the rules every lane obeys, whether it comes from
those files or from an administrator: both offices known and different, a mode of
:data:`declarations.despatch.MODES`, a border crossing from the table for every rail lane
(and optionally a road lane), none for air and sea. The application seeds its tables from
here and checks lanes added through the API with :func:`lane_problems`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from declarations import impc
from declarations.despatch import MODES

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Modes whose lanes name a border crossing: required for rail, allowed for road.
CROSSING_REQUIRED = ("rail",)
CROSSING_ALLOWED = ("rail", "road")


@dataclass(frozen=True, slots=True)
class OfficeRow:
    code: str
    name: str
    timezone: str
    source: str
    operator_code: str = ""
    operator_name: str = ""
    note: str = ""
    reviewed: bool = False

    @property
    def country(self) -> str:
        return self.code[:2]


@dataclass(frozen=True, slots=True)
class Crossing:
    code: str
    name: str
    country: str
    across: str
    carries_mail: bool
    source: str


@dataclass(frozen=True, slots=True)
class LaneRow:
    origin: str
    destination: str
    mode: str
    source: str
    border_crossing: str = ""
    gateway: str = ""
    note: str = ""
    reviewed: bool = False

    @property
    def code(self) -> str:
        return lane_code(self.origin, self.destination, self.mode, self.border_crossing)


def lane_code(origin: str, destination: str, mode: str, border_crossing: str = "") -> str:
    """The lane's natural key, e.g. ``CNDGGA-LTVNOA-RAIL-KHORGOS``."""
    parts = [origin, destination, mode.upper()] + ([border_crossing] if border_crossing else [])
    return "-".join(parts)


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def lane_problems(
    origin: str, destination: str, mode: str, border_crossing: str, offices: set[str]
) -> dict[str, list[str]]:
    """What is wrong with a lane, by field; empty when it may be stored."""
    problems: dict[str, list[str]] = {}
    for field, code in (("origin_office", origin), ("destination_office", destination)):
        if code not in offices:
            problems[field] = [f"{code!r} is not an office of exchange in the office table"]
    if origin == destination:
        problems["destination_office"] = ["a lane joins two different offices"]
    if mode not in MODES:
        problems["mode"] = [f"{mode!r} is not one of {', '.join(MODES)}"]
    elif border_crossing and mode not in CROSSING_ALLOWED:
        problems["border_crossing"] = [f"an {mode} lane crosses no land border"]
    elif not border_crossing and mode in CROSSING_REQUIRED:
        problems["border_crossing"] = [f"a {mode} lane names its border crossing"]
    if border_crossing and border_crossing not in crossings():
        known = ", ".join(crossings())
        problems["border_crossing"] = [f"{border_crossing!r} is not one of {known}"]
    return problems


def _read(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def offices() -> tuple[OfficeRow, ...]:
    """Every office in ``offices.yaml``, its source spelled out; a malformed row raises."""
    doc = _read("offices.yaml")
    sources, operators = doc["sources"], doc["operators"]
    rows = []
    for r in doc["offices"]:
        impc.parse(r["code"])
        if not is_timezone(r["timezone"]):
            raise ValueError(f"office {r['code']}: unknown time zone {r['timezone']!r}")
        operator = r.get("operator", "")
        rows.append(
            OfficeRow(
                code=r["code"],
                name=r["name"],
                timezone=r["timezone"],
                source=sources[r.get("source", "impc_snapshot")],
                operator_code=operator,
                operator_name=operators[operator] if operator else "",
                note=r.get("note", ""),
                reviewed=bool(r.get("reviewed", False)),
            )
        )
    return tuple(rows)


@cache
def crossings() -> dict[str, Crossing]:
    doc = _read("lanes.yaml")
    sources = doc["sources"]
    return {
        c["code"]: Crossing(
            c["code"],
            c["name"],
            c["country"],
            c["across"],
            bool(c["carries_mail"]),
            "; ".join(sources[s] for s in c["sources"]),
        )
        for c in doc["border_crossings"]
    }


@cache
def lanes() -> tuple[LaneRow, ...]:
    """Every lane in ``lanes.yaml``; a lane breaking :func:`lane_problems` raises."""
    doc = _read("lanes.yaml")
    known = {o.code for o in offices()}
    rows = []
    for r in doc["lanes"]:
        row = LaneRow(
            origin=r["origin"],
            destination=r["destination"],
            mode=r["mode"],
            source=doc["sources"][r["source"]],
            border_crossing=r.get("border_crossing", ""),
            gateway=r.get("gateway", ""),
            note=r.get("note", ""),
            reviewed=bool(r.get("reviewed", False)),
        )
        problems = lane_problems(row.origin, row.destination, row.mode, row.border_crossing, known)
        if problems:
            raise ValueError(f"lane {row.code}: {problems}")
        rows.append(row)
    return tuple(rows)
