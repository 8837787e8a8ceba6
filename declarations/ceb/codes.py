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


def country_code(iso2: str) -> str:
    """Customs country code for an ISO 3166-1 alpha-2 code (``JP`` -> ``116``)."""
    code = tables().country_by_iso.get((iso2 or "").upper())
    if code is None:
        raise UnknownCodeError(f"no China customs country code for {iso2!r}")
    return code


def iso_country(cn_code: str) -> str:
    iso = tables().iso_by_country.get(cn_code)
    if iso is None:
        raise UnknownCodeError(f"unknown China customs country code {cn_code!r}")
    return iso


def currency_code(iso3: str) -> str:
    """Customs currency code for an ISO 4217 code (``CNY`` -> ``142``)."""
    code = tables().currency_by_iso.get((iso3 or "").upper())
    if code is None:
        raise UnknownCodeError(f"no China customs currency code for {iso3!r}")
    return code


def unit_code(unit: str) -> str:
    """Customs unit code for a unit name or alias (``pair`` -> ``025``); a three-digit code
    from the table is accepted as is."""
    t = tables()
    key = (unit or "").strip().lower()
    if key in t.name_by_unit:
        return key
    code = t.unit_by_name.get(key)
    if code is None:
        raise UnknownCodeError(f"no China customs unit code for {unit!r}")
    return code
