"""The order-independent half of a quote context, worked out once and shared.

Every order to one destination, on one date, in one computation currency (and region and
channel) asks the tables the same questions: which threshold is in force and what is its
limit in the computation currency, which duty measures cover this HS code for this
origin, which tax rows, which parameter values, and what rule text each of them shows.
A `Scope` answers each question once and keeps the answer together with its pre-built
`Rule`, so a quote only does its own arithmetic and appends shared objects.

Memos are keyed by what the tables are indexed by (HS codes, origins, names) or by `id()`
of a table row, never by a whole order, so they stay bounded in a long-running process;
every row lives in the `Tariff` the scope belongs to, so an id can never be reused while
the scope is alive.
Failures (NotCovered) are never memoised: they are raised afresh, exactly where the
uncached lookup raised them, so errors and their order are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Band, DutiablePrice, DutyMeasure, FlatDuty, Profile, TaxRate, Threshold
from ..money import exponent, fmt
from ..result import Rule
from ..tariff import Tariff

_RULES: dict[tuple[int, object, object], tuple[object, Rule]] = {}
_UNSEEN = object()
RuleText = Callable[..., tuple[str, str]]


def rule_for(row: Any, build: RuleText, key: object = None) -> Rule:
    """The Rule for a table row as stated at one call site, built once and shared.

    Quotes in a batch apply the same rows again and again; formatting their text every time
    would cost more than the arithmetic. `build(row)` — `build(row, key)` for texts that
    depend on more than the row — is only called on the first use; the cache key is the
    row, the text function and `key`. One Rule object per (row, text, key) also lets a
    quote de-duplicate its rules by identity.
    """
    k = (id(row), build.__code__, key)  # the code: a lambda is a new object at each call
    hit = _RULES.get(k)
    if hit is None or hit[0] is not row:
        ident, text = build(row) if key is None else build(row, key)
        hit = _RULES[k] = (row, Rule(ident, text, row.source))
    return hit[1]


def fx_text(r: Any) -> tuple[str, str]:
    """Rule text for an FX row (one function, so every use shares one cached Rule): the
    rate, its period and, for a rate derived from the ECB file, how it was obtained."""
    text = f"FX {r.base}/{r.quote} {r.rate} ({r.period})"
    return f"fx:{r.base}{r.quote}:{r.valid_from}", text + (f"; {r.note}" if r.note else "")


_RATE_TEXT: dict[Decimal, str] = {}


def rate_text(rate: Decimal) -> str:
    """A rate as a plain decimal string ("0.091"), memoised: the same few rates recur."""
    text = _RATE_TEXT.get(rate)
    if text is None:
        text = _RATE_TEXT[rate] = fmt(rate.normalize()) if rate else "0"
    return text


class WithinPlan:
    """A threshold's limit in the computation currency and the rule each outcome shows
    (with `fx_rule` when the limit was converted)."""

    __slots__ = ("limit", "fx_rule", "ok_rule", "over_rule")

    def __init__(self, limit: Decimal, fx_rule: Rule | None, ok_rule: Rule, over_rule: Rule):
        self.limit = limit
        self.fx_rule = fx_rule
        self.ok_rule = ok_rule
        self.over_rule = over_rule


# One duty measure applied to one HS code: (measure, line label, ad valorem rate or None,
# rate text, rule). Everything of a duty line that does not depend on the order.
DutyPlan = tuple[DutyMeasure, str, Decimal | None, str, Rule]


def _duty_text(r: DutyMeasure) -> tuple[str, str]:
    return (
        f"duty:{r.destination}:{r.measure}:{r.hs or '*'}:{r.valid_from}",
        f"{r.measure} {r.expression.text} on HS {r.hs or 'all goods'}",  # type: ignore[union-attr]
    )


def _tax_text(r: TaxRate) -> tuple[str, str]:
    return (
        f"tax:{r.destination}:{r.kind}:{r.name}:{r.hs or '*'}:{r.region or '*'}:{r.valid_from}",
        f"{r.kind} {r.name} {rate_text(r.rate * 100)}% on HS {r.hs or 'all goods'}",  # type: ignore[operator]
    )


def _suspended_text(th: Threshold) -> tuple[str, str]:
    return (
        f"threshold:{th.id}:suspended",
        f"{th.id}: suspended for origins {sorted(th.origins or [])}",
    )


def _excluded_text(r: Threshold, p: str) -> tuple[str, str]:
    return f"threshold:{r.id}:excluded", f"{r.id}: HS {p} excluded from the threshold"


def _within_text(th: Threshold, ok: bool) -> tuple[str, str]:
    return (
        f"threshold:{th.id}",
        f"{th.id}: {th.base} value {'at or under' if ok else 'over'} "
        f"{fmt(th.amount)} {th.currency} per {th.scope}",  # type: ignore[arg-type]
    )


def _param_text(p: Any) -> tuple[str, str]:
    return f"param:{p.name}", f"{p.name} = {fmt(p.value)}{' ' + p.unit if p.unit else ''}"


class Scope:
    """Memoised table answers for one (destination, date, computation currency, region,
    channel). Build through `scope_for`; never mutate what it returns."""

    __slots__ = (
        "tariff",
        "on",
        "dest",
        "profile",
        "cur",
        "quantum",
        "region",
        "channel",
        "_fx",
        "_thresholds",
        "_within",
        "_excluded",
        "_general",
        "_params",
        "_duties",
        "_taxes",
        "_flat",
        "_kinds",
    )

    def __init__(
        self,
        tariff: Tariff,
        on: date,
        profile: Profile,
        cur: str,
        region: str | None,
        channel: str | None,
    ):
        self.tariff = tariff
        self.on = on
        self.dest = profile.destination
        self.profile = profile
        self.cur = cur
        self.quantum = exponent(cur)
        self.region = region
        self.channel = channel
        self._fx: dict[str, tuple[Decimal, Rule | None]] = {}
        self._thresholds: dict[tuple, Threshold | None] = {}
        self._within: dict[int, WithinPlan] = {}
        self._excluded: dict[tuple[int, str], Rule | None] = {}
        self._general: dict[int, Threshold | None] = {}
        self._params: dict[str, tuple[Decimal, Rule]] = {}
        self._duties: dict[tuple[str, str], tuple[DutyPlan, ...]] = {}
        self._taxes: dict[tuple[str, str], tuple[tuple[TaxRate, Rule | None], ...]] = {}
        self._flat: dict[str, FlatDuty | None] = {}
        self._kinds: tuple[str, ...] | None = None

    # -- currency --------------------------------------------------------------------------

    def fx_to_cur(self, currency: str) -> tuple[Decimal, Rule | None]:
        """(rate, rule) turning 1 `currency` into the computation currency."""
        hit = self._fx.get(currency)
        if hit is None:
            rate, row = self.tariff.fx(currency, self.cur, self.on, self.dest)
            hit = self._fx[currency] = (rate, rule_for(row, fx_text) if row is not None else None)
        return hit

    # -- thresholds ------------------------------------------------------------------------

    def threshold(self, ident: str, origins: frozenset[str], shipped_from: str) -> Threshold | None:
        """The strictest threshold `ident` over `origins` (the dispatch country and every
        goods origin of an order) for a parcel dispatched from `shipped_from`.

        Preferential thresholds (e.g. a higher one for goods from a free-trade partner)
        only help when every origin involved qualifies; a suspension for any origin wins.
        """
        key = (ident, origins, shipped_from)
        best = self._thresholds.get(key, _UNSEEN)
        if best is not _UNSEEN:
            return best  # type: ignore[return-value]
        best = None
        for o in sorted(origins):  # a fixed order: ties resolve the same in every process
            th = self.threshold_for(ident, o, shipped_from)
            if th is None:
                best = None
                break
            if th.amount is None:
                best = th
                break
            if best is None or (best.amount is not None and th.amount < best.amount):
                best = th
        self._thresholds[key] = best
        return best

    def suspended_rule(self, th: Threshold) -> Rule:
        return rule_for(th, _suspended_text)

    def excluded(self, th: Threshold, hs: str) -> Rule | None:
        """The rule naming the first of `th.excludes` that `hs` falls under, else None."""
        key = (id(th), hs)
        rule = self._excluded.get(key, _UNSEEN)
        if rule is _UNSEEN:
            rule = None
            for prefix in th.excludes:
                if hs.startswith(prefix):
                    rule = rule_for(th, _excluded_text, prefix)
                    break
            self._excluded[key] = rule
        return rule  # type: ignore[return-value]

    def within_plan(self, th: Threshold) -> WithinPlan:
        """The limit of a threshold that has an amount, in the computation currency, and the
        rules each outcome shows."""
        plan = self._within.get(id(th))
        if plan is None:
            if th.currency == self.cur:
                limit, fx_rule = th.amount, None
            else:
                rate, fx_rule = self.fx_to_cur(th.currency)
                limit = th.amount * rate  # type: ignore[operator]
            plan = self._within[id(th)] = WithinPlan(
                limit,  # type: ignore[arg-type]
                fx_rule,
                rule_for(th, _within_text, True),
                rule_for(th, _within_text, False),
            )
        return plan

    def threshold_for(
        self, ident: str, origin: str, shipped_from: str | None = None
    ) -> Threshold | None:
        """The threshold `ident` in force for goods of (or dispatched from) `origin`."""
        return self.tariff.threshold(self.dest, ident, self.on, origin, self.channel, shipped_from)

    def general(self, th: Threshold) -> Threshold | None:
        """The unrestricted threshold of the same id that a channel- or dispatch-restricted
        one falls back to when it excludes a line (None for an unrestricted one)."""
        if th.channel is None and th.shipped_from is None:
            return None
        found = self._general.get(id(th), _UNSEEN)
        if found is _UNSEEN:
            found = self._general[id(th)] = self.tariff.threshold(self.dest, th.id, self.on)
        return found  # type: ignore[return-value]

    # -- parameters, bands, duties, taxes --------------------------------------------------

    def bands(self, scheme: str, origin: str) -> tuple[Band, ...]:
        """The value bands of `scheme` in force for `origin`, lowest upper bound first."""
        return self.tariff.bands(self.dest, scheme, self.on, origin)

    def flat_duty(self, ident: str) -> FlatDuty | None:
        if ident not in self._flat:
            self._flat[ident] = self.tariff.flat_duty(self.dest, ident, self.on)
        return self._flat[ident]

    def param(self, name: str) -> tuple[Decimal, Rule]:
        hit = self._params.get(name)
        if hit is None:
            p = self.tariff.parameter(self.dest, name, self.on)
            hit = self._params[name] = (p.value, rule_for(p, _param_text))
        return hit

    def duties(self, hs: str, origin: str | None) -> tuple[DutyMeasure, tuple[DutyMeasure, ...]]:
        """(MFN measure, additional measures for `origin`) by longest HS prefix."""
        return self.tariff.duties(self.dest, hs, origin, self.on)

    def duty_plans(self, hs: str, origin: str) -> tuple[DutyPlan, ...]:
        """The plans of the measures one line of `hs` from `origin` pays: MFN first, then
        the additional measures for that origin."""
        key = (hs, origin)
        hit = self._duties.get(key)
        if hit is None:
            mfn, extra = self.duties(hs, origin)
            hit = self._duties[key] = tuple(_duty_plan(m, hs) for m in (mfn, *extra))
        return hit

    def dutiable_price(self, hs: str) -> DutiablePrice | None:
        """China's listed dutiable price row for `hs` (None when the article is unlisted)."""
        return self.tariff.dutiable_price(self.dest, hs, self.on)

    def tax_kinds(self) -> tuple[str, ...]:
        """The value-added style tax kinds the destination has rows for."""
        if self._kinds is None:
            self._kinds = self.tariff.tax_kinds(self.dest)
        return self._kinds

    def tax_rows(self, kind: str, hs: str) -> tuple[tuple[TaxRate, Rule | None], ...]:
        """Tax rows in force, most specific first, each with its rule (None for a gap row)."""
        key = (kind, hs)
        hit = self._taxes.get(key)
        if hit is None:
            rows = self.tariff.tax_candidates(self.dest, kind, hs, self.on, self.region)
            hit = self._taxes[key] = tuple(
                (row, rule_for(row, _tax_text) if row.rate is not None else None) for row in rows
            )
        return hit


def _duty_plan(m: DutyMeasure, hs: str) -> DutyPlan:
    expr = m.expression
    assert expr is not None
    rate = expr.simple_ad_valorem
    text = rate_text(rate) if rate is not None else expr.text
    return (m, f"{m.measure}:{hs}", rate, text, rule_for(m, _duty_text))


def scope_for(
    tariff: Tariff, on: date, profile: Profile, cur: str, region: str | None, channel: str | None
) -> Scope:
    """The shared Scope for these keys (one per Tariff, since scopes hold its rows)."""
    key = (profile.destination, on, cur, region, channel)
    scopes = tariff.scopes
    scope = scopes.get(key)
    if scope is None or scope.profile is not profile:
        scope = scopes[key] = Scope(tariff, on, profile, cur, region, channel)
    return scope
