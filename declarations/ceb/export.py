"""Export declarations (China CBEC export, 9610/9710/9810 and postal exports): CEB303 order,
CEB403 receipt of payment, CEB505 waybill, CEB603 inventory and CEB605 inventory cancel.

Export money is declared in the order currency (FOB goods value, freight and insurance stated
separately). The monthly summary of released inventories (CEB701) is
:mod:`declarations.ceb.summary_apply`; returns (CEB213/215) are :mod:`declarations.ceb.returns`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Unpack

from declarations.ceb import codes, matching
from declarations.ceb.common import (
    FILING_HEAD,
    Draft,
    GoodsLine,
    Layout,
    Node,
    Options,
    Prepared,
    Signable,
    Snapshots,
    code_or_problem,
    goods_info,
    goods_lines,
    inventory_line,
    inventory_parties,
    inventory_shipment,
    layout,
    open_message,
    order_line,
    order_parties,
)
from declarations.errors import IncompleteDataError, Problems, WrongFlowError
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import compact_date, compact_datetime, round_money

__all__ = [
    "Options",
    "build_ceb303",
    "build_ceb403",
    "build_ceb505",
    "build_ceb603",
    "build_ceb605",
    "inventory_fields",
    "prepare",
]

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
RECEIPTS = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    orderNo 1-60
    payCode ?0-18
    payName 1-100
    payNo ?0-60
    charge dec
    currency =3
    accountingDate =14
    note ?0-1000
    """
)
LOGISTICS = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    logisticsCode 1-18
    logisticsName 1-100
    logisticsNo 1-32
    freight dec
    insuredFee dec
    currency =3
    grossWeight dec
    packNo int
    goodsInfo 1-200
    ebcCode ?0-18
    ebcName ?0-100
    ebcTelephone ?0-50
    note ?0-1000
    """
)
CANCEL = layout(
    FILING_HEAD
    + """
    invtNo 1-20
    reason 1-1000
    agentCode 1-18
    agentName 1-100
    ebcCode 1-18
    ebcName 1-100
    note ?0-1000
    """
)
ORDER = Node("Order", "OrderHead", ORDER_HEAD, "OrderList", ORDER_LIST)
INVENTORY = Node("Inventory", "InventoryHead", INVENTORY_HEAD, "InventoryList", INVENTORY_LIST)


@dataclass(frozen=True, slots=True)
class _Prepared(Prepared):
    """A snapshot checked for export, with its currency and destination as customs codes."""

    currency: str
    destination: str
    goods: Decimal


def prepare(
    s: DeclarationSnapshot, problems: Problems, consistency: Problems | None = None
) -> _Prepared:
    """Export checks on one snapshot; problems are collected in ``problems``, and a
    disagreement of order and inventory in ``consistency`` (``problems`` when not given)."""
    o = s.order
    if o.flow != "export":
        raise WrongFlowError(
            f"order {o.order_no} is an {o.flow} order; CEB303/403/505/603/605/213 are "
            "export messages"
        )
    where = o.order_no
    if not s.lines:
        problems.add(f"{where}: no lines")
    if len(s.lines) > MAX_LINES:
        problems.add(f"{where}: {len(s.lines)} lines, at most {MAX_LINES} per export order")
    currency = code_or_problem(problems, where, codes.currency_code, o.currency)
    destination = code_or_problem(problems, where, codes.country_code, s.recipient.country)
    lines = goods_lines(s, problems, hs_now=True, origin=False)
    goods = sum((ln.total for ln in lines), Decimal(0))
    prepared = _Prepared(s, lines, currency, destination, goods)
    check_order_and_inventory(prepared, problems if consistency is None else consistency)
    return prepared


def check_order_and_inventory(pr: _Prepared, problems: Problems) -> None:
    """Order and inventory must agree line for line (gnum 1:1) and in total value
    (:func:`matching.order_and_inventory`, the rule customs apply)."""
    rows = [{"gnum": ln.gnum, "qty": ln.qty, "totalPrice": ln.total} for ln in pr.lines]
    order = {**order_parties(pr.snap), "goodsValue": pr.goods}
    for problem in matching.order_and_inventory(pr.snap.order.order_no, order, order, rows, rows):
        problems.add(problem)


def _order_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    return {
        **order_parties(s),
        "orderType": "E",
        "goodsValue": pr.goods,
        "freight": round_money(s.order.shipping_cost),
        "currency": pr.currency,
        "note": s.order.note,
    }


def _inventory_values(pr: _Prepared) -> dict[str, Any]:
    """The inventory head: freight and insurance in the order currency, stated as actual
    amounts (flag 3)."""
    s = pr.snap
    f = s.filing
    return {
        **inventory_parties(s),
        **inventory_shipment(s),
        "copNo": f.cop_no or s.order.order_no,
        "ieFlag": "E",
        "ieDate": compact_date(f.ie_date or f.declared_on or s.created_at.date()),
        "statisticsFlag": f.statistics_flag,
        "ownerCode": f.owner_code or s.seller.customs_code,
        "ownerName": f.owner_name or s.seller.name,
        "trafName": f.traf_name,
        "totalPackageNo": f.total_package_no,
        "country": pr.destination,
        "POD": f.pod,
        "fCurrency": pr.currency,
        "fFlag": "3",
        "iCurrency": pr.currency,
        "iFlag": "3",
    }


def _order_row(pr: _Prepared, ln: GoodsLine) -> dict[str, Any]:
    return order_line(ln, pr.currency)


def _inventory_row(pr: _Prepared, ln: GoodsLine) -> dict[str, Any]:
    return inventory_line(ln, pr.destination, pr.currency)


def _open(message: str, snapshots: Snapshots, settings: Signable) -> Draft[_Prepared]:
    return open_message(message, snapshots, prepare, "order and inventory would differ", **settings)


def inventory_fields(
    snapshot: DeclarationSnapshot,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the CEB603 of ``snapshot`` states: its head and list rows (element name ->
    value), checked as the builder checks them."""
    problems = Problems()
    pr = prepare(snapshot, problems)
    problems.raise_if_any(IncompleteDataError, "the inventory cannot be stated")
    return _inventory_values(pr), [_inventory_row(pr, ln) for ln in pr.lines]


def build_ceb303(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB303 export order, filed by the platform or seller."""
    draft = _open("CEB303", snapshots, settings)
    draft.orders(ORDER, _order_values, _order_row)
    return draft.close()


def build_ceb603(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB603 export inventory (清单), filed by the seller or its broker."""
    draft = _open("CEB603", snapshots, settings)
    draft.orders(INVENTORY, _inventory_values, _inventory_row)
    return draft.close()


def _receipt_values(pr: _Prepared) -> dict[str, Any]:
    """The receipt of payment: what the buyer paid (the payment record's amount, else goods
    and freight as the order states them), in the order currency, and when it arrived."""
    s = pr.snap
    pay = s.payment
    assert pay is not None
    paid = pay.amount_paid
    freight = round_money(s.order.shipping_cost)
    charge = round_money(paid) if paid is not None else pr.goods + freight
    return {
        **order_parties(s),
        "payCode": pay.pay_code,
        "payName": pay.pay_name,
        "payNo": pay.transaction_id,
        "charge": charge,
        "currency": pr.currency,
        "accountingDate": compact_datetime(pay.paid_at),
    }


def _waybill_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    lg = s.logistics
    assert lg is not None
    return {
        "logisticsCode": lg.code,
        "logisticsName": lg.name,
        "logisticsNo": s.order.waybill_no,
        "freight": round_money(s.order.shipping_cost),
        "insuredFee": round_money(s.order.insurance_cost),
        "currency": pr.currency,
        "grossWeight": round_money(s.order.gross_weight_kg),
        "packNo": 1,
        "goodsInfo": goods_info(pr.lines),
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "ebcTelephone": s.sender.phone,
    }


def _flat(
    draft: Draft[_Prepared],
    tag: str,
    fields: Layout,
    values: Callable[[_Prepared], dict[str, Any]],
    needs: Callable[[DeclarationSnapshot], object],
    missing: str,
) -> None:
    """One flat business node (``tag``) per snapshot, keyed by the order number; a snapshot
    without what the node describes (``needs`` gives None) is a problem named by
    ``missing``."""
    for pr in draft.prepared:
        key = pr.snap.order.order_no
        if needs(pr.snap) is None:
            draft.problems.add(f"{key}: {missing}")
            continue
        draft.head(tag, fields, key, pr.snap, values(pr))


def build_ceb403(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB403 receipt of payment (收款单) of an export order: the payment company's data,
    transmitted by the seller by default."""
    draft = _open("CEB403", snapshots, settings)
    _flat(draft, "Receipts", RECEIPTS, _receipt_values, _payment, "no payment record for CEB403")
    return draft.close()


def build_ceb505(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB505 export waybill, sent by the logistics operator (the declarer transmits it for
    an operator without a DXP id)."""
    draft = _open("CEB505", snapshots, settings)
    missing = "no logistics operator for CEB505"
    _flat(draft, "Logistics", LOGISTICS, _waybill_values, _logistics, missing)
    return draft.close()


def build_ceb605(snapshots: Snapshots, *, reason: str, **settings: Unpack[Signable]) -> bytes:
    """CEB605 cancel of an export inventory (撤销申请单). Customs identify the inventory by
    the number they issued, so the invtNo is mandatory; ``reason`` says why."""
    draft = _open("CEB605", snapshots, settings)
    for pr in draft.prepared:
        key = pr.snap.order.order_no
        if not pr.snap.filing.invt_no:
            draft.problems.add(f"{key}: cancel needs the inventory number (invtNo)")
        draft.head("InvtCancel", CANCEL, key, pr.snap, _cancel_values(pr, reason))
    return draft.close()


def _cancel_values(pr: _Prepared, reason: str) -> dict[str, Any]:
    s = pr.snap
    parties = inventory_parties(s)
    keep = ("customsCode", "preNo", "invtNo", "agentCode", "agentName", "ebcCode", "ebcName")
    return {
        **{k: parties[k] for k in keep},
        "copNo": s.filing.cop_no or s.order.order_no,
        "reason": reason,
    }


def _payment(s: DeclarationSnapshot) -> object:
    return s.payment


def _logistics(s: DeclarationSnapshot) -> object:
    return s.logistics
