"""The quote breakdown and its JSON form.

The JSON shape is a contract with the API and with stored orders, so it is built in one
place; amounts are decimal strings so no client ever parses them as floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import ZERO, exponent, fmt


@dataclass(frozen=True, slots=True)
class DutyLine:
    """`rate` is a decimal fraction for ad valorem duties ("0.12"), else the expression."""

    measure: str
    base: Decimal
    rate: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TaxLine:
    """`kind` is vat, gst, consumption_tax, icms, sales_tax or postal_articles_tax."""

    kind: str
    base: Decimal
    rate: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FeeLine:
    kind: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule the quote applied, with the publication it comes from."""

    id: str
    text: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class Quote:
    """A landed-cost breakdown in the order currency.

    `destination_amounts` repeats the totals in the destination currency at the dated
    official rate (identical figures when the currencies are the same). When no rate
    into the destination currency is available (e.g. an EUR order to KZ: the ECB publishes
    no KZT rate) the quote is still answered in the order currency: `destination_amounts`
    is None and `destination_amounts_not_covered` says which rate is missing. The JSON
    always carries both keys (`null` for the one that does not apply).
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
    destination_amounts: dict[str, Decimal] | None
    destination_amounts_not_covered: str | None = None

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
            "destination_amounts": (
                None
                if self.destination_amounts is None
                else {k: fmt(v) for k, v in self.destination_amounts.items()}
            ),
            "destination_amounts_not_covered": self.destination_amounts_not_covered,
        }
