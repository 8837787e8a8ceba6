"""Export declarations (China CBEC export, 9610/9710/9810 and postal exports): CEB303 order,
CEB603 inventory and the CEB701 summary application.

Export money is declared in the order currency (FOB goods value, freight and insurance stated
separately). The CEB701 summary groups a seller's released inventories of a period so customs
can turn them into the monthly declaration that backs the VAT rebate and FX settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from declarations.ceb import codes
from declarations.ceb.common import (
    EXPORT_XSD,
    Options,
    Transmitter,
    append_transport,
    check_node_count,
    code_or_problem,
    declarer,
    default_subscriptions,
    emit,
    finish,
    guid,
    layout,
    message_root,
    ten_digit_hs,
)
from declarations.errors import ConsistencyError, Problems, WrongFlowError
from declarations.snapshot import DeclarationSnapshot, SellerRegistration
from declarations.xmlfmt import compact_date, compact_datetime, round_money

MAX_LINES = 100

ORDER_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    orderType =1
    orderNo 1-60
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    goodsValue dec
    freight dec
    currency =3
    note ?0-1000
    """
)
ORDER_LIST = layout(
    """
    gnum int
    itemNo 1-30
    itemName 1-250
    itemDescribe ?0-1000
    barCode ?0-50
    unit =3
    currency =3
    qty dec
    price dec
    totalPrice dec
    note ?0-1000
    """
)
INVENTORY_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    ebpCode 1-18
    ebpName 0-100
    orderNo 1-60
    logisticsCode 1-18
    logisticsName 0-100
    logisticsNo 1-32
    copNo 1-30
    preNo ?=18
    invtNo ?0-20
    ieFlag =1
    portCode =4
    ieDate =8
    statisticsFlag =1
    agentCode 1-18
    agentName 0-100
    ebcCode 0-18
    ebcName 0-100
    ownerCode 1-18
    ownerName 1-100
    iacCode ?0-18
    iacName ?0-100
    emsNo ?0-30
    tradeMode =4
    trafMode =1
    trafName ?0-100
    voyageNo ?0-32
    billNo ?0-37
    totalPackageNo ?0-37
    loctNo ?0-10
    licenseNo ?0-19
    country =3
    POD 3-4
    freight dec
    fCurrency =3
    fFlag =1
    insuredFee dec
    iCurrency =3
    iFlag =1
    wrapType =1
    packNo int
    grossWeight dec
    netWeight dec
    note ?0-1000
    """
)
INVENTORY_LIST = layout(
    """
    gnum int
    itemNo 1-20
    itemRecordNo ?0-30
    itemName ?0-250
    gcode =10
    gname 1-250
    gmodel 1-250
    barCode 1-50
    country =3
    currency =3
    qty dec
    qty1 dec
    qty2 ?dec
    unit =3
    unit1 =3
    unit2 ?0-3
    price dec
    totalPrice dec
    note ?0-1000
    """
)
SUMMARY_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    copNo 1-30
    preNo ?0-18
    sumNo ?0-18
    agentCode 1-18
    agentName 1-100
    ebcCode 1-18
    ebcName 1-100
    declAgentCode 1-18
    declAgentName 1-100
    startTime ?=14
    endTime ?=14
    loctNo ?0-10
    summaryFlag =1
    itemNameFlag =1
    msgCount int
    msgSeqNo int
    note ?0-1000
    """
)
SUMMARY_LIST = layout(
    """
    invtNo 1-20
    """
)


@dataclass(frozen=True, slots=True)
class _Line:
    gnum: int
    sku: str
    name: str
    model: str
    describe: str
    barcode: str
    unit: str
    qty: Decimal
    price: Decimal
    total: Decimal
    gcode: str
    legal_unit: str
    legal_qty: Decimal
    second_unit: str
    second_qty: Decimal | None
    record_no: str


@dataclass(frozen=True, slots=True)
class _Prepared:
    snap: DeclarationSnapshot
    lines: list[_Line]
    currency: str
    destination: str
    goods: Decimal


def prepare(s: DeclarationSnapshot, problems: Problems) -> _Prepared:
    """Export checks on one snapshot; problems are collected in ``problems``."""
    o = s.order
    if o.flow != "export":
        raise WrongFlowError(
            f"order {o.order_no} is an {o.flow} order; CEB303/603/701 are export messages"
        )
    where = o.order_no
    if not s.lines:
        problems.add(f"{where}: no lines")
    if len(s.lines) > MAX_LINES:
        problems.add(f"{where}: {len(s.lines)} lines, at most {MAX_LINES} per export order")
    currency = code_or_problem(problems, where, codes.currency_code, o.currency)
    destination = code_or_problem(problems, where, codes.country_code, s.recipient.country)
    lines = []
    for gnum, ln in enumerate(s.lines, 1):
        at = f"{where} line {gnum}"
        qty, price = round_money(ln.quantity), round_money(ln.unit_value)
        unit = code_or_problem(problems, at, codes.unit_code, ln.unit)
        gcode = ten_digit_hs(ln.hs_code)
        if gcode is None:
            problems.add(f"{at}: HS code {ln.hs_code!r} must be an 8- or 10-digit China code")
        name = ln.description_local or ln.description
        lines.append(
            _Line(
                gnum=gnum,
                sku=ln.sku,
                name=name,
                model=ln.spec or name,
                describe=ln.description,
                barcode=ln.barcode,
                unit=unit,
                qty=qty,
                price=price,
                total=round_money(qty * price),
                gcode=gcode or "",
                legal_unit=code_or_problem(problems, at, codes.unit_code, ln.legal_unit)
                if ln.legal_unit
                else unit,
                legal_qty=round_money(ln.legal_quantity) if ln.legal_quantity is not None else qty,
                second_unit=code_or_problem(problems, at, codes.unit_code, ln.second_unit)
                if ln.second_unit
                else "",
                second_qty=round_money(ln.second_quantity)
                if ln.second_quantity is not None
                else None,
                record_no=ln.item_record_no,
            )
        )
    goods = sum((ln.total for ln in lines), Decimal(0))
    return _Prepared(s, lines, currency, destination, goods)


def _as_list(snapshots):
    return [snapshots] if isinstance(snapshots, DeclarationSnapshot) else list(snapshots)


def _common(message: str, key: str, opts: Options, when: datetime) -> dict[str, Any]:
    return {
        "guid": guid(message, key, opts.app_type),
        "appType": opts.app_type,
        "appTime": compact_datetime(opts.app_time or when),
        "appStatus": opts.app_status,
    }


def _close(root, snap, opts: Options, problems, what, signer, schema_dir) -> bytes:
    sender = opts.transmitter or declarer(snap)
    subs = (
        opts.subscriptions
        if opts.subscriptions is not None
        else default_subscriptions(snap, sender)
    )
    append_transport(root, sender, subs, problems)
    return finish(
        root, problems, what, signer=signer, schema_dir=schema_dir, schema_file=EXPORT_XSD
    )


def _order_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    return {
        "orderType": "E",
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "goodsValue": pr.goods,
        "freight": round_money(s.order.shipping_cost),
        "currency": pr.currency,
        "note": s.order.note,
    }


def _inventory_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    f = s.filing
    lg = s.logistics
    agent = s.broker or s.seller
    declared = f.declared_on or s.created_at.date()
    return {
        "customsCode": f.customs_code,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "orderNo": s.order.order_no,
        "logisticsCode": lg.code if lg else "",
        "logisticsName": lg.name if lg else "",
        "logisticsNo": s.order.waybill_no,
        "copNo": f.cop_no or s.order.order_no,
        "preNo": f.pre_no,
        "invtNo": f.invt_no,
        "ieFlag": "E",
        "portCode": f.port_code or f.customs_code,
        "ieDate": compact_date(f.ie_date or declared),
        "statisticsFlag": f.statistics_flag,
        "agentCode": agent.customs_code,
        "agentName": agent.name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "ownerCode": f.owner_code or s.seller.customs_code,
        "ownerName": f.owner_name or s.seller.name,
        "emsNo": f.ems_no,
        "tradeMode": f.trade_mode,
        "trafMode": f.traf_mode,
        "trafName": f.traf_name,
        "voyageNo": f.voyage_no,
        "billNo": f.bill_no,
        "totalPackageNo": f.total_package_no,
        "loctNo": f.loct_no,
        "licenseNo": f.licence_no or s.order.licence_no,
        "country": pr.destination,
        "POD": f.pod,
        "freight": round_money(s.order.shipping_cost),
        "fCurrency": pr.currency,
        "fFlag": "3",
        "insuredFee": round_money(s.order.insurance_cost),
        "iCurrency": pr.currency,
        "iFlag": "3",
        "wrapType": f.wrap_type,
        "packNo": 1,
        "grossWeight": round_money(s.order.gross_weight_kg),
        "netWeight": round_money(s.net_weight_kg),
        "note": s.order.note,
    }


def check_order_and_inventory(pr: _Prepared, problems: Problems) -> None:
    """Order and inventory must agree line for line (gnum 1:1) and in total value."""
    inv_total = sum((ln.total for ln in pr.lines), Decimal(0))
    if inv_total != pr.goods:
        problems.add(
            f"{pr.snap.order.order_no}: inventory total {inv_total} differs from "
            f"order goodsValue {pr.goods}"
        )
    if [ln.gnum for ln in pr.lines] != list(range(1, len(pr.lines) + 1)):
        problems.add(f"{pr.snap.order.order_no}: line numbers must run 1..n")


def _start(message, snaps, opts: Options):
    problems, consistency = Problems(), Problems()
    check_node_count(snaps, problems)
    prepared = [prepare(s, problems) for s in snaps]
    for pr in prepared:
        check_order_and_inventory(pr, consistency)
    consistency.raise_if_any(ConsistencyError, f"{message}: order and inventory would differ")
    key = ",".join(s.order.order_no for s in snaps) + "|" + opts.app_type
    return problems, prepared, message_root(message, key)


def build_ceb303(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB303 export order, filed by the platform or seller."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start("CEB303", snaps, options)
    for pr in prepared:
        key = pr.snap.order.order_no
        root.start("Order")
        root.start("OrderHead")
        values = {**_common("CEB303", key, options, pr.snap.created_at), **_order_values(pr)}
        emit(root, ORDER_HEAD, values, problems, f"CEB303 {key}")
        root.end()
        for ln in pr.lines:
            root.start("OrderList")
            line_values = {
                "gnum": ln.gnum,
                "itemNo": ln.sku,
                "itemName": ln.name,
                "itemDescribe": ln.describe,
                "barCode": ln.barcode,
                "unit": ln.unit,
                "currency": pr.currency,
                "qty": ln.qty,
                "price": ln.price,
                "totalPrice": ln.total,
            }
            emit(root, ORDER_LIST, line_values, problems, f"CEB303 {key} line {ln.gnum}")
            root.end()
        root.end()
    return _close(
        root, snaps[0] if snaps else None, options, problems, "CEB303", signer, schema_dir
    )


def build_ceb603(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB603 export inventory (清单), filed by the seller or its broker."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start("CEB603", snaps, options)
    for pr in prepared:
        key = pr.snap.order.order_no
        root.start("Inventory")
        root.start("InventoryHead")
        values = {**_common("CEB603", key, options, pr.snap.created_at), **_inventory_values(pr)}
        emit(root, INVENTORY_HEAD, values, problems, f"CEB603 {key}")
        root.end()
        for ln in pr.lines:
            root.start("InventoryList")
            line_values = {
                "gnum": ln.gnum,
                "itemNo": ln.sku,
                "itemRecordNo": ln.record_no,
                "itemName": ln.name,
                "gcode": ln.gcode,
                "gname": ln.name,
                "gmodel": ln.model,
                "barCode": ln.barcode or "无",
                "country": pr.destination,
                "currency": pr.currency,
                "qty": ln.qty,
                "qty1": ln.legal_qty,
                "qty2": ln.second_qty,
                "unit": ln.unit,
                "unit1": ln.legal_unit,
                "unit2": ln.second_unit,
                "price": ln.price,
                "totalPrice": ln.total,
            }
            emit(root, INVENTORY_LIST, line_values, problems, f"CEB603 {key} line {ln.gnum}")
            root.end()
        root.end()
    return _close(
        root, snaps[0] if snaps else None, options, problems, "CEB603", signer, schema_dir
    )


# --------------------------------------------------------------------------------------------
# CEB701 summary application.
# --------------------------------------------------------------------------------------------

#: Inventory statuses after which goods have left under customs control (released, closed).
RELEASED_STATUSES = frozenset({"800", "899"})


@dataclass(frozen=True, slots=True)
class InventoryRecord:
    """What the application knows of one filed export inventory, from its receipts."""

    invt_no: str
    ebc_code: str
    customs_code: str
    status: str
    released_at: datetime
    loct_no: str = ""


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """The released inventories of one seller, customs office and site in a period."""

    customs_code: str
    loct_no: str
    invt_nos: tuple[str, ...]


def group_released(
    records: Iterable[InventoryRecord], ebc_code: str, start: datetime, end: datetime
) -> list[SummaryGroup]:
    """Released inventories of ``ebc_code`` with ``start <= released_at < end``, grouped by
    customs office and supervision site (one summary per group), each sorted and unique."""
    groups: dict[tuple[str, str], set[str]] = {}
    for r in records:
        if r.ebc_code != ebc_code or r.status not in RELEASED_STATUSES:
            continue
        if not start <= r.released_at < end:
            continue
        groups.setdefault((r.customs_code, r.loct_no), set()).add(r.invt_no)
    return [
        SummaryGroup(customs, loct, tuple(sorted(nos)))
        for (customs, loct), nos in sorted(groups.items())
    ]


def build_ceb701(
    group: SummaryGroup,
    *,
    seller: SellerRegistration,
    start: datetime,
    end: datetime,
    cop_no: str,
    declarant: Transmitter | None = None,
    decl_agent: tuple[str, str] | None = None,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
    max_per_message: int = 1000,
) -> list[bytes]:
    """CEB701 summary application(s) for one group, split into numbered messages of at most
    ``max_per_message`` inventories (msgCount/msgSeqNo)."""
    problems = Problems()
    if not group.invt_nos:
        problems.add("no released inventories to summarise")
    if not end > start:
        problems.add("the summary period must end after it starts")
    sender = declarant or Transmitter(seller.customs_code, seller.name, seller.dxp_id)
    agent_code, agent_name = decl_agent or (sender.cop_code, sender.cop_name)
    chunks = [
        group.invt_nos[i : i + max_per_message]
        for i in range(0, len(group.invt_nos), max_per_message)
    ] or [()]
    messages = []
    for seq, chunk in enumerate(chunks, 1):
        key = f"{seller.customs_code}|{group.customs_code}|{start:%Y%m%d%H%M%S}|{cop_no}|{seq}"
        root = message_root("CEB701", key)
        root.start("SummaryApply")
        root.start("SummaryApplyHead")
        values = {
            **_common("CEB701", key, options, end),
            "customsCode": group.customs_code,
            "copNo": cop_no if len(chunks) == 1 else f"{cop_no}-{seq}"[:30],
            "agentCode": sender.cop_code,
            "agentName": sender.cop_name,
            "ebcCode": seller.customs_code,
            "ebcName": seller.name,
            "declAgentCode": agent_code,
            "declAgentName": agent_name,
            "startTime": compact_datetime(start),
            "endTime": compact_datetime(end),
            "loctNo": group.loct_no,
            "summaryFlag": "1",
            "itemNameFlag": "1",
            "msgCount": len(chunks),
            "msgSeqNo": seq,
        }
        emit(root, SUMMARY_HEAD, values, problems, f"CEB701 {cop_no}")
        root.end()
        for invt_no in chunk:
            root.start("SummaryApplyList")
            emit(root, SUMMARY_LIST, {"invtNo": invt_no}, problems, f"CEB701 {invt_no}")
            root.end()
        root.end()
        append_transport(root, sender, options.subscriptions or (), problems)
        messages.append(
            finish(
                root,
                problems,
                "CEB701",
                signer=signer,
                schema_dir=schema_dir,
                schema_file=EXPORT_XSD,
            )
        )
    return messages
