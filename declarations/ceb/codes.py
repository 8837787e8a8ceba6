"""China customs code tables (country, currency, unit) and their ISO equivalents.

The tables are project data files under ``data/`` (CSV with a ``source`` column per row) rather
than Python literals so they can be reviewed and extended without touching code. They are read
once, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from declarations.errors import DeclarationError

DATA_DIR = Path(__file__).resolve().parent / "data"
CNY = "142"


class UnknownCodeError(DeclarationError):
    """A country, currency or unit with no China customs code in the project tables."""


@dataclass(frozen=True, slots=True)
class Tables:
    country_by_iso: dict[str, str]
    iso_by_country: dict[str, str]
    currency_by_iso: dict[str, str]
    unit_by_name: dict[str, str]
    name_by_unit: dict[str, str]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def tables() -> Tables:
    countries = _rows("countries.csv")
    currencies = _rows("currencies.csv")
    units = _rows("units.csv")
    unit_by_name: dict[str, str] = {}
    for row in units:
        for alias in [row["name"], row["name_zh"], *row["aliases"].split(";")]:
            if alias:
                unit_by_name.setdefault(alias.strip().lower(), row["cn_code"])
    return Tables(
        country_by_iso={r["iso2"]: r["cn_code"] for r in countries},
        iso_by_country={r["cn_code"]: r["iso2"] for r in countries},
        currency_by_iso={r["iso3"]: r["cn_code"] for r in currencies},
        unit_by_name=unit_by_name,
        name_by_unit={r["cn_code"]: r["name"] for r in units},
    )


def _look_up(table: dict[str, str], key: str, missing: str, value: str) -> str:
    """``table[key]``; ``missing`` (formatted with ``value``) says what is not there."""
    found = table.get(key)
    if found is None:
        raise UnknownCodeError(missing.format(value))
    return found


def country_code(iso2: str) -> str:
    """Customs country code for an ISO 3166-1 alpha-2 code (``JP`` -> ``116``)."""
    table = tables().country_by_iso
    return _look_up(table, (iso2 or "").upper(), "no China customs country code for {!r}", iso2)


def iso_country(cn_code: str) -> str:
    table = tables().iso_by_country
    return _look_up(table, cn_code, "unknown China customs country code {!r}", cn_code)


def currency_code(iso3: str) -> str:
    """Customs currency code for an ISO 4217 code (``CNY`` -> ``142``)."""
    table = tables().currency_by_iso
    return _look_up(table, (iso3 or "").upper(), "no China customs currency code for {!r}", iso3)


def unit_code(unit: str) -> str:
    """Customs unit code for a unit name or alias (``pair`` -> ``025``); a three-digit code
    from the table is accepted as is."""
    t = tables()
    key = (unit or "").strip().lower()
    if key in t.name_by_unit:
        return key
    return _look_up(t.unit_by_name, key, "no China customs unit code for {!r}", unit)
