"""Goods entering a bonded warehouse reported to customs: the site entry record CEB711
(入库明细单, filed by the operator of the supervised site).

What the schema asks of it (``ceb-import.xsd``, DeliveryHead/DeliveryList), and where each
value comes from:

- customsCode: the warehouse's customs office, else the service's ``CUSTOMS_CODE``;
- operatorCode/operatorName: the warehouse's operator (``operator_code``, ``operator``),
  who also sends the message (its ``operator_dxp_id``, else the configured logistics
  operator's DXP id when the warehouse is run by it) and signs it (ds:Signature is
  required; the service's signing key, :mod:`.signing_keys`);
- ieFlag I, trafMode, trafNo, voyageNo, billNo, logisticsCode/logisticsName: the entry's
  ``transport`` (how the goods came in);
- DeliveryList: the carrier's package numbers (logisticsNo). The record lists packages,
  not goods: the SKUs and quantities stay the service's stock ledger;
- unloadLocation (货物卸货的仓储存放位置): ``账册<emsNo> <warehouse name>``, the bonded
  ledger the goods are kept under, which is how the customs simulator tells a bulk entry
  into a bonded warehouse from parcels entering a site (their waybills are on file);
- copNo: ``RK`` and the entry's id (the receipts carry it back).

A bonded entry missing any of these is refused (422 naming the field) before anything is
stored; otherwise the entry, its stock and the queued :class:`~app.models.MovementFiling`
``site_entry`` are one transaction, and its job is queued when it commits (one filing per
entry: the entry's reference makes it once, the job id is the movement's). The stock
counts from the entry; CEB712 120 (海关入库) confirms it (``customs.confirmed``, with the
entry number customs issue, rkdNo).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from declarations.ceb import movements
from declarations.errors import DeclarationError

from ..errors import ValidationFailed
from ..extensions import db
from ..models import MovementFiling, StockEntry, StockEntryLine, User, Warehouse
from ..models.base import new_id, utcnow
from . import signing_keys
from .movement_filing import Built, queue_after_commit, site_operator

MESSAGE = "CEB711"
KIND = "site_entry"
CONFIRMED = "accepted"
LEDGER_MARK = "账册"


def profile_problems(warehouse: Warehouse, data: dict) -> dict[str, list[str]]:
    """What a bonded entry lacks to be reported, by field path."""
    errors: dict[str, list[str]] = {}
    if not data.get("transport"):
        errors["transport"] = ["required for a bonded warehouse entry (CEB711 site entry record)"]
    if not warehouse.operator_code:
        errors["warehouse.operator_code"] = [
            "the warehouse names no operator customs code (CEB711 operatorCode)"
        ]
    elif not _sender(warehouse):
        errors["warehouse.operator_dxp_id"] = [
            "the warehouse's operator has no DXP id to file the entry from"
        ]
    if not warehouse.ems_no:
        errors["warehouse.ems_no"] = ["the warehouse names no bonded ledger (账册, emsNo)"]
    if not _customs_code(warehouse):
        errors["warehouse.customs_code"] = [
            "no customs office: the warehouse's customs_code or SILKPOST_CUSTOMS_CODE"
        ]
    return errors


def _sender(warehouse: Warehouse) -> str:
    operator = site_operator()
    if warehouse.operator_dxp_id:
        return warehouse.operator_dxp_id
    return operator.dxp_id if warehouse.operator_code == operator.code else ""


def _customs_code(warehouse: Warehouse) -> str:
    return warehouse.customs_code or current_app.config.get("CUSTOMS_CODE", "") or ""


def cop_no(entry: StockEntry) -> str:
    return f"RK{entry.id.replace('-', '')[:18].upper()}"


def stage(user: User, warehouse: Warehouse, entry: StockEntry, transport: dict) -> None:
    """Add the entry's site entry record to the caller's transaction (the entry flushed),
    queued when it commits; 422 when the message cannot be made."""
    movement = MovementFiling(
        id=new_id(),
        kind=KIND,
        message=MESSAGE,
        cop_no=cop_no(entry),
        entry_id=entry.id,
        parcel_ids=[],
        details={"transport": transport},
        created_by=user.id,
        created_at=utcnow(),
    )
    try:
        _build(movement, warehouse, entry)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The entry cannot be reported to customs: {exc.summary}",
            {"_body": exc.problems or [exc.summary]},
        ) from exc
    db.session.add(movement)
    queue_after_commit(movement)


def build(movement: MovementFiling) -> Built:
    entry = db.session.get(StockEntry, movement.entry_id)
    return _build(movement, db.session.get(Warehouse, entry.warehouse_id), entry)


def _build(movement: MovementFiling, warehouse: Warehouse, entry: StockEntry) -> Built:
    t = movement.details["transport"]
    sender = _sender(warehouse)  # the operator transmits its own record
    operator = movements.Company(warehouse.operator_code or "", warehouse.operator, sender)
    location = f"{LEDGER_MARK}{warehouse.ems_no} {warehouse.name}"[:100]
    consignment = movements.Consignment(
        cop_no=movement.cop_no,
        customs_code=_customs_code(warehouse),
        logistics=movements.Company(t["logistics_code"], t["logistics_name"]),
        traf_mode=t.get("traf_mode") or current_app.config.get("TRAF_MODE", "5"),
        parcels=tuple(movements.Parcel(p) for p in t["packages"]),
        at=entry.entered_at,
        operator=operator,
        ie_flag="I",
        traf_name=t["traf_no"],
        voyage_no=t["voyage_no"],
        bill_no=t["bill_no"],
        unload_location=location,
        note=f"{entry.reference}"[:1000],
    )
    content = movements.build_ceb711(
        consignment,
        signer=signing_keys.signer(),
        schema_dir=current_app.config.get("CEB_XSD_DIR"),
    )
    return Built([content], sender)


def of_entries(entries: Iterable[StockEntry]) -> dict[str, MovementFiling]:
    """The latest site entry record of each entry, by entry id."""
    ids = [e.id for e in entries]
    if not ids:
        return {}
    stmt = (
        select(MovementFiling)
        .where(MovementFiling.entry_id.in_(ids))
        .order_by(MovementFiling.created_at)
    )
    return {m.entry_id: m for m in db.session.execute(stmt).scalars()}


def customs_view(m: MovementFiling | None) -> dict | None:
    if m is None:
        return None
    return {
        "movement_id": m.id,
        "message": m.message,
        "cop_no": m.cop_no,
        "status": m.status,
        "confirmed": m.status == CONFIRMED,
        "rkd_no": (m.details or {}).get("rkd_no"),
        "receipt_status": m.receipt_status,
        "info": m.info,
        "error": m.error,
        "filed_at": m.filed_at,
    }


def entry_views(entries: list[StockEntry]) -> list[dict]:
    """Entries as the API shows them, each with its site entry record."""
    found = of_entries(entries)
    out = []
    for e in entries:
        m = found.get(e.id)
        out.append(
            {
                "id": e.id,
                "warehouse_id": e.warehouse_id,
                "seller_id": e.seller_id,
                "reference": e.reference,
                "entered_at": e.entered_at,
                "note": e.note,
                "lines": e.lines,
                "transport": (m.details or {}).get("transport") if m else None,
                "customs": customs_view(m),
                "created_at": e.created_at,
            }
        )
    return out


def unconfirmed(warehouse_id: str, seller_id: str | None) -> dict[tuple[str, str], Decimal]:
    """Entered quantities customs have not confirmed yet, by (seller, SKU)."""
    stmt = (
        select(StockEntry.seller_id, StockEntryLine.sku, func.sum(StockEntryLine.quantity))
        .join(StockEntryLine, StockEntryLine.entry_id == StockEntry.id)
        .join(MovementFiling, MovementFiling.entry_id == StockEntry.id)
        .where(StockEntry.warehouse_id == warehouse_id, MovementFiling.status != CONFIRMED)
        .group_by(StockEntry.seller_id, StockEntryLine.sku)
    )
    if seller_id:
        stmt = stmt.where(StockEntry.seller_id == seller_id)
    return {(s, sku): Decimal(q) for s, sku, q in db.session.execute(stmt)}


__all__ = [
    "MESSAGE",
    "build",
    "customs_view",
    "entry_views",
    "profile_problems",
    "stage",
    "unconfirmed",
]
