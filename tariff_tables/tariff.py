"""The indexed, versioned, read-only view of the tables that quotes run against.

Lookups are by destination, HS prefix (longest wins), origin and date. Results are cached per
key because a batch of orders asks the same questions over and over; the tables never change
after load, so the caches never need invalidating.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from . import fx_rules
from .errors import DataError, NotCovered
from .fx import EcbFile, EcbRates
from .model import (
    Band,
    DutiablePrice,
    DutyMeasure,
    FlatDuty,
    FxRate,
    FxRule,
    Parameter,
    Profile,
    RebateRate,
    SdrBasket,
    TaxRate,
    Threshold,
)


@dataclass
class Tables:
    """The raw validated rows, before indexing."""

    profiles: list[Profile] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    duties: list[DutyMeasure] = field(default_factory=list)
    taxes: list[TaxRate] = field(default_factory=list)
    flat_duties: list[FlatDuty] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    fx: list[FxRate] = field(default_factory=list)
    fx_overrides: list[FxRate] = field(default_factory=list)  # `Tariff.with_fx_rates`
    fx_rules: list[FxRule] = field(default_factory=list)
    sdr_baskets: list[SdrBasket] = field(default_factory=list)
    dutiable_prices: list[DutiablePrice] = field(default_factory=list)
    rebates: list[RebateRate] = field(default_factory=list)

    def check_overlaps(self) -> None:
        """Two rows for the same key must not both be valid on one day: the answer would
        depend on file order."""
        keys = {
            "profile": (self.profiles, lambda r: (r.destination,)),
            "threshold": (
                self.thresholds,
                lambda r: (r.destination, r.id, r.origins, r.channel, r.shipped_from),
            ),
            "duty": (self.duties, lambda r: (r.destination, r.hs, r.kind, r.measure, r.origins)),
            "tax": (self.taxes, lambda r: (r.destination, r.kind, r.hs, r.region, r.condition)),
            "flat duty": (self.flat_duties, lambda r: (r.destination, r.id)),
            "band": (self.bands, lambda r: (r.destination, r.scheme, r.upper, r.origins)),
            "parameter": (self.parameters, lambda r: (r.destination, r.name)),
            "fx rate": (self.fx, lambda r: (r.base, r.quote)),
            "fx override": (self.fx_overrides, lambda r: (r.base, r.quote)),
            "fx rule": (self.fx_rules, lambda r: (r.destination,)),
            "sdr basket": (self.sdr_baskets, lambda r: ()),
            "dutiable price": (self.dutiable_prices, lambda r: (r.destination, r.hs)),
            "rebate": (self.rebates, lambda r: (r.hs,)),
        }
        for label, (rows, key) in keys.items():
            for k, group in _index(rows, key).items():
                group.sort(key=lambda r: r.valid_from)
                for a, b in zip(group, group[1:], strict=False):
                    if a.valid_to is None or a.valid_to >= b.valid_from:
                        raise DataError(
                            f"overlapping {label} rows for {k}: "
                            f"{a.valid_from}..{a.valid_to} and {b.valid_from}"
                        )


R = TypeVar("R")
K = TypeVar("K")


def _index(rows: Iterable[R], key: Callable[[R], K]) -> dict[K, list[R]]:
    """Rows grouped by `key`, each group in table order."""
    out: dict[K, list[R]] = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return out


def _prefixes(hs: str) -> range:
    return range(len(hs), -1, -1)


EVERY_ORIGIN = "*"  # `Tariff.duty_rows`: list the additional duties of every origin


def duty_gaps(
    mfn: DutyMeasure | None, extra: tuple[DutyMeasure, ...], dest: str, hs: str, on: date
) -> list[NotCovered]:
    """Everything `Tariff.duty_rows` found missing for a quote, in order: no MFN row, then
    each recorded gap (a row without an expression)."""

    def missing(what: str) -> NotCovered:
        return NotCovered(what, destination=dest, hs_code=hs, on=on)

    gaps = [] if mfn is not None else [missing("no duty rate tabulated")]
    for m in extra if mfn is None else (mfn, *extra):
        if m.expression is None:
            what = "duty" if m.kind == "mfn" else f"additional duty {m.measure}"
            gaps.append(missing(f"{what} not tabulated ({m.note})"))
    return gaps


class Tariff:
    """Versioned lookups over Tables. Build it with `loader.load_tariff()`."""

    def __init__(self, tables: Tables, table_version: str, ecb: EcbFile | None = None):
        self.tables = tables
        self.table_version = table_version
        self.ecb_file = ecb
        self._profiles = _index(tables.profiles, lambda p: p.destination)
        self._duties = _index(tables.duties, lambda m: (m.destination, m.hs))
        self._taxes = _index(tables.taxes, lambda t: (t.destination, t.kind, t.hs))
        self._thresholds = _index(tables.thresholds, lambda th: (th.destination, th.id))
        self._flat = _index(tables.flat_duties, lambda f: (f.destination, f.id))
        self._bands = _index(tables.bands, lambda b: (b.destination, b.scheme))
        self._params = _index(tables.parameters, lambda p: (p.destination, p.name))
        # FX rows: the operator's (with_fx_rates) are consulted before the shipped ones
        self._fx_layers = (
            _index(tables.fx_overrides, lambda r: (r.base, r.quote)),
            _index(tables.fx, lambda r: (r.base, r.quote)),
        )
        self._fx_rules = _index(tables.fx_rules, lambda r: r.destination)
        self._rebates = _index(tables.rebates, lambda r: r.hs)
        self._dutiable = _index(tables.dutiable_prices, lambda r: (r.destination, r.hs))
        self._cache: dict[tuple, object] = {}
        # Per-(destination, date, currency, region, channel) memos of the quote engine
        # (regimes.scope.Scope); kept here so they live and die with these tables.
        self.scopes: dict[tuple, object] = {}
        self.routes: dict[tuple, object] = {}

    # -- construction helpers -------------------------------------------------------------

    def with_fx_rates(self, rates: Iterable[FxRate]) -> Tariff:
        """A new Tariff with the operator's FX rows (e.g. imported from an HMRC file, or
        `SILKPOST_FX_RATES_FILE`): they add pairs and override, for their dates, the shipped
        rows and the rates derived from the ECB file.

        The table version changes with them: a quote must name the rates it used.
        """
        rates = list(rates)
        tables = Tables(**{k: list(v) for k, v in vars(self.tables).items()})
        tables.fx_overrides.extend(rates)
        tables.check_overlaps()
        digest = hashlib.sha256(self.table_version.encode())
        for r in sorted(rates, key=lambda r: (r.base, r.quote, r.valid_from)):
            digest.update(f"{r.base}{r.quote}{r.rate}{r.valid_from}{r.valid_to}{r.source}".encode())
        return Tariff(tables, f"{self.table_version}+fx-{digest.hexdigest()[:8]}", self.ecb_file)

    @property
    def ecb(self) -> EcbRates:
        """The ECB reference rates (parsed on first use)."""
        if self.ecb_file is None:
            raise NotCovered("no ECB rates file loaded")
        return self.ecb_file.rates

    # -- lookups ---------------------------------------------------------------------------

    @property
    def destinations(self) -> frozenset[str]:
        return frozenset(self._profiles)

    def profile(self, dest: str, on: date) -> Profile:
        key = ("profile", dest, on)
        hit = self._cache.get(key)
        if hit is None:
            rows = self._profiles.get(dest)
            if not rows:
                raise NotCovered("no tables for this destination", destination=dest)
            hit = next((p for p in rows if p.covers(on)), None)
            if hit is None:
                raise NotCovered("no destination profile in force", destination=dest, on=on)
            self._cache[key] = hit
        return hit  # type: ignore[return-value]

    def duty_rows(
        self, dest: str, hs: str, origin: str | None, on: date
    ) -> tuple[DutyMeasure | None, tuple[DutyMeasure, ...]]:
        """The MFN row and the additional rows in force for `hs`, by longest HS prefix,
        recorded gaps (rows without an expression) included.

        Additional rows: those naming `origin` (one per measure); with `EVERY_ORIGIN`, every
        origin-specific row (one per measure and set of origins), as a lookup lists them.
        """
        mfn: DutyMeasure | None = None
        extra: dict[object, DutyMeasure] = {}
        every = origin == EVERY_ORIGIN
        for n in _prefixes(hs):
            for m in self._duties.get((dest, hs[:n]), ()):
                if not m.covers(on):
                    continue
                if m.kind == "mfn":
                    if mfn is None and m.origins is None:
                        mfn = m
                elif every:
                    extra.setdefault((m.measure, m.origins), m)
                elif origin in m.origins:  # type: ignore[operator]
                    extra.setdefault(m.measure, m)
        return mfn, tuple(extra.values())

    def duties(
        self, dest: str, hs: str, origin: str | None, on: date
    ) -> tuple[DutyMeasure, tuple[DutyMeasure, ...]]:
        """(MFN measure, additional measures for this origin) by longest HS prefix.

        Raises NotCovered when no MFN row covers the code on that date, or when a covering
        row is a recorded gap.
        """
        key = ("duty", dest, hs, origin, on)
        hit = self._cache.get(key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        mfn, extra = self.duty_rows(dest, hs, origin, on)
        gaps = duty_gaps(mfn, extra, dest, hs, on)
        if gaps:
            raise gaps[0]
        hit = self._cache[key] = (mfn, extra)
        return hit  # type: ignore[return-value]

    def tax_candidates(
        self, dest: str, kind: str, hs: str, on: date, region: str | None
    ) -> tuple[TaxRate, ...]:
        """Tax rows in force, most specific first (longest prefix, then region-specific).

        The caller takes the first whose condition holds; conditions depend on the line.
        """
        key = ("tax", dest, kind, hs, on, region)
        hit = self._cache.get(key)
        if hit is None:
            found: list[TaxRate] = []
            for n in _prefixes(hs):
                rows = [
                    t
                    for t in self._taxes.get((dest, kind, hs[:n]), ())
                    if t.covers(on) and (t.region is None or t.region == region)
                ]
                rows.sort(key=lambda t: t.region is None)
                found.extend(rows)
            hit = self._cache[key] = tuple(found)
        return hit  # type: ignore[return-value]

    def tax_kinds(self, dest: str) -> tuple[str, ...]:
        """Value-added style tax kinds (vat, gst, sales_tax) the destination has rows for."""
        key = ("kinds", dest)
        hit = self._cache.get(key)
        if hit is None:
            kinds = {k for (d, k, _hs) in self._taxes if d == dest}
            hit = self._cache[key] = tuple(k for k in ("vat", "gst", "sales_tax") if k in kinds)
        return hit  # type: ignore[return-value]

    def threshold(
        self,
        dest: str,
        ident: str,
        on: date,
        origin: str | None = None,
        channel: str | None = None,
        shipped_from: str | None = None,
    ) -> Threshold | None:
        """The threshold `ident` in force, preferring one restricted to this goods origin,
        channel and dispatch country."""
        key = ("thr", dest, ident, on, origin, channel, shipped_from)
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        best = None
        for th in self._thresholds.get((dest, ident), ()):
            if not th.covers(on):
                continue
            if th.origins is not None and origin not in th.origins:
                continue
            if th.channel is not None and th.channel != channel:
                continue
            if th.shipped_from is not None and shipped_from not in th.shipped_from:
                continue
            specific = (
                (th.origins is not None) + (th.channel is not None) + (th.shipped_from is not None)
            )
            if best is None or specific > best[0]:
                best = (specific, th)
        hit = self._cache[key] = best[1] if best else None
        return hit

    def flat_duty(self, dest: str, ident: str, on: date) -> FlatDuty | None:
        return next((f for f in self._flat.get((dest, ident), ()) if f.covers(on)), None)

    def bands(self, dest: str, scheme: str, on: date, origin: str | None) -> tuple[Band, ...]:
        """Bands of a scheme in force for this origin, lowest upper bound first."""
        key = ("bands", dest, scheme, on, origin)
        hit = self._cache.get(key)
        if hit is None:
            rows = [
                b
                for b in self._bands.get((dest, scheme), ())
                if b.covers(on) and (b.origins is None or origin in b.origins)
            ]
            hit = self._cache[key] = tuple(sorted(rows, key=lambda b: b.upper))
        return hit  # type: ignore[return-value]

    def parameter(self, dest: str, name: str, on: date) -> Parameter:
        key = ("param", dest, name, on)
        hit = self._cache.get(key)
        if hit is None:
            hit = next((p for p in self._params.get((dest, name), ()) if p.covers(on)), None)
            if hit is None:
                raise NotCovered(f"parameter {name} not tabulated", destination=dest, on=on)
            self._cache[key] = hit
        return hit  # type: ignore[return-value]

    def fx(
        self, base: str, quote: str, on: date, customs: str | None = None
    ) -> tuple[Decimal, FxRate | None]:
        """Official rate to turn 1 `base` into `quote` on `on`, and the row it came from.

        A table row (the operator's first, then the shipped ones: pegs, fixed rates) wins,
        directly or as the inverse of the opposite row. Otherwise the rate is derived from
        the ECB file by the exchange-rate rule of the destination `customs` (`fx_rules`):
        the day its rule names, cross via EUR, the SDR from the IMF basket.
        """
        if base == quote:
            return Decimal(1), None
        key = ("fx", base, quote, on, customs)
        hit = self._cache.get(key)
        if hit is None:
            row = self._fx_row(base, quote, on)
            if row is not None:
                hit = (row.rate, row)
            else:
                inv = self._fx_row(quote, base, on)
                if inv is not None:
                    hit = (Decimal(1) / inv.rate, inv)
                else:
                    derived = self._derived_fx(base, quote, on, customs)
                    hit = (derived.rate, derived)
            self._cache[key] = hit
        return hit  # type: ignore[return-value]

    def _fx_row(self, base: str, quote: str, on: date) -> FxRate | None:
        for layer in self._fx_layers:
            row = next((r for r in layer.get((base, quote), ()) if r.covers(on)), None)
            if row is not None:
                return row
        return None

    def _derived_fx(self, base: str, quote: str, on: date, customs: str | None) -> FxRate:
        try:
            basket = next((b for b in self.tables.sdr_baskets if b.covers(on)), None)
            return fx_rules.derive(self.ecb, self.fx_rule(customs, on), base, quote, on, basket)
        except NotCovered as exc:
            raise NotCovered(
                f"no official FX rate ({exc.what})",
                destination=customs,
                currency_pair=(base, quote),
                on=on,
            ) from exc

    def fx_rule(self, destination: str | None, on: date) -> FxRule:
        """The exchange-rate rule of `destination`'s customs on `on` (the ECB rate of the
        day, saying that no rule is tabulated, when it has none)."""
        rows = self._fx_rules.get(destination or "", ())
        rule = next((r for r in rows if r.covers(on)), None)
        return rule or fx_rules.default_rule(destination, on)

    def dutiable_price(self, dest: str, hs: str, on: date) -> DutiablePrice | None:
        """The listed dutiable price row for `hs` by longest HS prefix, None when unlisted."""
        key = ("dutiable", dest, hs, on)
        if key not in self._cache:
            found = None
            for n in _prefixes(hs):
                rows = self._dutiable.get((dest, hs[:n]), ())
                found = next((r for r in rows if r.covers(on)), None)
                if found is not None:
                    break
            self._cache[key] = found
        return self._cache[key]  # type: ignore[return-value]

    def rebate_rate(self, hs: str, on: date) -> RebateRate:
        key = ("rebate", hs, on)
        hit = self._cache.get(key)
        if hit is None:
            for n in _prefixes(hs):
                hit = next((r for r in self._rebates.get(hs[:n], ()) if r.covers(on)), None)
                if hit is not None:
                    break
            if hit is None:
                raise NotCovered(
                    "no export rebate rate tabulated", destination="CN", hs_code=hs, on=on
                )
            self._cache[key] = hit
        return hit  # type: ignore[return-value]
