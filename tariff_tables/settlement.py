"""FX settlement (结汇) report: per currency, what was declared, received and claimable.

Pure: the app gathers export declaration rows (from the CEB603/CEB701 summary) and receipt
rows for one seller and period, and the settlement rates; this module only adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import NotCovered
from .money import ZERO, half_up
from .rebates import rebate
from .tariff import Tariff


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One declared export line. Rebate fields are optional: without them no rebate counts."""

    currency: str
    declared_value: Decimal
    export_date: date
    hs_code: str | None = None
    purchase_invoice_amount_incl_vat: Decimal | None = None
    vat_rate: Decimal = Decimal("0.13")
    method: str = "exempt_refund"


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    """Foreign-currency money received for exports."""

    currency: str
    amount: Decimal
    received_on: date


@dataclass(frozen=True, slots=True)
class SettlementLine:
    currency: str
    declared_export_value: Decimal
    receipts: Decimal
    settlement_rate: Decimal
    receipts_cny: Decimal
    unreceived: Decimal
    rebate_claimable_cny: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            k: (format(v, "f") if isinstance(v, Decimal) else v)
            for k, v in (
                ("currency", self.currency),
                ("declared_export_value", self.declared_export_value),
                ("receipts", self.receipts),
                ("settlement_rate", self.settlement_rate),
                ("receipts_cny", self.receipts_cny),
                ("unreceived", self.unreceived),
                ("rebate_claimable_cny", self.rebate_claimable_cny),
            )
        }


def fx_settlement_report(
    exports: Iterable[ExportRow],
    receipts: Iterable[ReceiptRow],
    settlement_rates: Mapping[str, Decimal],
    *,
    tariff: Tariff | None = None,
) -> list[SettlementLine]:
    """One line per currency, sorted by currency code.

    `settlement_rates` maps currency → CNY per unit (the bank's settlement rate for the
    period); a currency with receipts but no rate raises NotCovered naming the pair.
    """
    declared: dict[str, Decimal] = {}
    received: dict[str, Decimal] = {}
    rebates: dict[str, Decimal] = {}
    for row in exports:
        declared[row.currency] = declared.get(row.currency, ZERO) + row.declared_value
        amount = ZERO
        if row.hs_code and row.purchase_invoice_amount_incl_vat is not None:
            amount = rebate(
                row.purchase_invoice_amount_incl_vat,
                row.vat_rate,
                row.hs_code,
                row.export_date,
                row.method,
                tariff=tariff,
            ).refund
        rebates[row.currency] = rebates.get(row.currency, ZERO) + amount
    for r in receipts:
        received[r.currency] = received.get(r.currency, ZERO) + r.amount
    out = []
    for cur in sorted(set(declared) | set(received)):
        rate = Decimal(1) if cur == "CNY" else settlement_rates.get(cur)
        if rate is None:
            raise NotCovered("no settlement rate", currency_pair=(cur, "CNY"))
        got = received.get(cur, ZERO)
        dec = declared.get(cur, ZERO)
        out.append(
            SettlementLine(
                cur,
                dec,
                got,
                rate,
                half_up(got * rate),
                max(dec - got, ZERO),
                rebates.get(cur, ZERO),
            )
        )
    return out
