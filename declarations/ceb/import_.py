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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from declarations.ceb import codes
from declarations.ceb.common import (
    IMPORT_XSD,
    Options,
    app_time,
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
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import compact_date, compact_datetime, round_money
from declarations.xmlout import Writer

MAX_LINES = 99
GOODS_INFO_MAX = 200

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


# --------------------------------------------------------------------------------------------
# Values of each document, computed once from the snapshot.
# --------------------------------------------------------------------------------------------


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
    country: str
    gcode: str
    legal_unit: str
    legal_qty: Decimal
    second_unit: str
    second_qty: Decimal | None
    record_no: str


@dataclass(frozen=True, slots=True)
class _Figures:
    goods: Decimal
    freight: Decimal
    insured: Decimal
    discount: Decimal
    tax: Decimal
    paid: Decimal


def _lines(s: DeclarationSnapshot, p: Problems) -> list[_Line]:
    out = []
    for gnum, ln in enumerate(s.lines, 1):
        where = f"{s.order.order_no} line {gnum}"
        qty = round_money(ln.quantity)
        price = round_money(ln.unit_value)
        unit = code_or_problem(p, where, codes.unit_code, ln.unit)
        legal_unit = (
            code_or_problem(p, where, codes.unit_code, ln.legal_unit) if ln.legal_unit else unit
        )
        second = (
            code_or_problem(p, where, codes.unit_code, ln.second_unit) if ln.second_unit else ""
        )
        gcode = ten_digit_hs(ln.hs_code)
        name = ln.description_local or ln.description
        out.append(
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
                country=code_or_problem(p, where, codes.country_code, ln.origin_country)
                if ln.origin_country
                else "",
                gcode=gcode or "",
                legal_unit=legal_unit,
                legal_qty=round_money(ln.legal_quantity) if ln.legal_quantity is not None else qty,
                second_unit=second,
                second_qty=round_money(ln.second_quantity)
                if ln.second_quantity is not None
                else None,
                record_no=ln.item_record_no,
            )
        )
    return out


def _figures(s: DeclarationSnapshot, lines: Sequence[_Line]) -> _Figures:
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
class _Prepared:
    """A snapshot checked for the import set, with the figures every document uses."""

    snap: DeclarationSnapshot
    lines: list[_Line]
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
    lines = _lines(s, problems)
    fig = _figures(s, lines)
    if fig.discount < 0 or fig.freight < 0 or fig.tax < 0:
        problems.add(f"{where}: freight, discount and tax must not be negative")
    if fig.paid < 0:
        consistency.add(f"{where}: discount {fig.discount} exceeds the amount payable")
    prepared = _Prepared(s, lines, fig)
    _three_documents(prepared, consistency)
    return prepared


def _three_documents(pr: _Prepared, problems: Problems) -> None:
    """三单对碰: compare what the order, payment, waybill and inventory would say."""
    s, fig = pr.snap, pr.fig
    where = s.order.order_no
    order = _order_values(pr)
    # Without lines no order or inventory can be produced, so a payment on its own has
    # nothing to contradict; with lines every amount must agree.
    if s.payment is not None and (pr.lines or s.payment.amount_paid is None):
        payment = _payment_values(pr)
        if payment["amountPaid"] != order["acturalPaid"]:
            problems.add(
                f"{where}: payment amountPaid {payment['amountPaid']} differs from the order's "
                f"acturalPaid {order['acturalPaid']} (goodsValue {fig.goods} + freight "
                f"{fig.freight} + taxTotal {fig.tax} - discount {fig.discount})"
            )
        if payment["orderNo"] != order["orderNo"] or (
            payment["payTransactionId"] != order["payTransactionId"]
        ):
            problems.add(f"{where}: payment and order disagree on orderNo/payTransactionId")
    if s.logistics is not None:
        waybill = _waybill_values(pr)
        for key in ("consignee", "consigneeTelephone", "consigneeAddress", "orderNo"):
            if waybill[key] != order[key]:
                problems.add(f"{where}: {key} differs between order and waybill")
        inventory = _inventory_values(pr)
        if inventory["logisticsNo"] != waybill["logisticsNo"]:
            problems.add(f"{where}: logisticsNo differs between inventory and waybill")
    gnums = [ln.gnum for ln in pr.lines]
    if gnums != list(range(1, len(pr.lines) + 1)):
        problems.add(f"{where}: line numbers must run 1..n to map onto inventory lines")


@_memo
def _order_values(pr: _Prepared) -> dict[str, Any]:
    s, fig = pr.snap, pr.fig
    buyer = s.buyer_party
    pay = s.payment
    return {
        "orderType": "I",
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "goodsValue": fig.goods,
        "freight": fig.freight,
        "discount": fig.discount,
        "taxTotal": fig.tax,
        "acturalPaid": fig.paid,
        "currency": codes.CNY,
        "buyerRegNo": s.order.buyer_reg_no or buyer.email or buyer.phone,
        "buyerName": buyer.name,
        "buyerTelephone": buyer.phone,
        "buyerIdType": "1",
        "buyerIdNumber": buyer.id_number,
        "payCode": pay.pay_code if pay else "",
        "payName": pay.pay_name if pay else "",
        "payTransactionId": pay.transaction_id if pay else "",
        "consignee": _consignee(s)[0],
        "consigneeTelephone": _consignee(s)[1],
        "consigneeAddress": _consignee(s)[2],
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


def _goods_info(pr: _Prepared) -> str:
    text = ";".join(f"{ln.name}*{ln.qty.normalize():f}" for ln in pr.lines)
    return text if len(text) <= GOODS_INFO_MAX else text[: GOODS_INFO_MAX - 1] + "…"


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
        "goodsInfo": _goods_info(pr),
        "consignee": name,
        "consigneeAddress": address,
        "consigneeTelephone": phone,
    }


def _agent(s: DeclarationSnapshot) -> tuple[str, str]:
    if s.broker is not None:
        return s.broker.customs_code, s.broker.name
    return s.seller.customs_code, s.seller.name


@_memo
def _inventory_values(pr: _Prepared) -> dict[str, Any]:
    s = pr.snap
    f = s.filing
    lg = s.logistics
    buyer = s.buyer_party
    agent_code, agent_name = _agent(s)
    return {
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "logisticsNo": s.order.waybill_no,
        "logisticsCode": lg.code if lg else "",
        "logisticsName": lg.name if lg else "",
        "copNo": f.cop_no,
        "preNo": f.pre_no,
        "assureCode": f.assure_code or s.seller.customs_code,
        "emsNo": f.ems_no,
        "invtNo": f.invt_no,
        "ieFlag": "I",
        "declTime": compact_date(f.declared_on or s.created_at.date()),
        "customsCode": f.customs_code,
        "portCode": f.port_code or f.customs_code,
        "ieDate": compact_date(f.ie_date) if f.ie_date else "",
        "buyerIdType": "1",
        "buyerIdNumber": buyer.id_number,
        "buyerName": buyer.name,
        "buyerTelephone": buyer.phone,
        "consigneeAddress": _consignee(s)[2],
        "agentCode": agent_code,
        "agentName": agent_name,
        "areaCode": f.area_code,
        "areaName": f.area_name,
        "tradeMode": f.trade_mode,
        "trafMode": f.traf_mode,
        "trafNo": f.traf_name,
        "voyageNo": f.voyage_no,
        "billNo": f.bill_no,
        "loctNo": f.loct_no,
        "licenseNo": f.licence_no or s.order.licence_no,
        "country": codes.tables().country_by_iso.get(s.sender.country, ""),
        "freight": pr.fig.freight,
        "insuredFee": pr.fig.insured,
        "currency": codes.CNY,
        "wrapType": f.wrap_type,
        "packNo": 1,
        "grossWeight": round_money(s.order.gross_weight_kg),
        "netWeight": round_money(s.net_weight_kg),
        "note": s.order.note,
    }


def _head(
    parent: Writer,
    tag: str,
    fields,
    message: str,
    key: str,
    opts: Options,
    snap: DeclarationSnapshot,
    values: Mapping[str, Any],
    problems: Problems,
) -> None:
    parent.start(tag)
    common = {
        "guid": guid(message, key, opts.app_type),
        "appType": opts.app_type,
        "appTime": compact_datetime(app_time(opts.app_time, snap)),
        "appStatus": opts.app_status,
    }
    emit(parent, fields, {**common, **values}, problems, f"{message} {key}")
    parent.end()


# --------------------------------------------------------------------------------------------
# Builders.
# --------------------------------------------------------------------------------------------


def _as_list(snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot]):
    return [snapshots] if isinstance(snapshots, DeclarationSnapshot) else list(snapshots)


def _start(message: str, snaps: list[DeclarationSnapshot], opts: Options):
    problems = Problems()
    consistency = Problems()
    check_node_count(snaps, problems)
    prepared = [prepare(s, problems, consistency) for s in snaps]
    # Mismatches between the documents are reported under their own type, before anything
    # else is built: they are what the seller must fix.
    if consistency:
        raise ConsistencyError(
            f"{message}: order, payment, waybill and inventory would not match",
            consistency.items + problems.items,
        )
    key = ",".join(s.order.order_no for s in snaps) + "|" + opts.app_type
    root = message_root(message, key)
    return problems, prepared, root


def _close(root, snaps, opts: Options, problems, what, signer, schema_dir) -> bytes:
    sender = opts.transmitter or declarer(snaps[0])
    subs = (
        opts.subscriptions
        if opts.subscriptions is not None
        else default_subscriptions(snaps[0], sender)
    )
    append_transport(root, sender, subs, problems)
    return finish(
        root, problems, what, signer=signer, schema_dir=schema_dir, schema_file=IMPORT_XSD
    )


def build_ceb311(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB311 electronic order, filed by the seller/platform or a commissioned operator."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start("CEB311", snaps, options)
    for pr in prepared:
        root.start("Order")
        key = pr.snap.order.order_no
        if not pr.lines:
            problems.add(f"{key}: an order needs at least one line")
        _head(
            root,
            "OrderHead",
            ORDER_HEAD,
            "CEB311",
            key,
            options,
            pr.snap,
            _order_values(pr),
            problems,
        )
        for ln in pr.lines:
            root.start("OrderList")
            values = {
                "gnum": ln.gnum,
                "itemNo": ln.sku,
                "itemName": ln.name,
                "gmodel": ln.model,
                "itemDescribe": ln.describe,
                "barCode": ln.barcode,
                "unit": ln.unit,
                "qty": ln.qty,
                "price": ln.price,
                "totalPrice": ln.total,
                "currency": codes.CNY,
                "country": ln.country,
            }
            emit(root, ORDER_LIST, values, problems, f"CEB311 {key} line {ln.gnum}")
            root.end()
        root.end()
    return _close(root, snaps, options, problems, "CEB311", signer, schema_dir)


def _head_only(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    message: str,
    node: str,
    head: str,
    layout: Any,
    *,
    part: Callable[[DeclarationSnapshot], Any],
    missing: str,
    key: Callable[[DeclarationSnapshot], str],
    values: Callable[[_Prepared], dict[str, Any]],
    options: Options,
    signer: Any,
    schema_dir: str | Path | None,
) -> bytes:
    """A message of one head per snapshot and no lists (CEB411, CEB511); a snapshot without
    the ``part`` the head describes is a problem named by ``missing``."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start(message, snaps, options)
    for pr in prepared:
        if part(pr.snap) is None:
            problems.add(f"{pr.snap.order.order_no}: {missing}")
            continue
        root.start(node)
        _head(root, head, layout, message, key(pr.snap), options, pr.snap, values(pr), problems)
        root.end()
    return _close(root, snaps, options, problems, message, signer, schema_dir)


def build_ceb411(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB411 payment record, as a commissioned operator files it for the payment company."""
    return _head_only(
        snapshots, "CEB411", "Payment", "PaymentHead", PAYMENT_HEAD,
        part=lambda s: s.payment, missing="no payment record for CEB411",
        key=lambda s: s.payment.transaction_id, values=_payment_values,
        options=options, signer=signer, schema_dir=schema_dir,
    )  # fmt: skip


def build_ceb511(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB511 waybill, filed by the logistics operator (or the service acting for it)."""
    return _head_only(
        snapshots, "CEB511", "Logistics", "LogisticsHead", LOGISTICS_HEAD,
        part=lambda s: s.logistics, missing="no logistics operator for CEB511",
        key=lambda s: s.order.waybill_no, values=_waybill_values,
        options=options, signer=signer, schema_dir=schema_dir,
    )  # fmt: skip


def build_ceb621(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    signer: Any,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB621 import inventory (清单), the declaration itself; always signed by the declarer
    (the schema requires ds:Signature)."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start("CEB621", snaps, options)
    for pr in prepared:
        root.start("Inventory")
        key = pr.snap.order.order_no
        if not pr.lines:
            problems.add(f"{key}: an inventory needs at least one line")
        _check_gcodes(pr, problems)
        _head(
            root,
            "InventoryHead",
            INVENTORY_HEAD,
            "CEB621",
            key,
            options,
            pr.snap,
            _inventory_values(pr),
            problems,
        )
        trade_country = codes.tables().country_by_iso.get(pr.snap.sender.country, "")
        for ln in pr.lines:
            root.start("InventoryList")
            values = {
                "gnum": ln.gnum,
                "itemRecordNo": ln.record_no,
                "itemNo": ln.sku,
                "itemName": ln.name,
                "gcode": ln.gcode,
                "gname": ln.name,
                "gmodel": ln.model,
                "barCode": ln.barcode or "无",
                "country": ln.country,
                "tradeCountry": trade_country,
                "currency": codes.CNY,
                "qty": ln.qty,
                "unit": ln.unit,
                "qty1": ln.legal_qty,
                "unit1": ln.legal_unit,
                "qty2": ln.second_qty,
                "unit2": ln.second_unit,
                "price": ln.price,
                "totalPrice": ln.total,
            }
            emit(root, INVENTORY_LIST, values, problems, f"CEB621 {key} line {ln.gnum}")
            root.end()
        root.end()
    return _close(root, snaps, options, problems, "CEB621", signer, schema_dir)


def _check_gcodes(pr: _Prepared, problems: Problems) -> None:
    for ln, src in zip(pr.lines, pr.snap.lines, strict=True):
        if not ln.gcode:
            problems.add(
                f"{pr.snap.order.order_no} line {ln.gnum}: HS code {src.hs_code!r} must be an "
                "8- or 10-digit China commodity code"
            )


def _cancel_values(s: DeclarationSnapshot, reason: str) -> dict[str, Any]:
    buyer = s.buyer_party
    agent_code, agent_name = _agent(s)
    lg = s.logistics
    return {
        "customsCode": s.filing.customs_code,
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
        "logisticsNo": s.order.waybill_no,
        "logisticsCode": lg.code if lg else "",
        "logisticsName": lg.name if lg else "",
        "copNo": s.filing.cop_no,
        "preNo": s.filing.pre_no,
        "invtNo": s.filing.invt_no,
        "buyerIdType": "1",
        "buyerIdNumber": buyer.id_number,
        "buyerName": buyer.name,
        "buyerTelephone": buyer.phone,
        "agentCode": agent_code,
        "agentName": agent_name,
        "reason": reason,
    }


def build_ceb623(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    reason: str,
    signer: Any,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB623 cancel of a declared inventory (needs the customs invtNo); always signed."""
    snaps = _as_list(snapshots)
    problems, _prepared, root = _start("CEB623", snaps, options)
    for s in snaps:
        if not s.filing.invt_no:
            problems.add(f"{s.order.order_no}: cancel needs the inventory number (invtNo)")
        _head(
            root,
            "InvtCancel",
            CANCEL,
            "CEB623",
            s.order.order_no,
            options,
            s,
            _cancel_values(s, reason),
            problems,
        )
    return _close(root, snaps, options, problems, "CEB623", signer, schema_dir)


def build_ceb625(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    reason: str,
    signer: Any,
    returned: Mapping[int, Decimal] | None = None,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB625 return of released goods. ``returned`` maps gnum to the quantity returned
    (every line in full when omitted); quantities may not exceed the declared ones."""
    snaps = _as_list(snapshots)
    problems, prepared, root = _start("CEB625", snaps, options)
    for pr in prepared:
        s = pr.snap
        key = s.order.order_no
        if not s.filing.invt_no:
            problems.add(f"{key}: return needs the inventory number (invtNo)")
        _check_gcodes(pr, problems)
        root.start("InvtRefund")
        _head(
            root,
            "InvtRefundHead",
            REFUND_HEAD,
            "CEB625",
            key,
            options,
            s,
            _cancel_values(s, reason),
            problems,
        )
        wanted = returned if returned is not None else {ln.gnum: ln.qty for ln in pr.lines}
        by_gnum = {ln.gnum: ln for ln in pr.lines}
        for gnum in sorted(wanted):
            ln = by_gnum.get(gnum)
            if ln is None:
                problems.add(f"{key}: returned line {gnum} is not on the inventory")
                continue
            qty = round_money(wanted[gnum])
            if not 0 < qty <= ln.qty:
                problems.add(f"{key}: line {gnum} return quantity {qty} not in (0, {ln.qty}]")
            root.start("InvtRefundList")
            values = {"gnum": gnum, "gcode": ln.gcode, "gname": ln.name, "qty": qty}
            emit(root, REFUND_LIST, {**values, "unit": ln.unit}, problems, f"CEB625 {key}")
            root.end()
        root.end()
        if not wanted:
            problems.add(f"{key}: a return needs at least one line")
    return _close(root, snaps, options, problems, "CEB625", signer, schema_dir)


def build_import_set(
    snapshot: DeclarationSnapshot,
    *,
    signer: Any,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
) -> dict[str, bytes]:
    """The four import documents of one order (CEB311, CEB411, CEB511, CEB621)."""
    return {
        "ceb311": build_ceb311(snapshot, options=options, schema_dir=schema_dir),
        "ceb411": build_ceb411(snapshot, options=options, schema_dir=schema_dir),
        "ceb511": build_ceb511(snapshot, options=options, schema_dir=schema_dir),
        "ceb621": build_ceb621(snapshot, signer=signer, options=options, schema_dir=schema_dir),
    }
