"""Example snapshots for demos, benchmarks and tests.

Why in the package: the benchmark, the embedded demo stack and the tests all need a
realistic, complete snapshot of each flow; keeping one definition here keeps them in step.
The fixed particulars (parties, registrations, payment, filing, one line, the export quote)
are stored snapshots in ``data/example-*.json``; this module repeats the line as often as
asked and works out what follows from the number of lines. The codes are made up and carry
no meaning with customs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

from declarations.snapshot import DeclarationSnapshot

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _stored_json(flow: str) -> dict:
    with (DATA_DIR / f"example-{flow}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def _stored(flow: str) -> DeclarationSnapshot:
    """A fresh snapshot each time: the quote is a plain dict a caller may change."""
    return DeclarationSnapshot.from_json(_stored_json(flow))


def _with_lines(
    snap: DeclarationSnapshot,
    n_lines: int,
    sku: str,
    quantity: Callable[[int], Decimal],
    packing: Decimal,
) -> DeclarationSnapshot:
    """``n_lines`` copies of the stored line, numbered ``sku`` and with ``quantity(i)``
    pieces; the gross weight is 0.4 kg a line plus ``packing``."""
    line = snap.lines[0]
    lines = tuple(
        dataclasses.replace(line, sku=f"{sku}-{i:03d}", quantity=quantity(i))
        for i in range(n_lines)
    )
    gross = Decimal("0.4") * n_lines + packing
    order = dataclasses.replace(snap.order, gross_weight_kg=gross)
    return snap.with_changes(order=order, lines=lines)


def import_snapshot(n_lines: int = 2) -> DeclarationSnapshot:
    """A CBEC direct-purchase import (9610) into China, amounts in CNY, Chinese text; the
    quote's tax is 9.1 % of goods and freight."""
    snap = _with_lines(
        _stored("import"), n_lines, "SKU", lambda i: Decimal(1 + i % 3), Decimal("0.2")
    )
    base = snap.goods_value + snap.order.shipping_cost
    tax = (base * Decimal("0.091")).quantize(Decimal("0.01"))
    quote = {
        "currency": "CNY",
        "duty_total": "0.00",
        "tax_total": str(tax),
        "taxes": [{"kind": "vat", "base": str(base), "rate": "0.091", "amount": str(tax)}],
        "total": str(tax),
    }
    return snap.with_changes(quote=quote)


def export_snapshot(n_lines: int = 2) -> DeclarationSnapshot:
    """A CBEC export (9610) from China to a buyer in Germany, amounts in EUR, two T-shirts a
    line."""
    return _with_lines(_stored("export"), n_lines, "TS", lambda i: Decimal(2), Decimal("0.1"))
