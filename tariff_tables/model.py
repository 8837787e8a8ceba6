"""Typed, frozen records of the tariff tables.

Every record carries its validity interval and the official publication it comes from, so a
quote can say which rules it applied and why, and a stored quote can be explained later.
Money and rates are `Decimal`; floats never enter the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Dated:
    """Validity interval: `valid_to` is inclusive and `None` means open-ended."""

    valid_from: date
    valid_to: date | None

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, slots=True)
class DutyComponent:
    """One term of a duty expression: ad valorem (`unit` None) or specific per unit.

    Units: `kg` (net weight), `item` (quantity), `l` (litres).
    """

    rate: Decimal
    currency: str | None = None
    unit: str | None = None

    def text(self) -> str:
        if self.unit is None:
            return f"{_pct(self.rate)}%"
        return f"{self.rate.normalize():f} {self.currency}/{self.unit}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


@dataclass(frozen=True, slots=True)
class DutyExpression:
    """`terms` are summed (compound duty); `minimum` is a floor, `maximum` a ceiling."""

    terms: tuple[DutyComponent, ...]
    minimum: DutyComponent | None
    maximum: DutyComponent | None
    text: str

    @property
    def simple_ad_valorem(self) -> Decimal | None:
        """The rate when the expression is a single ad valorem term, else None."""
        if self.minimum is None and self.maximum is None and len(self.terms) == 1:
            t = self.terms[0]
            if t.unit is None:
                return t.rate
        return None


@dataclass(frozen=True, slots=True)
class DutyMeasure(Dated):
    """A duty on an HS prefix. `origins` None means every origin (the MFN rate).

    `kind` is `mfn` (longest prefix wins) or `additional` (stacks on the MFN rate, e.g. an
    extra duty on goods of one origin). `expression` None marks a known gap: the line exists
    so the engine can say "not tabulated" instead of guessing.
    """

    destination: str
    hs: str
    kind: str
    measure: str
    origins: frozenset[str] | None
    expression: DutyExpression | None
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnitValueCondition:
    """Applies a row only when the unit value reaches a floor (per ml, g or piece).

    China's consumption tax on cosmetics only bites at ≥ CNY 10 per ml/g or ≥ CNY 15 per piece.
    """

    currency: str
    per_unit: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class TaxRate(Dated):
    """VAT/GST/consumption tax/sales tax/ICMS/postal articles tax on an HS prefix.

    `hs` "" means every good. `rate` None marks a known gap (e.g. reduced rates not tabulated).
    `region` restricts the row to a province/state when the request names one.
    """

    destination: str
    kind: str
    name: str
    hs: str
    rate: Decimal | None
    region: str | None
    condition: UnitValueCondition | None
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Threshold(Dated):
    """A value threshold and what crossing it switches.

    base: `intrinsic` (goods only), `cif`, `fob`, `goods_and_shipping`.
    scope: `item`, `distinct_hs6`, `consignment`, `order`, `buyer_year`.
    switches: what the threshold turns on/off (`duty`, `tax`, `collection`, `channel`).
    excludes: HS prefixes that never benefit (excise goods).
    origins/channel: restrict the threshold to origin countries / a transport channel.
    shipped_from: restrict it to parcels dispatched from those countries, whatever the
    goods' origin (Canada's CUSMA courier thresholds, Korea's US$200 express limit).
    amount None: the threshold is suspended for those origins (no de minimis at all).
    An exclusion from a restricted threshold falls back to the unrestricted one of the
    same id (Korea: goods excluded from list clearance keep the general limit).
    """

    destination: str
    id: str
    amount: Decimal | None
    currency: str
    base: str
    scope: str
    switches: tuple[str, ...]
    excludes: tuple[str, ...]
    origins: frozenset[str] | None
    channel: str | None
    source: str
    shipped_from: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class FlatDuty(Dated):
    """A flat duty per scope unit, e.g. EUR 3 per distinct HS6 subheading in a parcel."""

    destination: str
    id: str
    amount: Decimal
    currency: str
    per: str
    source: str


@dataclass(frozen=True, slots=True)
class Band(Dated):
    """A consignment-level rate band: `rate × value − deduction` up to `upper` (inclusive).

    Used by global-rate schemes (Brazil's Remessa Conforme, Mexico's courier regime).
    """

    destination: str
    scheme: str
    upper: Decimal
    currency: str
    rate: Decimal
    deduction: Decimal
    origins: frozenset[str] | None
    source: str


@dataclass(frozen=True, slots=True)
class Parameter(Dated):
    """A named dated figure a regime needs (CBEC 70 % factor, CNY 50 waiver, EAEU weights)."""

    destination: str
    name: str
    value: Decimal
    unit: str | None
    source: str


@dataclass(frozen=True, slots=True)
class DutiablePrice(Dated):
    """China's dutiable price (完税价格) of a listed article, per `unit`, on an HS prefix.

    `tax_number` is the article's 税号 in the table; `price` None records an article the
    table lists as 另行确定 (valued separately, at the market retail price).
    """

    destination: str
    hs: str
    tax_number: str
    article: str
    unit: str
    price: Decimal | None
    currency: str
    source: str


@dataclass(frozen=True, slots=True)
class Profile(Dated):
    """How a destination assesses: its currency, valuation basis, rounding, regime."""

    destination: str
    currency: str
    valuation: str
    regime: str
    rounding: str
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class FxRate(Dated):
    """An official rate: 1 `base` = `rate` `quote`, for the period it was published for.

    `note` says how a rate derived from the ECB file was obtained (cross via EUR, the
    official rate it stands in for, a latest-available fallback); empty for a table row.
    """

    base: str
    quote: str
    rate: Decimal
    source: str
    period: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class FxRule(Dated):
    """Which day's rate a destination's customs convert with, and whose rate it is.

    `fixing`: `penultimate_wednesday` / `third_wednesday` (of the previous month, for the
    whole month), `day` (the day itself) or `previous_day`. `official`: the rate the
    destination's law names when the ECB reference rate is only a stand-in for it (None:
    the ECB rate is the destination's own customs rate, as for the euro area).
    """

    destination: str
    fixing: str
    official: str | None
    source: str


@dataclass(frozen=True, slots=True)
class SdrBasket(Dated):
    """The IMF's SDR valuation basket: the currency amounts one SDR is the sum of."""

    amounts: tuple[tuple[str, Decimal], ...]
    source: str


@dataclass(frozen=True, slots=True)
class RebateRate(Dated):
    """China export VAT rebate rate on an HS prefix (2–10 digits), dated by export date."""

    hs: str
    rate: Decimal
    source: str
    note: str = ""
