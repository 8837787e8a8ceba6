"""Dated, sourced tables of what a parcel may not carry and which identifiers it needs.

Two tables under ``data/restrictions/``: ``goods.yaml`` (restricted and prohibited goods by
HS 2022 prefix, scoped by origin, destination and channel) and ``tax_ids.yaml`` (the tax or
customs identifier a destination needs, on which field, when). Every row names its source and
validity dates; the loader refuses a row without them, or with an HS prefix that names no
HS 2022 chapter, heading or subheading, so a table error shows at load time and never as a
silently missed check. Framework-free: the application's risk checks apply the rows.

Regions: ``EU`` in a row means the member states, which are the destinations the tariff
assesses under its EU regime (``data/destinations/eu.yaml``) on the date in question, so the
member list is kept in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from . import nomenclature
from .errors import DataError, NotCovered
from .loader import load_tariff
from .model import Dated

DATA_DIR = Path(__file__).with_name("data") / "restrictions"
GOODS_FILE = DATA_DIR / "goods.yaml"
TAX_IDS_FILE = DATA_DIR / "tax_ids.yaml"

#: How severe a finding of each kind of restriction is.
SEVERITY = {"prohibited": "blocking", "restricted": "warning", "licence": "warning"}
SEVERITIES = ("blocking", "warning", "info")
CONDITIONS = ("always", "seller_collects_vat", "recipient_company", "cbec_import")
FLOWS = ("import", "export")
CHANNELS = ("post", "express")  # the order field's values
REGIONS = ("EU",)

InRegion = Callable[[str, str, date], bool]


@dataclass(frozen=True, slots=True)
class GoodsRestriction(Dated):
    """One rule on goods under some HS prefixes, for a scope of routes."""

    id: str
    category: str
    kind: str
    hs: tuple[str, ...]
    origins: tuple[str, ...] | None
    destinations: tuple[str, ...] | None
    channels: tuple[str, ...] | None
    rule: str
    source: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]

    def prefix_of(self, hs_code: str) -> str | None:
        """The longest of the row's prefixes that ``hs_code`` starts with, if any."""
        digits = nomenclature.normalise(hs_code)
        hits = [p for p in self.hs if digits.startswith(p)]
        return max(hits, key=len) if hits else None


@dataclass(frozen=True, slots=True)
class TaxIdRequirement(Dated):
    """An identifier a destination needs on one field of the order, and when."""

    id: str
    destinations: tuple[str, ...]
    flows: tuple[str, ...] | None
    field: str
    id_kind: str
    when: str
    missing: str
    invalid: str
    rule: str
    source: str


# -- scope ---------------------------------------------------------------------------------


def in_region(region: str, country: str, on: date) -> bool:
    """True when ``country`` is a member of ``region`` on ``on`` (EU: assessed by the
    tariff under its EU regime)."""
    if region != "EU":
        return False
    try:
        return load_tariff().profile(country, on).regime == "eu"
    except NotCovered:
        return False


def _place_matches(
    codes: tuple[str, ...] | None, country: str, on: date, regions: InRegion
) -> bool:
    if codes is None:
        return True
    return any(code == country or regions(code, country, on) for code in codes)


@lru_cache(maxsize=8192)
def _rows_of(hs_code: str) -> tuple[tuple[GoodsRestriction, str], ...]:
    """The goods rows whose HS prefixes ``hs_code`` falls under, each with the prefix it
    matched (worked out once per code: every line of every order asks)."""
    return tuple((row, prefix) for row in load_goods() if (prefix := row.prefix_of(hs_code)))


def goods_restrictions(
    hs_code: str,
    *,
    origin: str,
    destination: str,
    channel: str,
    on: date,
    regions: InRegion = in_region,
) -> list[tuple[GoodsRestriction, str]]:
    """The rows that apply to a line of ``hs_code`` on that route and date, each with the
    prefix it matched, most severe first (table order among equals)."""
    found = []
    for row, prefix in _rows_of(hs_code):
        if not row.covers(on):
            continue
        if row.channels is not None and channel not in row.channels:
            continue
        if _place_matches(row.origins, origin, on, regions) and _place_matches(
            row.destinations, destination, on, regions
        ):
            found.append((row, prefix))
    found.sort(key=lambda hit: SEVERITIES.index(hit[0].severity))
    return found


def tax_id_requirements(
    *, destination: str, flow: str, on: date, regions: InRegion = in_region
) -> list[TaxIdRequirement]:
    """The identifier requirements in force for a parcel to ``destination`` on ``on``."""
    return [
        row
        for row in load_tax_ids()
        if row.covers(on)
        and (row.flows is None or flow in row.flows)
        and _place_matches(row.destinations, destination, on, regions)
    ]


# -- loading -------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise DataError(f"{path.name}: a list of rows under 'rows' is expected")
    return rows


def _require(row: dict, where: str, keys: Iterable[str]) -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise DataError(f"{where}: missing {', '.join(missing)}")
    for key in ("id", "rule", "source"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise DataError(f"{where}: {key} must be a non-empty text")
    if not isinstance(row["valid_from"], date):
        raise DataError(f"{where}: valid_from must be a date")
    if row["valid_to"] is not None and not (
        isinstance(row["valid_to"], date) and row["valid_to"] >= row["valid_from"]
    ):
        raise DataError(f"{where}: valid_to must be null or a date from valid_from on")


def _codes(value, where: str, allowed: Iterable[str] | None = None) -> tuple[str, ...] | None:
    """A scope list: None for any, else ISO alpha-2 codes or the region names."""
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise DataError(f"{where}: a scope is null or a non-empty list")
    codes = tuple(str(v) for v in value)
    for code in codes:
        ok = code in allowed if allowed is not None else (code in REGIONS or _is_alpha2(code))
        if not ok:
            raise DataError(f"{where}: {code!r} is not allowed here")
    return codes


def _is_alpha2(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper()


def _one_of(value, allowed: Iterable[str], where: str) -> str:
    if value not in tuple(allowed):
        raise DataError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _goods_row(row: dict, where: str) -> GoodsRestriction:
    _require(
        row,
        where,
        (
            "id",
            "category",
            "kind",
            "hs",
            "origins",
            "destinations",
            "channels",
            "rule",
            "source",
            "valid_from",
            "valid_to",
        ),
    )
    prefixes = tuple(str(p) for p in row["hs"] or ())
    bad = [p for p in prefixes if not nomenclature.exists(p)]
    if not prefixes or bad:
        raise DataError(f"{where}: HS prefixes {bad or '[]'} name nothing in HS 2022")
    return GoodsRestriction(
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        id=row["id"],
        category=str(row["category"]),
        kind=_one_of(row["kind"], SEVERITY, where),
        hs=prefixes,
        origins=_codes(row["origins"], where),
        destinations=_codes(row["destinations"], where),
        channels=_codes(row["channels"], where, CHANNELS),
        rule=" ".join(row["rule"].split()),
        source=" ".join(row["source"].split()),
    )


def _tax_id_row(row: dict, where: str) -> TaxIdRequirement:
    _require(
        row,
        where,
        (
            "id",
            "destinations",
            "flows",
            "field",
            "id_kind",
            "when",
            "missing",
            "invalid",
            "rule",
            "source",
            "valid_from",
            "valid_to",
        ),
    )
    destinations = _codes(row["destinations"], where)
    if destinations is None:
        raise DataError(f"{where}: destinations must be listed")
    return TaxIdRequirement(
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        id=row["id"],
        destinations=destinations,
        flows=_codes(row["flows"], where, FLOWS),
        field=str(row["field"]),
        id_kind=str(row["id_kind"]),
        when=_one_of(row["when"], CONDITIONS, where),
        missing=_one_of(row["missing"], SEVERITIES, where),
        invalid=_one_of(row["invalid"], SEVERITIES, where),
        rule=" ".join(row["rule"].split()),
        source=" ".join(row["source"].split()),
    )


def _load(path: Path, make: Callable[[dict, str], Dated]) -> tuple:
    rows, seen = [], set()
    for n, raw in enumerate(_rows(path), start=1):
        where = f"{path.name} row {n}"
        if not isinstance(raw, dict):
            raise DataError(f"{where}: a row is a mapping")
        row = make(raw, where)
        if row.id in seen:  # type: ignore[attr-defined]
            raise DataError(f"{where}: id {row.id} repeats")  # type: ignore[attr-defined]
        seen.add(row.id)  # type: ignore[attr-defined]
        rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=4)
def load_goods(path: Path = GOODS_FILE) -> tuple[GoodsRestriction, ...]:
    """The goods table (read once per process and path)."""
    return _load(path, _goods_row)


@lru_cache(maxsize=4)
def load_tax_ids(path: Path = TAX_IDS_FILE) -> tuple[TaxIdRequirement, ...]:
    """The identifier-requirements table (read once per process and path)."""
    return _load(path, _tax_id_row)
