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

from ..money import ZERO, truncate_to
from ..result import TaxLine
from .common import Assessment, Ctx
from .duties import line_duties
from .scope import rate_text
from .taxes import tax_row
from .values import allocate

REGIME = "jp"
NATIONAL_CURRENCY = True

THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


def _to_hundred(amount: Decimal) -> Decimal:
    return truncate_to(amount, HUNDRED)


def taxable_values(ctx: Ctx) -> list[Decimal]:
    """Per line: the goods value (60 % of it for personal use) + its share of transport."""
    factor = ctx.param("jp_personal_use_factor") if ctx.req.personal_use else Decimal(1)
    shares = allocate(ctx, ctx.freight + ctx.insurance)
    return [v * factor + s for v, s in zip(ctx.values, shares, strict=True)]


def consumption_tax(ctx: Ctx, cvs: list[Decimal], duty: Decimal) -> list[TaxLine]:
    """National tax per rate on value + its share of the duty, then the local tax on it."""
    groups: dict[Decimal, Decimal] = {}
    for ln, v in zip(ctx.lines, cvs, strict=True):
        rate: Decimal = tax_row(ctx, "consumption_tax", ln).rate  # type: ignore[union-attr,assignment]
        groups[rate] = groups.get(rate, ZERO) + v
    num = ctx.param("jp_local_ct_numerator")
    den = ctx.param("jp_local_ct_denominator")
    cv = sum(cvs, ZERO)
    out = []
    for rate, v in groups.items():
        base = truncate_to(v + (duty * v / cv if cv else ZERO), THOUSAND)
        national = _to_hundred(base * rate)
        out.append(TaxLine("consumption_tax", base, rate_text(rate), national))
        out.append(
            TaxLine("consumption_tax", national, f"{num}/{den}", _to_hundred(national * num / den))
        )
    return out


def assess(ctx: Ctx) -> Assessment:
    cvs = taxable_values(ctx)
    cv = sum(cvs, ZERO)
    if ctx.within(ctx.threshold("jp_small_value"), cv):
        return Assessment(ctx.round(cv), "CIF", "jp_small_value_exemption", "border")
    a = Assessment(truncate_to(cv, THOUSAND), "CIF", "jp_import", "border")
    a.duties, per_line = line_duties(ctx, [truncate_to(v, THOUSAND) for v in cvs], _to_hundred)
    a.taxes = consumption_tax(ctx, cvs, sum(per_line, ZERO))
    return a
