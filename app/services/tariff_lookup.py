"""What the tariff tables say for one destination and HS code on one date.

A read-only view over ``tariff_tables``: the duty measures (MFN and origin-specific
additional duties, by longest HS prefix, resolved by ``Tariff.duty_rows`` exactly as a
quote resolves them), the taxes (VAT/GST/consumption tax/… with the most specific row
first), the thresholds, flat duties, rate bands and named parameters in force, the
destination's valuation basis and rounding, and the table version.

Known gaps in the tables (rows with no rate) are shown as such and listed under
``not_covered``; a destination or HS code the tables do not cover at all is a 404 whose
message names what is missing, never an empty answer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tariff_tables import InvalidRequest, NotCovered, Tariff
from tariff_tables.model import (
    Band,
    Dated,
    DutyMeasure,
    FlatDuty,
    Parameter,
    Profile,
    TaxRate,
    Threshold,
)
from tariff_tables.money import fmt
from tariff_tables.regimes import REGIMES
from tariff_tables.request import normalise_hs
from tariff_tables.tariff import EVERY_ORIGIN, duty_gaps

from ..errors import NotFound, ValidationFailed
from . import quoting


def lookup(
    dest: str, hs_code: str, on: date, origin: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """The measures that apply to `hs_code` entering `dest` on `on` (optionally per origin).

    Raises ValidationFailed for a malformed HS code and NotFound when the tables hold no
    destination profile or no duty rate the destination's regime needs.
    """
    tariff = quoting.tariff()
    dest = dest.upper()
    origin = origin.upper() if origin else None
    hs = _hs_code(hs_code)
    profile = _profile(tariff, dest, on)
    gaps: list[str] = []
    duties = _duties(tariff, profile, hs, origin, on, gaps)
    taxes = _taxes(tariff, dest, hs, on, region, gaps)
    return {
        "destination": dest,
        "hs_code": hs,
        "as_of": on.isoformat(),
        "origin": origin,
        "region": region,
        "covered": not gaps,
        "not_covered": gaps,
        "currency": profile.currency,
        "valuation": profile.valuation,
        "regime": profile.regime,
        "rounding": profile.rounding,
        "profile_source": profile.source,
        "profile_note": profile.note or None,
        "duties": [_duty_json(m) for m in duties],
        "taxes": taxes,
        **_other_measures(tariff, dest, hs, on, origin),
        "table_version": tariff.table_version,
    }


def _hs_code(hs_code: str) -> str:
    try:
        return normalise_hs(hs_code)
    except InvalidRequest as exc:
        raise ValidationFailed(str(exc), {"hs_code": [str(exc)]}) from exc


def _profile(tariff: Tariff, dest: str, on: date) -> Profile:
    try:
        return tariff.profile(dest, on)
    except NotCovered as exc:
        raise NotFound(_sentence(exc), {"destination": [str(exc)]}) from exc


def _duties(
    tariff: Tariff, profile: Profile, hs: str, origin: str | None, on: date, gaps: list[str]
) -> list[DutyMeasure]:
    """The MFN row and the additional rows (of `origin`, or of every origin), noting gaps.

    No MFN row is a 404 where the destination's regime charges a line duty on every
    quote; elsewhere (consignment-level rates, CN channels) it is only noted."""
    dest = profile.destination
    mfn, extra = tariff.duty_rows(dest, hs, origin or EVERY_ORIGIN, on)
    missing = duty_gaps(mfn, extra, dest, hs, on)
    if mfn is None:
        first = missing.pop(0)
        regime = REGIMES.get(profile.regime)
        if regime is None or regime.line_duty:
            raise NotFound(_sentence(first), {"hs_code": [str(first)]})
        gaps.append(f"{first} (needed only where the regime charges a line duty)")
    gaps.extend(str(gap) for gap in missing)
    return [*([mfn] if mfn is not None else []), *extra]


def _taxes(
    tariff: Tariff, dest: str, hs: str, on: date, region: str | None, gaps: list[str]
) -> list[dict[str, Any]]:
    """Every tax row that may apply, most specific first, each saying when it applies."""
    out: list[dict[str, Any]] = []
    kinds = sorted({t.kind for t in tariff.tables.taxes if t.destination == dest})
    for kind in kinds:
        for n, t in enumerate(tariff.tax_candidates(dest, kind, hs, on, region)):
            if t.condition is not None:
                out.append(_tax_json(t, "when the condition holds"))
                continue
            out.append(_tax_json(t, "always" if n == 0 else "otherwise"))
            if t.rate is None:
                gap = NotCovered(
                    f"{kind} rate not tabulated ({t.note or t.name})",
                    destination=dest,
                    hs_code=hs,
                    on=on,
                )
                gaps.append(str(gap))
            break  # the first unconditional row wins; less specific ones never apply
    return out


def _other_measures(
    tariff: Tariff, dest: str, hs: str, on: date, origin: str | None
) -> dict[str, list[dict[str, Any]]]:
    """Thresholds, flat duties ("fees"), value bands and parameters in force."""
    tables = tariff.tables

    def in_force(row: Any) -> bool:
        return row.destination == dest and row.covers(on)

    def for_origin(row: Any) -> bool:
        return in_force(row) and (origin is None or row.origins is None or origin in row.origins)

    return {
        "thresholds": [
            _threshold_json(th, hs)
            for th in sorted(tables.thresholds, key=lambda th: th.id)
            if for_origin(th)
        ],
        "fees": [_flat_json(f) for f in tables.flat_duties if in_force(f)],
        "bands": [
            _band_json(b)
            for b in sorted(tables.bands, key=lambda b: (b.scheme, b.upper))
            if for_origin(b)
        ],
        "parameters": [
            _parameter_json(p)
            for p in sorted(tables.parameters, key=lambda p: p.name)
            if in_force(p)
        ],
    }


# -- JSON of one row ---------------------------------------------------------------------


def _validity(row: Dated) -> dict[str, str | None]:
    return {
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
    }


def _codes(values: frozenset[str] | None) -> list[str] | None:
    return sorted(values) if values is not None else None


def _duty_json(m: DutyMeasure) -> dict[str, Any]:
    expr = m.expression
    rate = expr.simple_ad_valorem if expr is not None else None
    return {
        "kind": m.kind,
        "measure": m.measure,
        "hs_prefix": m.hs,
        "origins": _codes(m.origins),
        "expression": expr.text if expr is not None else None,
        "rate": fmt(rate) if rate is not None else None,
        "source": m.source,
        "note": m.note or None,
        **_validity(m),
    }


def _tax_json(t: TaxRate, applies: str) -> dict[str, Any]:
    cond = None
    if t.condition is not None:
        cond = {
            "currency": t.condition.currency,
            "min_unit_value": {unit: fmt(v) for unit, v in t.condition.per_unit},
        }
    return {
        "kind": t.kind,
        "name": t.name,
        "hs_prefix": t.hs,
        "rate": fmt(t.rate) if t.rate is not None else None,
        "region": t.region,
        "condition": cond,
        "applies": applies,
        "source": t.source,
        "note": t.note or None,
        **_validity(t),
    }


def _threshold_json(th: Threshold, hs: str) -> dict[str, Any]:
    return {
        "id": th.id,
        "amount": fmt(th.amount) if th.amount is not None else None,
        "currency": th.currency,
        "base": th.base,
        "scope": th.scope,
        "switches": list(th.switches),
        "excludes": list(th.excludes),
        "excluded_for_this_code": any(hs.startswith(x) for x in th.excludes),
        "origins": _codes(th.origins),
        "channel": th.channel,
        "source": th.source,
        **_validity(th),
    }


def _fields_json(row: Dated, *names: str) -> dict[str, Any]:
    """The named fields of a table row, amounts as decimal strings and origin sets as sorted
    lists, then its validity."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        if isinstance(value, Decimal):
            value = fmt(value)
        elif isinstance(value, frozenset):
            value = _codes(value)
        out[name] = value
    return {**out, **_validity(row)}


def _flat_json(f: FlatDuty) -> dict[str, Any]:
    return {"kind": "flat_duty", **_fields_json(f, "id", "amount", "currency", "per", "source")}


def _band_json(b: Band) -> dict[str, Any]:
    names = ("scheme", "upper", "currency", "rate", "deduction", "origins", "source")
    return _fields_json(b, *names)


def _parameter_json(p: Parameter) -> dict[str, Any]:
    return _fields_json(p, "name", "value", "unit", "source")


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


__all__ = ["lookup"]
