"""Japan: personal-use 60 % rule, ¥10,000 small-value exemption, truncation rounding.

Assessed in yen. For goods imported for personal use the taxable value of the goods is
60 % of the overseas retail price (freight and insurance are added in full). At or under
¥10,000 taxable value, duty and consumption tax are exempt (a list of goods is excluded).
Above: each line's value is truncated to ¥1,000 and its duty to ¥100; consumption tax
(national 7.8 %) on CV + duty truncated to ¥1,000, truncated to ¥100; the local consumption
tax is 22/78 of the national tax, truncated to ¥100.
"""

from __future__ import annotations

from decimal import Decimal

from ..expressions import evaluate
from ..model import DutyMeasure
from ..money import ZERO, truncate_to
from ..result import DutyLine, Rule, TaxLine
from .common import Assessment, Ctx, allocate, rate_text, rule_for, tax_row

REGIME = "jp"
NATIONAL_CURRENCY = True

THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


def _duty_text(r: DutyMeasure) -> tuple[str, str]:
    return (
        f"duty:JP:{r.measure}:{r.hs}:{r.valid_from}",
        f"{r.measure} {r.expression.text} on HS {r.hs}",  # type: ignore[union-attr]
    )


def duty_rule(m: DutyMeasure) -> Rule:
    """Japan names its duty measures by the tabulated prefix (one shared Rule per row)."""
    return rule_for(m, _duty_text)


def assess(ctx: Ctx) -> Assessment:
    factor = ctx.param("jp_personal_use_factor") if ctx.req.personal_use else Decimal(1)
    shares = allocate(ctx, ctx.freight + ctx.insurance)
    cvs = [ln.value * factor + s for ln, s in zip(ctx.lines, shares, strict=True)]
    cv = sum(cvs, ZERO)
    a = Assessment(truncate_to(cv, THOUSAND), "CIF", "jp_import", "border")
    if ctx.within(ctx.threshold("jp_small_value"), cv):
        a.regime = "jp_small_value_exemption"
        a.customs_value = ctx.round(cv)
        return a
    duty_total = ZERO
    for ln, v in zip(ctx.lines, cvs, strict=True):
        mfn, extra = ctx.tariff.duties(ctx.dest, ln.hs, ln.origin, ctx.on)
        base = truncate_to(v, THOUSAND)
        for m in (mfn, *extra):
            expr = m.expression
            assert expr is not None
            amount = truncate_to(
                evaluate(expr, base, ln.quantities(), ctx.convert, _missing), HUNDRED
            )
            ctx.add_rule(duty_rule(m))
            rate = expr.simple_ad_valorem
            a.duties.append(
                DutyLine(
                    f"{m.measure}:{ln.hs}",
                    base,
                    rate_text(rate) if rate is not None else expr.text,
                    amount,
                )
            )
            duty_total += amount
    groups: dict[Decimal, Decimal] = {}
    for ln, v in zip(ctx.lines, cvs, strict=True):
        row = tax_row(ctx, "consumption_tax", ln, required=True)
        groups[row.rate] = groups.get(row.rate, ZERO) + v  # type: ignore[index]
    num = ctx.param("jp_local_ct_numerator")
    den = ctx.param("jp_local_ct_denominator")
    duty_shares = [duty_total * g / cv for g in groups.values()] if cv else []
    for (rate, v), d in zip(groups.items(), duty_shares, strict=True):
        base = truncate_to(v + d, THOUSAND)
        national = truncate_to(base * rate, HUNDRED)
        local = truncate_to(national * num / den, HUNDRED)
        a.taxes.append(TaxLine("consumption_tax", base, rate_text(rate), national))
        a.taxes.append(TaxLine("consumption_tax", national, f"{num}/{den}", local))
    return a


def _missing(unit: str) -> None:
    from ..errors import InvalidRequest

    raise InvalidRequest(f"a specific duty for JP needs the quantity in {unit}")
