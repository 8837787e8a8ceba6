"""What the tariff tables say for one destination and HS code on one date.

A read-only view over ``tariff_tables``: the duty measures (MFN and origin-specific
additional duties, by longest HS prefix), the taxes (VAT/GST/consumption tax/… with the
most specific row first), the thresholds, flat duties, rate bands and named parameters in
force, the destination's valuation basis and rounding, and the table version.

Known gaps in the tables (rows with no rate) are shown as such and listed under
``not_covered``; a destination or HS code the tables do not cover at all is a 404 whose
message names what is missing, never an empty answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tariff_tables import InvalidRequest, NotCovered
from tariff_tables.model import Dated, DutyMeasure, TaxRate, Threshold
from tariff_tables.money import fmt
from tariff_tables.request import normalise_hs

from ..errors import NotFound, ValidationFailed
from . import quoting

# Regimes whose quotes do not always need a per-line duty rate: Brazil and Mexico assess
# consignment-level global rates (bands), China's CBEC/postal regimes charge no duty except
# on the CBEC single-item general-trade exception. Everywhere else a duty line is needed.
LINE_DUTY_OPTIONAL = frozenset({"br", "mx", "cn"})


def _validity(row: Dated) -> dict[str, str | None]:
    return {
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
    }


def _codes(values: frozenset[str] | None) -> list[str] | None:
    return sorted(values) if values is not None else None


def _duty_rows(
    rows: list[DutyMeasure], dest: str, hs: str, origin: str | None, on: date
) -> tuple[DutyMeasure | None, list[DutyMeasure]]:
    """The MFN row and the additional rows that apply, by longest HS prefix.

    Mirrors ``Tariff.duties`` but keeps recorded gaps (rows without an expression) so they
    can be shown, and without an origin lists every origin-specific measure.
    """
    mfn: DutyMeasure | None = None
    extra: dict[tuple[str, tuple[str, ...]], DutyMeasure] = {}
    candidates = [m for m in rows if m.destination == dest and m.covers(on) and hs.startswith(m.hs)]
    for m in sorted(candidates, key=lambda m: -len(m.hs)):
        if m.kind == "mfn":
            if mfn is None and m.origins is None:
                mfn = m
            continue
        if origin is not None and origin not in (m.origins or ()):
            continue
        key = (m.measure, tuple(sorted(m.origins or ())) if origin is None else ())
        extra.setdefault(key, m)
    return mfn, list(extra.values())


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
    try:
        hs = normalise_hs(hs_code)
    except InvalidRequest as exc:
        raise ValidationFailed(str(exc), {"hs_code": [str(exc)]}) from exc
    try:
        profile = tariff.profile(dest, on)
    except NotCovered as exc:
        raise NotFound(_sentence(exc), {"destination": [str(exc)]}) from exc

    tables = tariff.tables
    gaps: list[str] = []
    mfn, extra = _duty_rows(tables.duties, dest, hs, origin, on)
    duties: list[DutyMeasure] = []
    if mfn is None:
        missing = NotCovered("no duty rate tabulated", destination=dest, hs_code=hs, on=on)
        if profile.regime not in LINE_DUTY_OPTIONAL:
            raise NotFound(_sentence(missing), {"hs_code": [str(missing)]})
        gaps.append(f"{missing} (needed only where the regime charges a line duty)")
    else:
        duties.append(mfn)
    duties.extend(extra)
    for m in duties:
        if m.expression is None:
            what = "duty" if m.kind == "mfn" else f"additional duty {m.measure}"
            gaps.append(
                str(
                    NotCovered(
                        f"{what} not tabulated ({m.note})", destination=dest, hs_code=hs, on=on
                    )
                )
            )

    taxes: list[dict[str, Any]] = []
    kinds = sorted({t.kind for t in tables.taxes if t.destination == dest})
    for kind in kinds:
        for n, t in enumerate(tariff.tax_candidates(dest, kind, hs, on, region)):
            applies = (
                "when the condition holds"
                if t.condition is not None
                else ("always" if n == 0 else "otherwise")
            )
            taxes.append(_tax_json(t, applies))
            if t.condition is None:
                if t.rate is None:
                    gaps.append(
                        str(
                            NotCovered(
                                f"{kind} rate not tabulated ({t.note or t.name})",
                                destination=dest,
                                hs_code=hs,
                                on=on,
                            )
                        )
                    )
                break  # the first unconditional row wins; less specific ones never apply

    def in_force_for_origin(row: Any) -> bool:
        return (
            row.destination == dest
            and row.covers(on)
            and (origin is None or row.origins is None or origin in row.origins)
        )

    thresholds = [
        _threshold_json(th, hs)
        for th in sorted(tables.thresholds, key=lambda th: th.id)
        if in_force_for_origin(th)
    ]
    fees = [
        {
            "kind": "flat_duty",
            "id": f.id,
            "amount": fmt(f.amount),
            "currency": f.currency,
            "per": f.per,
            "source": f.source,
            **_validity(f),
        }
        for f in tables.flat_duties
        if f.destination == dest and f.covers(on)
    ]
    bands = [
        {
            "scheme": b.scheme,
            "upper": fmt(b.upper),
            "currency": b.currency,
            "rate": fmt(b.rate),
            "deduction": fmt(b.deduction),
            "origins": _codes(b.origins),
            "source": b.source,
            **_validity(b),
        }
        for b in sorted(tables.bands, key=lambda b: (b.scheme, b.upper))
        if in_force_for_origin(b)
    ]
    parameters = [
        {
            "name": p.name,
            "value": fmt(p.value),
            "unit": p.unit,
            "source": p.source,
            **_validity(p),
        }
        for p in sorted(tables.parameters, key=lambda p: p.name)
        if p.destination == dest and p.covers(on)
    ]
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
        "thresholds": thresholds,
        "fees": fees,
        "bands": bands,
        "parameters": parameters,
        "table_version": tariff.table_version,
    }


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


__all__ = ["LINE_DUTY_OPTIONAL", "lookup"]
