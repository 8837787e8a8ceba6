"""Builders shared by the tariff tests (imported by path-unique module name)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tariff_tables import FxRate, QuoteLine, QuoteRequest, load_tariff

D = Decimal


def line(
    hs: str, qty="1", unit_value="0", unit="piece", kg=None, origin="CN", sku="SKU-1"
) -> QuoteLine:
    return QuoteLine(
        sku, "test article", hs, D(qty), unit, None if kg is None else D(kg), D(unit_value), origin
    )


def request(dest: str, currency: str, lines, **kw) -> QuoteRequest:
    flow = "import" if dest == "CN" else "export"
    kw.setdefault("origin_country", "CN" if dest != "CN" else "JP")
    return QuoteRequest(
        flow=flow, currency=currency, destination_country=dest, lines=tuple(lines), **kw
    )


def fx_rows(*pairs: tuple[str, str, str], start=date(2020, 1, 1)) -> list[FxRate]:
    """FX rows for tests only: clearly labelled, never shipped in the tables."""
    return [
        FxRate(start, None, b, q, D(r), "test fixture rate (not an official figure)", "test")
        for b, q, r in pairs
    ]


def tariff_with(*pairs: tuple[str, str, str]):
    return load_tariff().with_fx_rates(fx_rows(*pairs))
