"""Landed-cost quotes for orders, from the pure engine in ``tariff_tables``.

The tariff is loaded once per process, and again when a rate file it came from changes.
Operators add official FX rates without a release by pointing ``SILKPOST_FX_RATES_FILE``
at a CSV in the table format (the ``python -m tariff_tables.fx`` importer writes it).
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app

import tariff_tables
from tariff_tables import NotCovered, QuoteLine, QuoteRefused, QuoteRequest, TariffError
from tariff_tables.loader import parse_fx_csv
from tariff_tables.model import FxRate

from ..errors import ValidationFailed
from ..extensions import db
from . import fx_files, quota_ledger, txn_memo

COUNTED_STATES = ("declared", "released")


def tariff() -> tariff_tables.Tariff:
    """The process's tariff, built again only when a rate file it was built from changed
    (``silkpost fx import``, an edited ``SILKPOST_FX_RATES_FILE``): the files' sizes and
    times are looked at (never their contents) once per transaction, so one transaction
    quotes with one table and the next sees the change. A table put in the cache without
    its files' stamp (tests) is kept as it is."""
    cache = current_app.extensions.setdefault("silkpost.tariff", {})
    fx_file, ecb, files = _rate_files()
    if "tariff" not in cache or cache.get("files", files) != files:
        cache["tariff"] = build_tariff(fx_file, ecb)
        cache["files"] = files
    return cache["tariff"]


def _rate_files() -> tuple[str | None, str | None, tuple]:
    """The rate files and their stamps, looked at once per database transaction (a batch
    job quotes hundreds of orders in one: the file system was asked each time) and at each
    call outside one."""
    seen = txn_memo.memo("quoting.rate_files") if db.session().in_transaction() else {}
    if "files" not in seen:
        fx_file, ecb = current_app.config.get("FX_RATES_FILE"), ecb_file()
        seen["files"] = (fx_file, ecb, (_stamp(fx_file), _stamp(ecb)))
    return seen["files"]


def _stamp(path: str | None) -> tuple | None:
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return (path, None)  # gone: the build says so
    return (path, found.st_mtime_ns, found.st_size)


def ecb_file() -> str | None:
    """The ECB rates file imported into the data dir (None: the one shipped)."""
    found = fx_files.imported_ecb_file(current_app.config["SILKPOST_DATA_DIR"])
    return str(found) if found else None


def build_tariff(fx_rates_file: str | None, ecb_file: str | None = None) -> tariff_tables.Tariff:
    """The shipped tables with the ECB rates file (the imported one when given) plus the
    operator's FX file (no app needed: import helpers use it)."""
    base = tariff_tables.load_tariff(ecb_file=ecb_file)
    return base.with_fx_rates(read_fx_file(Path(fx_rates_file))) if fx_rates_file else base


def read_fx_file(path: Path) -> list[FxRate]:
    """Rates in the table's own CSV layout (the loader's parser, so the checks are the same)."""
    return parse_fx_csv(path.read_text(encoding="utf-8"), str(path))


def buyer_year_used(buyer_id: str, year: int, exclude_order: str | None = None) -> Decimal:
    """CNY already counted against a buyer's CBEC quota this calendar year."""
    return sum(
        (
            row.amount
            for row in quota_ledger.of_buyer(buyer_id)
            if row.year == year and row.state in COUNTED_STATES and row.order_id != exclude_order
        ),
        Decimal(0),
    )


def buyer_of(data: dict) -> str | None:
    """The buyer whose CBEC quota a quote depends on (imports into China only)."""
    return data["recipient"].get("id_number") if data["flow"] == "import" else None


def request_for(data: dict, as_of: date, used: Decimal | None = None) -> QuoteRequest:
    """The engine's view of a validated order body; ``used`` is the buyer's quota usage
    (looked up in the ledger when not given)."""
    sender = data["sender"]
    tax_id = (sender.get("tax_id") or "").replace(" ", "").upper()
    ioss = tax_id if tax_id.startswith("IM") and len(tax_id) == 12 else None
    buyer = buyer_of(data)
    if buyer and used is None:
        used = buyer_year_used(buyer, as_of.year)
    return QuoteRequest(
        flow=data["flow"],
        currency=data["currency"],
        origin_country=sender["country"],
        destination_country=data["recipient"]["country"],
        regime=data.get("regime"),
        incoterm=data.get("incoterm"),
        duty_payer=data.get("duty_payer"),
        shipping_cost=data.get("shipping_cost") or Decimal(0),
        insurance_cost=data.get("insurance_cost") or Decimal(0),
        category=data.get("category") or "sale_of_goods",
        gross_weight_kg=data.get("gross_weight_kg"),
        buyer_id=buyer,
        buyer_year_used=used or Decimal(0),
        seller_collects_vat=bool(data.get("seller_collects_vat")) or ioss is not None,
        ioss_number=ioss,
        channel=data["channel"],  # the order's own: 'post' or 'express'
        lines=tuple(
            QuoteLine(
                sku=item.get("sku") or "",
                description=item["description"],
                hs_code=item["hs_code"],
                quantity=item["quantity"],
                unit=item.get("unit") or "piece",
                net_weight_kg=item.get("net_weight_kg"),
                unit_value=item["unit_value"],
                origin_country=item["origin_country"],
            )
            for item in data["items"]
        ),
    )


def quote_json(
    data: dict, as_of: date, table: tariff_tables.Tariff | None = None, used: Decimal | None = None
) -> dict:
    """The quote for a validated order; engine refusals become a 422 naming the reason."""
    try:
        request = request_for(data, as_of, used)
        return tariff_tables.quote(request, as_of, table or tariff()).to_json()
    except NotCovered as exc:
        raise ValidationFailed(_sentence(exc), {"quote": [str(exc)]}) from exc
    except QuoteRefused as exc:
        raise ValidationFailed(_sentence(exc), {"quote": [f"{exc.code}: {exc}"]}) from exc
    except TariffError as exc:
        raise ValidationFailed(_sentence(exc), {"quote": [str(exc)]}) from exc


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


def frozen_quote(
    data: dict, as_of: date, table: tariff_tables.Tariff | None = None, used: Decimal | None = None
) -> tuple[dict | None, str | None]:
    """For storing with a new order: the quote, or why there is none (never a silent zero)."""
    try:
        return quote_json(data, as_of, table, used), None
    except ValidationFailed as exc:
        return None, exc.message


__all__ = ["build_tariff", "buyer_of", "frozen_quote", "quote_json", "request_for", "tariff"]
