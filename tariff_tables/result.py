"""The quote breakdown and its JSON form.

The JSON shape is a contract with the API and with stored orders, so it is built in one
place; amounts are decimal strings so no client ever parses them as floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, TypeVar

from .money import ZERO, exponent, fmt

_C = TypeVar("_C")


_MAKERS: dict[type, Callable[..., Any]] = {}


def _fast_init(cls: type[_C]) -> type[_C]:
    """Give a frozen slots dataclass a constructor that fills a plain twin, then retypes it.

    Why: the generated frozen `__init__` routes every field through `object.__setattr__`,
    and even storing through the slot descriptors costs some 80 ns a field on CPython 3.11
    (each store is a method-wrapper call); a quote builds a handful of these records, so
    that alone cost more than its arithmetic. Here `__new__` creates an instance of a plain
    class with the same `__slots__` (ordinary, specialised attribute stores) and assigns
    `__class__` — allowed because the two layouts are identical — and `__init__` is
    `object.__init__`. Same signature (positional or keyword), same immutability
    (`__setattr__` still raises), same equality/hash/repr; `dataclasses.replace` keeps
    working since it calls `cls(**kw)`, and copy/pickle rebuild through `__reduce__`
    (the constructor with the field values). Only for classes whose fields have no
    defaults and no `__post_init__`, and that are not subclassed.

    Also records in `_MAKERS` a positional `make(<fields>)` doing the same without the
    type-call overhead (`type.__call__` → `__new__` → `__init__`, some 170 ns a record),
    for the compiled plans' hot paths (see the `new_*` names below).
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if tuple(names) != cls.__slots__:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__}: slots differ from fields")
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": tuple(names)})
    body = "".join(f"    o.{n} = {n}\n" for n in names)
    namespace: dict[str, Any] = {}
    params = ", ".join(names)
    exec(  # noqa: S102
        f"def __new__(cls, {params}):\n    o = _twin()\n{body}    o.__class__ = cls\n"
        "    return o\n"
        f"def make({params}):\n    o = _twin()\n{body}    o.__class__ = _cls\n    return o\n",
        {"_twin": twin, "_cls": cls},
        namespace,
    )
    new = namespace["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    _MAKERS[cls] = namespace["make"]

    def __reduce__(self):  # noqa: N807
        return (type(self), tuple([getattr(self, n) for n in names]))

    cls.__new__ = new  # type: ignore[assignment]
    cls.__init__ = object.__init__  # type: ignore[misc]
    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


@_fast_init
@dataclass(frozen=True, slots=True)
class DutyLine:
    """`rate` is a decimal fraction for ad valorem duties ("0.12"), else the expression."""

    measure: str
    base: Decimal
    rate: str
    amount: Decimal


@_fast_init
@dataclass(frozen=True, slots=True)
class TaxLine:
    """`kind` is vat, gst, consumption_tax, icms, sales_tax or postal_articles_tax."""

    kind: str
    base: Decimal
    rate: str
    amount: Decimal


@_fast_init
@dataclass(frozen=True, slots=True)
class FeeLine:
    kind: str
    amount: Decimal


@_fast_init
@dataclass(frozen=True, slots=True)
class Rule:
    """A rule the quote applied, with the publication it comes from."""

    id: str
    text: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text, "source": self.source}


@_fast_init
@dataclass(frozen=True, slots=True)
class Quote:
    """A landed-cost breakdown in the order currency.

    `destination_amounts` repeats the totals in the destination currency at the dated
    official rate (identical figures when the currencies are the same).
    """

    currency: str
    customs_value: Decimal
    valuation: str
    duties: tuple[DutyLine, ...]
    taxes: tuple[TaxLine, ...]
    fees: tuple[FeeLine, ...]
    collected_at: str
    payer: str
    regime: str
    rules: tuple[Rule, ...]
    table_version: str
    destination_currency: str
    destination_amounts: dict[str, Decimal]

    @property
    def duty_total(self) -> Decimal:
        return sum((d.amount for d in self.duties), ZERO).quantize(exponent(self.currency))

    @property
    def tax_total(self) -> Decimal:
        return sum((t.amount for t in self.taxes), ZERO).quantize(exponent(self.currency))

    @property
    def fee_total(self) -> Decimal:
        return sum((f.amount for f in self.fees), ZERO).quantize(exponent(self.currency))

    @property
    def total(self) -> Decimal:
        return self.duty_total + self.tax_total + self.fee_total

    def to_json(self) -> dict[str, Any]:
        """The API/storage shape; every amount a decimal string."""
        return {
            "currency": self.currency,
            "customs_value": fmt(self.customs_value),
            "valuation": self.valuation,
            "duties": [
                {"measure": d.measure, "base": fmt(d.base), "rate": d.rate, "amount": fmt(d.amount)}
                for d in self.duties
            ],
            "duty_total": fmt(self.duty_total),
            "taxes": [
                {"kind": t.kind, "base": fmt(t.base), "rate": t.rate, "amount": fmt(t.amount)}
                for t in self.taxes
            ],
            "tax_total": fmt(self.tax_total),
            "fees": [{"kind": f.kind, "amount": fmt(f.amount)} for f in self.fees],
            "fee_total": fmt(self.fee_total),
            "total": fmt(self.total),
            "collected_at": self.collected_at,
            "payer": self.payer,
            "regime": self.regime,
            "rules": [r.to_json() for r in self.rules],
            "table_version": self.table_version,
            "destination_currency": self.destination_currency,
            "destination_amounts": {k: fmt(v) for k, v in self.destination_amounts.items()},
        }


# Positional constructors for the compiled plans' hot paths: each gives exactly the record
# calling the class gives, minus the type-call overhead (see `_fast_init`).
new_duty_line: Callable[[str, Decimal, str, Decimal], DutyLine] = _MAKERS[DutyLine]
new_tax_line: Callable[[str, Decimal, str, Decimal], TaxLine] = _MAKERS[TaxLine]
new_quote: Callable[..., Quote] = _MAKERS[Quote]
