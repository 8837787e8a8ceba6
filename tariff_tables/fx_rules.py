"""Customs exchange-rate rules: which ECB publication a conversion uses, and what it says.

Each destination's customs convert with their own official rate, fixed by their own rule
(the `fx_rules` rows of its table file). The EU's rule names the ECB rate itself: Reg.
(EU) 2015/2447 Art. 146 — the rate published on the penultimate Wednesday of a month
applies for the whole following month, the most recently published one when none was
published that day. Elsewhere the ECB reference rate of the day the destination's rule
names stands in for the destination's own rate, and the rate says so. A pair that is not
EUR against one currency is a cross rate via EUR, and says so too.

The SDR (XDR) is derived from the IMF valuation basket (`data/fx/sdr_basket.yaml`) and the
ECB rates of the same day: the sum of the basket's currency amounts, each valued in euro
at that day's ECB rate. It is labelled as derived: the IMF values the basket at the Bank
of England's noon London rates, so the figure differs slightly from the IMF's own.

A rate-setting day after the last publication in the file (the shipped file is updated
with the package, or by `silkpost fx import`): the latest rate is used when it is at most
`MAX_AGE_DAYS` old on the day converted for, and the rate says so; older, not covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

from .errors import NotCovered
from .fx import EcbRates, penultimate_wednesday, third_wednesday
from .model import FxRate, FxRule, SdrBasket

MAX_AGE_DAYS = 45  # the product's allowance for a file that ends before the rate-setting day
FIXINGS = frozenset({"penultimate_wednesday", "third_wednesday", "day", "previous_day"})
SDR = "XDR"
SIGNIFICANT = 6  # derived rates are stated to 6 significant digits (as the IMF states SDR rates)
_SIG = Context(prec=SIGNIFICANT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Fixing:
    """The day a rule takes its rate from, and which way to look when nothing was
    published that day (`forward`: the next publication, else the last one before)."""

    day: date
    forward: bool
    text: str


def _previous_month(on: date) -> tuple[int, int]:
    return (on.year - 1, 12) if on.month == 1 else (on.year, on.month - 1)


def fixing_for(kind: str, on: date) -> Fixing:
    """The rate-setting day of rule `kind` for a conversion on `on`."""
    if kind == "penultimate_wednesday":
        day = penultimate_wednesday(*_previous_month(on))
        return Fixing(day, False, f"rate of the penultimate Wednesday {day}, for {on:%Y-%m}")
    if kind == "third_wednesday":
        day = third_wednesday(*_previous_month(on))
        return Fixing(day, True, f"rate of the third Wednesday {day}, for {on:%Y-%m}")
    if kind == "previous_day":
        day = on - timedelta(days=1)
        return Fixing(day, False, f"rate of the day before, {day}")
    return Fixing(on, False, f"rate of {on}")


def _row(ecb: EcbRates, fix: Fixing, on: date) -> tuple[int, str]:
    """The file row a fixing takes its rates from, and a note when it is a fallback."""
    if fix.day > ecb.last:
        i = len(ecb.days) - 1
        age = (on - ecb.last).days
        if age > MAX_AGE_DAYS:
            raise NotCovered(
                f"no ECB rate for {fix.day}: the rates file ends {ecb.last}, {age} days "
                f"before {on} (a latest rate is used up to {MAX_AGE_DAYS} days old)",
                on=on,
            )
        return i, (
            f"latest rate in the file ({ecb.last}): the file ends before {fix.day}; "
            f"{age} days old on {on}, within the {MAX_AGE_DAYS}-day allowance"
        )
    i = ecb.on_or_after(fix.day) if fix.forward else ecb.on_or_before(fix.day)
    if i is None:
        raise NotCovered(f"no ECB rate on or before {fix.day} (the file starts {ecb.first})")
    return i, ""


def _per_eur(ecb: EcbRates, i: int, cur: str, on: date) -> Decimal:
    if not ecb.has(cur):
        raise NotCovered(f"the ECB publishes no {cur} reference rate", on=on)
    value = ecb.cell(i, cur)
    if value is None:
        last = ecb.last_published(cur, i)
        since = f" (its last {cur} rate is of {last})" if last else ""
        raise NotCovered(f"the ECB published no {cur} rate on {ecb.days[i]}{since}", on=on)
    return value


def sdr_in_eur(basket: SdrBasket, per_eur: dict[str, Decimal]) -> Decimal:
    """Euro per SDR: each basket amount valued at its units per EUR, summed."""
    return sum((amount / per_eur[cur] for cur, amount in basket.amounts), Decimal(0))


def _units_per_eur(
    ecb: EcbRates, i: int, cur: str, on: date, basket: SdrBasket | None
) -> tuple[Decimal, str]:
    """Units of `cur` per EUR on row `i` and how they were obtained (an SDR is derived)."""
    if cur != SDR:
        value = _per_eur(ecb, i, cur, on)
        return value, f"{value} {cur}"
    if basket is None:
        raise NotCovered("no SDR valuation basket tabulated", on=on)
    per_eur = {c: _per_eur(ecb, i, c, on) for c, _ in basket.amounts}
    eur = sdr_in_eur(basket, per_eur)
    return 1 / eur, f"{_SIG.plus(1 / eur)} XDR (SDR derived: EUR {_SIG.plus(eur)} per SDR)"


def _official_text(rule: FxRule) -> str:
    if rule.official is None:
        return ""
    return f"stand-in for {rule.official}, which the tables do not hold"


def derive(
    ecb: EcbRates,
    rule: FxRule,
    base: str,
    quote: str,
    on: date,
    basket: SdrBasket | None,
) -> FxRate:
    """1 `base` in `quote` by `rule` from the ECB file, as a dated, sourced FxRate whose
    period and note state the publication day, the cross and what the rate stands in for."""
    fix = fixing_for(rule.fixing, on)
    i, stale = _row(ecb, fix, on)
    b, b_text = _units_per_eur(ecb, i, base, on, basket)
    q, q_text = _units_per_eur(ecb, i, quote, on, basket)
    published = ecb.days[i]
    if base == "EUR" and quote != SDR:
        rate, how = q, f"1 EUR = {q_text}"
    elif quote == "EUR" and base != SDR:
        rate, how = _SIG.divide(q, b), f"inverse of 1 EUR = {b_text}"
    else:
        rate, how = _SIG.divide(q, b), f"cross via EUR: {q_text} / {b_text} per EUR"
    if SDR in (base, quote):
        how += f"; SDR basket of {basket.valid_from} (IMF), not the IMF's published rate"  # type: ignore[union-attr]
    notes = [n for n in (how, _official_text(rule), stale) if n]
    return FxRate(
        published,
        published,
        base,
        quote,
        rate,
        f"{ecb.origin}; rule: {rule.source}"
        + (f"; {basket.source}" if SDR in (base, quote) and basket else ""),
        f"ECB reference rates of {published}, {fix.text}",
        "; ".join(notes),
    )


def default_rule(destination: str | None, on: date) -> FxRule:
    """The rule for a conversion no destination rule covers: the ECB rate of the day."""
    if destination is None:
        return FxRule(on, on, "", "day", None, "ECB reference rate of the day (no customs rule)")
    return FxRule(
        on,
        on,
        destination,
        "day",
        f"the customs rate of {destination} (no rule tabulated)",
        f"no customs exchange-rate rule tabulated for {destination}",
    )
