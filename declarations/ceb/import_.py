"""Import declarations (China CBEC retail import, 9610/1210): CEB311 order, CEB411 payment,
CEB511 waybill, CEB621 inventory, CEB623 cancel, CEB625 return.

Every builder runs the three-document check (三单对碰) first: customs match the order, the
payment and the waybill on orderNo/payTransactionId/logisticsNo, require
``acturalPaid = goodsValue + freight + taxTotal - discount`` to equal the payment's
``amountPaid``, the consignee to be identical on order and waybill, and inventory lines (gnum)
to map one to one onto order lines. A snapshot that would fail any of these produces no
message at all. Import money is always CNY (code 142); the tax figure comes from the stored
quote (zero without one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Unpack

from declarations.ceb import codes, matching
from declarations.ceb.common import (
    Draft,
    GoodsLine,
    Node,
    Options,
    Prepared,
    Settings,
    Signable,
    Snapshots,
    emit,
    goods_info,
    goods_lines,
    hs_problem,
    inventory_line,
    inventory_parties,
    inventory_shipment,
    layout,
    open_message,
    order_line,
    order_parties,
    returned_lines,
)
from declarations.errors import Problems, WrongFlowError
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import compact_date, compact_datetime, round_money

__all__ = [
    "Options",
    "build_ceb311",
    "build_ceb411",
    "build_ceb511",
    "build_ceb621",
    "build_ceb623",
    "build_ceb625",
    "build_import_set",
    "prepare",
]

MAX_LINES = 99

ORDER_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    orderType =1
    orderNo 1-60
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    goodsValue dec
    freight dec
    discount dec
    taxTotal dec
    acturalPaid dec
    currency =3
    buyerRegNo 1-60
    buyerName 1-60
    buyerTelephone 1-30
    buyerIdType =1
    buyerIdNumber 1-60
    payCode ?0-18
    payName ?0-100
    payTransactionId ?0-60
    batchNumbers ?0-100
    consignee 1-100
    consigneeTelephone 1-50
    consigneeAddress 1-200
    consigneeDistrict ?=6
    note ?0-1000
    """
)
ORDER_LIST = layout(
    """
    gnum int
    itemNo ?0-30
    itemName 1-250
    gmodel 1-510
    itemDescribe ?0-1000
    barCode ?0-50
    unit =3
    qty dec
    price dec
    totalPrice dec
    currency =3
    country =3
    note ?0-1000
    """
)
PAYMENT_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    payCode 1-18
    payName 1-100
    payTransactionId 1-60
    orderNo 1-60
    ebpCode 1-18
    ebpName 1-100
    payerIdType =1
    payerIdNumber 1-60
    payerName 1-60
    telephone ?0-60
    amountPaid dec
    currency =3
    payTime =14
    note ?0-1000
    """
)
LOGISTICS_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    logisticsCode 1-18
    logisticsName 1-100
    logisticsNo 1-60
    billNo ?0-37
    orderNo 1-60
    freight ?dec
    insuredFee ?dec
    currency =3
    weight dec
    packNo int
    goodsInfo ?0-200
    consignee 1-100
    consigneeAddress 1-200
    consigneeTelephone 1-50
    note ?0-1000
    """
)
INVENTORY_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    orderNo 1-60
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    logisticsNo 1-60
    logisticsCode 1-18
    logisticsName 1-100
    copNo ?0-20
    preNo ?0-18
    assureCode 1-30
    emsNo ?0-30
    invtNo ?0-18
    ieFlag =1
    declTime =8
    customsCode =4
    portCode =4
    ieDate ?=8
    buyerIdType =1
    buyerIdNumber 1-60
    buyerName 1-60
    buyerTelephone 1-30
    consigneeAddress 1-200
    agentCode 1-18
    agentName 1-100
    areaCode ?0-18
    areaName ?0-100
    tradeMode =4
    trafMode =1
    trafNo ?0-100
    voyageNo ?0-32
    billNo ?0-37
    loctNo ?0-10
    licenseNo ?0-19
    country =3
    freight dec
    insuredFee dec
    currency =3
    wrapType ?=1
    packNo int
    grossWeight dec
    netWeight dec
    note ?0-1000
    """
)
INVENTORY_LIST = layout(
    """
    gnum int
    itemRecordNo ?0-30
    itemNo ?0-20
    itemName ?0-250
    gcode =10
    gname 1-250
    gmodel 1-510
    barCode ?0-50
    country =3
    tradeCountry ?1-3
    currency =3
    qty dec
    unit =3
    qty1 dec
    unit1 =3
    qty2 ?dec
    unit2 ?=3
    price dec
    totalPrice dec
    note ?0-1000
    """
)
CANCEL = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    customsCode =4
    orderNo 1-60
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    logisticsNo 1-60
    logisticsCode 1-18
    logisticsName 1-100
    copNo ?0-20
    preNo ?0-18
    invtNo 1-18
    buyerIdType =1
    buyerIdNumber 1-60
    buyerName 1-60
    buyerTelephone 1-30
    agentCode 1-18
    agentName 1-100
    reason 1-1000
    note ?0-1000
    """
)
REFUND_HEAD = CANCEL
REFUND_LIST = layout(
    """
    gnum int
    gcode =10
    gname 1-250
    qty dec
    unit =3
    note ?0-1000
    """
)

ORDER = Node("Order", "OrderHead", ORDER_HEAD, "OrderList", ORDER_LIST)
PAYMENT = Node("Payment", "PaymentHead", PAYMENT_HEAD)
LOGISTICS = Node("Logistics", "LogisticsHead", LOGISTICS_HEAD)
INVENTORY = Node("Inventory", "InventoryHead", INVENTORY_HEAD, "InventoryList", INVENTORY_LIST)


# --------------------------------------------------------------------------------------------
# Values of each document, computed once from the snapshot.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Figures:
    goods: Decimal
    freight: Decimal
    insured: Decimal
    discount: Decimal
    tax: Decimal
    paid: Decimal


def _figures(s: DeclarationSnapshot, lines: Sequence[GoodsLine]) -> _Figures:
    goods = sum((ln.total for ln in lines), Decimal(0))
    freight = round_money(s.order.shipping_cost)
    discount = round_money(s.order.discount)
    tax = round_money(s.quote_amount("tax_total"))
    return _Figures(
        goods=goods,
        freight=freight,
        insured=round_money(s.order.insurance_cost),
        discount=discount,
        tax=tax,
        paid=goods + freight + tax - discount,
    )


@dataclass(frozen=True, slots=True)
class _Prepared(Prepared):
    """A snapshot checked for the import set, with the figures every document uses."""

    fig: _Figures
    #: The element values of each document, computed once (by the three-document check) and
    #: reused when the document is built; builders never modify them.
    values: dict[Any, dict[str, Any]] = field(default_factory=dict)


def _memo(fn):
    """Compute ``fn(pr)`` once per prepared snapshot."""

    def cached(pr: _Prepared) -> dict[str, Any]:
        got = pr.values.get(fn)
        if got is None:
            got = pr.values[fn] = fn(pr)
        return got

    cached.__name__ = fn.__name__
    cached.__doc__ = fn.__doc__
    return cached


def _consignee(s: DeclarationSnapshot) -> tuple[str, str, str]:
    r = s.recipient
    return (r.name, r.phone, r.address_line())


def _buyer(s: DeclarationSnapshot) -> dict[str, Any]:
    """The buyer (订购人) as order, inventory and cancel name it; the ID type is the resident
    identity card (1)."""
    buyer = s.buyer_party
    return {
        "buyerIdType": "1",
        "buyerIdNumber": buyer.id_number,
        "buyerName": buyer.name,
        "buyerTelephone": buyer.phone,
    }


def prepare(
    s: DeclarationSnapshot, problems: Problems, consistency: Problems | None = None
) -> _Prepared:
    """Run the import checks on one snapshot, adding what is wrong to ``problems`` and
    cross-document mismatches to ``consistency`` (``problems`` when not given)."""
    consistency = problems if consistency is None else consistency
    o = s.order
    if o.flow != "import":
        raise WrongFlowError(
            f"order {o.order_no} is an {o.flow} order; CEB3xx-6xx import "
            "messages are for imports into China"
        )
    if o.regime != "cbec":
        raise WrongFlowError(
            f"order {o.order_no} is a personal postal article; CEB import "
            "messages are for cross-border e-commerce (9610/1210)"
        )
    where = o.order_no
    if o.currency != "CNY":
        problems.add(f"{where}: import declarations are in CNY, the order is in {o.currency}")
    if s.quote and s.quote_currency != "CNY":
        problems.add(f"{where}: the quote is in {s.quote_currency}, import tax must be CNY")
    if len(s.lines) > MAX_LINES:
        problems.add(f"{where}: {len(s.lines)} lines, at most {MAX_LINES} per import order")
    lines = goods_lines(s, problems, hs_now=False, origin=True)
    fig = _figures(s, lines)
    if fig.discount < 0 or fig.freight < 0 or fig.tax < 0:
        problems.add(f"{where}: freight, discount and tax must not be negative")
    if fig.paid < 0:
        consistency.add(f"{where}: discount {fig.discount} exceeds the amount payable")
    prepared = _Prepared(s, lines, fig)
    _three_documents(prepared, consistency)
    return prepared


def _three_documents(pr: _Prepared, problems: Problems) -> None:
    """三单对碰: compare what the order, payment, waybill and inventory would say
    (:func:`matching.three_documents`, the rule customs apply)."""
    s = pr.snap
    # Without lines no order or inventory can be produced, so a payment on its own has
    # nothing to contradict; with lines every amount must agree.
    payment = None
    if s.payment is not None and (pr.lines or s.payment.amount_paid is None):
        payment = _payment_values(pr)
    waybill = _waybill_values(pr) if s.logistics is not None else None
    inventory = _inventory_values(pr) if waybill is not None else None
    rows = [{"gnum": ln.gnum, "qty": ln.qty, "totalPrice": ln.total} for ln in pr.lines]
    found = matching.three_documents(
        s.order.order_no, _order_values(pr), payment, waybill, inventory, rows, rows
    )
    for problem in found:
        problems.add(problem)


@_memo
def _order_values(pr: _Prepared) -> dict[str, Any]:
    s, fig = pr.snap, pr.fig
    buyer = s.buyer_party
    pay = s.payment
    name, phone, address = _consignee(s)
    return {
        **order_parties(s),
        **_buyer(s),
        "orderType": "I",
        "goodsValue": fig.goods,
        "freight": fig.freight,
        "discount": fig.discount,
        "taxTotal": fig.tax,
        "acturalPaid": fig.paid,
        "currency": codes.CNY,
        "buyerRegNo": s.order.buyer_reg_no or buyer.email or buyer.phone,
        "payCode": pay.pay_code if pay else "",
        "payName": pay.pay_name if pay else "",
        "payTransactionId": pay.transaction_id if pay else "",
        "consignee": name,
        "consigneeTelephone": phone,
        "consigneeAddress": address,
        "note": s.order.note,
    }


@_memo
def _payment_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    pay = s.payment
    assert pay is not None
    buyer = s.buyer_party
    amount = round_money(pay.amount_paid) if pay.amount_paid is not None else pr.fig.paid
    return {
        "payCode": pay.pay_code,
        "payName": pay.pay_name,
        "payTransactionId": pay.transaction_id,
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "payerIdType": "1",
        "payerIdNumber": buyer.id_number,
        "payerName": buyer.name,
        "telephone": buyer.phone,
        "amountPaid": amount,
        "currency": codes.CNY,
        "payTime": compact_datetime(pay.paid_at),
    }


@_memo
def _waybill_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    lg = s.logistics
    assert lg is not None
    name, phone, address = _consignee(s)
    return {
        "logisticsCode": lg.code,
        "logisticsName": lg.name,
        "logisticsNo": s.order.waybill_no,
        "billNo": s.filing.bill_no,
        "orderNo": s.order.order_no,
        "freight": pr.fig.freight,
        "insuredFee": pr.fig.insured,
        "currency": codes.CNY,
        "weight": round_money(s.order.gross_weight_kg),
        "packNo": 1,
        "goodsInfo": goods_info(pr.lines),
        "consignee": name,
        "consigneeAddress": address,
        "consigneeTelephone": phone,
    }


@_memo
def _inventory_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    f = s.filing
    return {
        **inventory_parties(s),
        **inventory_shipment(s),
        **_buyer(s),
        "copNo": f.cop_no,
        "assureCode": f.assure_code or s.seller.customs_code,
        "ieFlag": "I",
        "declTime": compact_date(f.declared_on or s.created_at.date()),
        "ieDate": compact_date(f.ie_date) if f.ie_date else "",
        "consigneeAddress": _consignee(s)[2],
        "areaCode": f.area_code,
        "areaName": f.area_name,
        "trafNo": f.traf_name,
        "country": _origin(s),
        "currency": codes.CNY,
    }


def _origin(s: DeclarationSnapshot) -> str:
    """Where the goods come from: the sender's country, China (142) for a bonded import."""
    if s.filing.trade_mode == matching.BONDED_TRADE_MODE:
        return matching.BONDED_COUNTRY
    return codes.tables().country_by_iso.get(s.sender.country, "")


def _cancel_values(s: DeclarationSnapshot, reason: str) -> dict[str, Any]:
    return {**inventory_parties(s), **_buyer(s), "copNo": s.filing.cop_no, "reason": reason}


def _order_row(pr: _Prepared, ln: GoodsLine) -> dict[str, Any]:
    return order_line(ln, codes.CNY)


def _inventory_row(pr: _Prepared, ln: GoodsLine) -> dict[str, Any]:
    """The inventory line; the trade country is the one the goods are consigned from."""
    trade_country = codes.tables().country_by_iso.get(pr.snap.sender.country, "")
    return {**inventory_line(ln, ln.country, codes.CNY), "tradeCountry": trade_country}


def _check_order(pr: _Prepared, problems: Problems) -> None:
    if not pr.lines:
        problems.add(f"{pr.snap.order.order_no}: an order needs at least one line")


def _check_inventory(pr: _Prepared, problems: Problems) -> None:
    if not pr.lines:
        problems.add(f"{pr.snap.order.order_no}: an inventory needs at least one line")
    _check_gcodes(pr, problems)
    rows = [_inventory_row(pr, ln) for ln in pr.lines]
    for problem in matching.bonded_import(pr.snap.order.order_no, _inventory_values(pr), rows):
        problems.add(problem)


def _check_gcodes(pr: _Prepared, problems: Problems) -> None:
    for ln, src in zip(pr.lines, pr.snap.lines, strict=True):
        if not ln.gcode:
            problems.add(hs_problem(f"{pr.snap.order.order_no} line {ln.gnum}", src.hs_code))


# --------------------------------------------------------------------------------------------
# Builders.
# --------------------------------------------------------------------------------------------


def _open(message: str, snapshots: Snapshots, settings: Signable) -> Draft[_Prepared]:
    mismatch = "order, payment, waybill and inventory would not match"
    return open_message(message, snapshots, prepare, mismatch, **settings)


def _heads(
    draft: Draft[_Prepared],
    node: Node,
    values: Callable[[_Prepared], Mapping[str, Any]],
    key: Callable[[DeclarationSnapshot], str | None],
    missing: str,
) -> None:
    """A node of a single head per snapshot (CEB411, CEB511), under ``key(snapshot)``; a
    snapshot without what the head describes has no key, and is a problem named by
    ``missing``."""
    for pr in draft.prepared:
        found = key(pr.snap)
        if found is None:
            draft.problems.add(f"{pr.snap.order.order_no}: {missing}")
            continue
        draft.node(node, found, pr.snap, values(pr), ())


def _payment_key(s: DeclarationSnapshot) -> str | None:
    return s.payment.transaction_id if s.payment is not None else None


def _waybill_key(s: DeclarationSnapshot) -> str | None:
    return s.order.waybill_no if s.logistics is not None else None


def build_ceb311(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB311 electronic order, sent by the seller (the e-commerce company) by default."""
    draft = _open("CEB311", snapshots, settings)
    draft.orders(ORDER, _order_values, _order_row, check=_check_order)
    return draft.close()


def build_ceb411(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB411 payment record: the payment company's data, transmitted by the seller by
    default."""
    draft = _open("CEB411", snapshots, settings)
    _heads(draft, PAYMENT, _payment_values, _payment_key, "no payment record for CEB411")
    return draft.close()


def build_ceb511(snapshots: Snapshots, **settings: Unpack[Signable]) -> bytes:
    """CEB511 waybill, sent by the logistics operator (the declarer transmits it for an
    operator without a DXP id)."""
    draft = _open("CEB511", snapshots, settings)
    _heads(draft, LOGISTICS, _waybill_values, _waybill_key, "no logistics operator for CEB511")
    return draft.close()


def build_ceb621(snapshots: Snapshots, *, signer: Any, **settings: Unpack[Settings]) -> bytes:
    """CEB621 import inventory (清单), the declaration itself; always signed by the declarer
    (the schema requires ds:Signature)."""
    draft = _open("CEB621", snapshots, {**settings, "signer": signer})
    draft.orders(INVENTORY, _inventory_values, _inventory_row, check=_check_inventory)
    return draft.close()


def build_ceb623(
    snapshots: Snapshots, *, reason: str, signer: Any, **settings: Unpack[Settings]
) -> bytes:
    """CEB623 cancel of a declared inventory (needs the customs invtNo); always signed."""
    draft = _open("CEB623", snapshots, {**settings, "signer": signer})
    for s in draft.snapshots:
        key = s.order.order_no
        if not s.filing.invt_no:
            draft.problems.add(f"{key}: cancel needs the inventory number (invtNo)")
        draft.head("InvtCancel", CANCEL, key, s, _cancel_values(s, reason))
    return draft.close()


def build_ceb625(
    snapshots: Snapshots,
    *,
    reason: str,
    signer: Any,
    returned: Mapping[int, Decimal] | None = None,
    **settings: Unpack[Settings],
) -> bytes:
    """CEB625 return of released goods. ``returned`` maps gnum to the quantity returned
    (every line in full when omitted); quantities may not exceed the declared ones."""
    draft = _open("CEB625", snapshots, {**settings, "signer": signer})
    for pr in draft.prepared:
        _refund(draft, pr, reason, returned)
    return draft.close()


def _refund(
    draft: Draft[_Prepared], pr: _Prepared, reason: str, returned: Mapping[int, Decimal] | None
) -> None:
    """One InvtRefund node: the head, then a list element per returned line."""
    s, problems, out = pr.snap, draft.problems, draft.out
    key = s.order.order_no
    if not s.filing.invt_no:
        problems.add(f"{key}: return needs the inventory number (invtNo)")
    _check_gcodes(pr, problems)
    out.start("InvtRefund")
    draft.head("InvtRefundHead", REFUND_HEAD, key, s, _cancel_values(s, reason))
    for ln, qty in returned_lines(key, pr.lines, returned, problems):
        out.start("InvtRefundList")
        values = {"gnum": ln.gnum, "gcode": ln.gcode, "gname": ln.name, "qty": qty, "unit": ln.unit}
        emit(out, REFUND_LIST, values, problems, f"CEB625 {key}")
        out.end()
    out.end()


def build_import_set(
    snapshot: DeclarationSnapshot, *, signer: Any, **settings: Unpack[Settings]
) -> dict[str, bytes]:
    """The four import documents of one order (CEB311, CEB411, CEB511, CEB621)."""
    return {
        "ceb311": build_ceb311(snapshot, **settings),
        "ceb411": build_ceb411(snapshot, **settings),
        "ceb511": build_ceb511(snapshot, **settings),
        "ceb621": build_ceb621(snapshot, signer=signer, **settings),
    }
