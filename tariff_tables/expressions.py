"""Duty expressions: parse the human-readable form used in the data files, and evaluate it.

Grammar (what tariffs publish): terms joined by `+` (compound duty), then optional
`MIN <term>` (a floor: take the larger) and `MAX <term>` (a ceiling: take the smaller).
A term is `12%`, `free`, or `2.50 EUR/kg` (units `kg`, `item`, `l`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from .errors import DataError
from .model import DutyComponent, DutyExpression

UNITS = frozenset({"kg", "item", "l"})
_TERM = re.compile(
    r"^\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*%|(?P<free>free)|"
    r"(?P<amt>\d+(?:\.\d+)?)\s+(?P<cur>[A-Z]{3})\s*/\s*(?P<unit>[a-z]+))\s*$",
    re.IGNORECASE,
)


def _term(text: str, where: str) -> DutyComponent:
    m = _TERM.match(text)
    if not m:
        raise DataError(f"{where}: cannot read duty term {text!r}")
    try:
        if m.group("pct") is not None:
            return DutyComponent(Decimal(m.group("pct")) / 100)
        if m.group("free"):
            return DutyComponent(Decimal(0))
        unit = m.group("unit").lower()
        if unit not in UNITS:
            raise DataError(f"{where}: unit {unit!r} not one of {sorted(UNITS)}")
        return DutyComponent(Decimal(m.group("amt")), m.group("cur").upper(), unit)
    except InvalidOperation as exc:  # pragma: no cover - regex already guards digits
        raise DataError(f"{where}: bad number in {text!r}") from exc


def parse(text: str, where: str = "duty expression") -> DutyExpression:
    """Parse `text` into a DutyExpression; raises DataError naming `where` on failure."""
    rest = text.strip()
    maximum = minimum = None
    parts = re.split(r"\s+(MIN|MAX)\s+", rest)
    head, tail = parts[0], parts[1:]
    for op, term in zip(tail[0::2], tail[1::2], strict=True):
        comp = _term(term, where)
        if op == "MIN":
            minimum = comp
        else:
            maximum = comp
    terms = tuple(_term(t, where) for t in head.split("+"))
    return DutyExpression(terms, minimum, maximum, rest)


Convert = Callable[[Decimal, str], Decimal]


class Quantities:
    """The physical quantities of one line a specific duty can be charged on."""

    __slots__ = ("kg", "item", "l")

    def __init__(self, kg: Decimal | None, item: Decimal | None, litres: Decimal | None):
        self.kg = kg
        self.item = item
        self.l = litres  # noqa: E741 - the unit symbol

    def get(self, unit: str) -> Decimal | None:
        return getattr(self, unit)


def _component(
    c: DutyComponent, value: Decimal, q: Quantities, convert: Convert, missing: Callable
) -> Decimal:
    if c.unit is None:
        return value * c.rate
    qty = q.get(c.unit)
    if qty is None:
        missing(c.unit)
    return convert(c.rate * qty, c.currency)


def evaluate(
    expr: DutyExpression,
    value: Decimal,
    quantities: Quantities,
    convert: Convert,
    missing: Callable[[str], None],
) -> Decimal:
    """Unrounded duty for one line.

    `convert(amount, currency)` brings specific amounts into the computation currency;
    `missing(unit)` is called (and must raise) when the line lacks the quantity a term needs.
    """
    rate = expr.simple_ad_valorem
    if rate is not None:
        return value * rate
    total = sum(
        (_component(t, value, quantities, convert, missing) for t in expr.terms), Decimal(0)
    )
    if expr.minimum is not None:
        total = max(total, _component(expr.minimum, value, quantities, convert, missing))
    if expr.maximum is not None:
        total = min(total, _component(expr.maximum, value, quantities, convert, missing))
    return total
