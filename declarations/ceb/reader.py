"""Reading CEB declarations: the business nodes of any import or export declaration, and
import declarations (CEB311/411/511/621/623/625) back into snapshots.

Why: orders sometimes reach the service as CEB XML already (from a platform, or a broker
migrating its backlog), and reading the official samples proves the snapshot holds everything
the messages carry. Each business node becomes one snapshot with what that message says;
fields a message does not carry keep their defaults. Input is untrusted and parsed safely.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lxml import etree

from declarations import safexml
from declarations.ceb import codes
from declarations.ceb.common import Transmitter
from declarations.ceb.receipts import _children, _fields, _local
from declarations.errors import DeclarationError
from declarations.snapshot import (
    BrokerRegistration,
    CustomsFiling,
    DeclarationSnapshot,
    Line,
    LogisticsOperator,
    Order,
    Party,
    Payment,
    SellerRegistration,
)


def _dec(text: str | None) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def _time(text: str | None) -> datetime:
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S") if text else datetime(1970, 1, 1)


def _date(text: str | None):
    return datetime.strptime(text, "%Y%m%d").date() if text else None


def _iso(cn_code: str) -> str:
    try:
        return codes.iso_country(cn_code)
    except codes.UnknownCodeError:
        return ""


#: Each declaration message: its business node, the node's head element (None: the node is
#: flat, its fields are the head) and its list element (None: no lines).
NODES: dict[str, tuple[str, str | None, str | None]] = {
    "CEB311": ("Order", "OrderHead", "OrderList"),
    "CEB411": ("Payment", "PaymentHead", None),
    "CEB511": ("Logistics", "LogisticsHead", None),
    "CEB621": ("Inventory", "InventoryHead", "InventoryList"),
    "CEB623": ("InvtCancel", None, None),
    "CEB625": ("InvtRefund", "InvtRefundHead", "InvtRefundList"),
    "CEB303": ("Order", "OrderHead", "OrderList"),
    "CEB403": ("Receipts", None, None),
    "CEB505": ("Logistics", None, None),
    "CEB603": ("Inventory", "InventoryHead", "InventoryList"),
    "CEB605": ("InvtCancel", None, None),
    "CEB701": ("SummaryApply", "SummaryApplyHead", "SummaryApplyList"),
    "CEB507": ("Arrival", "ArrivalHead", "ArrivalList"),
    "CEB509": ("Departure", "DepartureHead", "DepartureList"),
    "CEB607": ("WayBill", "WayBillHead", "WayBillList"),
    "CEB213": ("InvtRefund", "InvtRefundHead", "InvtRefundList"),
    "CEB215": ("InvtRefundDetail", None, None),
    "CEB711": ("Delivery", "DeliveryHead", "DeliveryList"),
    "CEB513": ("LogisticsStatus", None, None),
}
IMPORT_DECLARATIONS = ("CEB311", "CEB411", "CEB511", "CEB621", "CEB623", "CEB625")

Fields = dict[str, str]


def business_nodes(root: etree._Element) -> list[tuple[Fields, list[Fields]]]:
    """The business nodes of a parsed declaration message, each as its head fields and its
    list rows (element name -> stripped text)."""
    name = _local(root).removesuffix("Message")
    if name not in NODES:
        raise DeclarationError(f"{name} is not a declaration this service reads")
    node_name, head_name, list_name = NODES[name]
    out = []
    for node in _children(root, node_name):
        heads = _children(node, head_name) if head_name else [node]
        if not heads:
            raise DeclarationError(f"{name} {node_name} without {head_name}")
        rows = [_fields(c) for c in _children(node, list_name)] if list_name else []
        out.append((_fields(heads[0]), rows))
    return out


def read(xml: bytes) -> list[DeclarationSnapshot]:
    """One snapshot per business node of an import declaration message."""
    root = safexml.parse(xml)
    name = _local(root).removesuffix("Message")
    if name not in IMPORT_DECLARATIONS:
        raise DeclarationError(f"{name} is not an import declaration this service reads")
    return [_snapshot(head, rows) for head, rows in business_nodes(root)]


def _snapshot(h: dict[str, str], rows: list[dict[str, str]]) -> DeclarationSnapshot:
    """What one business node says: its head ``h`` and list ``rows``, by element name."""
    when = _time(h.get("appTime"))
    buyer = _buyer(h)
    tax = h.get("taxTotal")
    return DeclarationSnapshot(
        order=_order(h, when),
        sender=Party(name=h.get("ebcName", ""), country=_iso(h.get("country", ""))),
        recipient=Party(
            name=h.get("consignee") or buyer.name,
            phone=h.get("consigneeTelephone") or buyer.phone,
            street=h.get("consigneeAddress", ""),
            country="CN",
        ),
        buyer=buyer,
        lines=tuple(_line(r) for r in rows),
        quote={"currency": "CNY", "tax_total": tax} if tax else None,
        seller=SellerRegistration(
            customs_code=h.get("ebcCode", ""),
            name=h.get("ebcName", ""),
            platform_code=h.get("ebpCode", ""),
            platform_name=h.get("ebpName", ""),
        ),
        broker=_broker(h),
        logistics=LogisticsOperator(h["logisticsCode"], h.get("logisticsName", ""))
        if h.get("logisticsCode")
        else None,
        payment=_payment(h),
        filing=_filing(h),
        created_at=when,
    )


def _buyer(h: dict[str, str]) -> Party:
    """The buyer: as the order or inventory names it, else the payer, else the consignee."""
    return Party(
        name=h.get("buyerName") or h.get("payerName") or h.get("consignee") or "",
        phone=h.get("buyerTelephone") or h.get("telephone") or "",
        id_number=h.get("buyerIdNumber") or h.get("payerIdNumber") or "",
        country="CN",
    )


def _line(r: dict[str, str]) -> Line:
    return Line(
        sku=r.get("itemNo", ""),
        description=r.get("itemDescribe") or r.get("itemName") or r.get("gname", ""),
        description_local=r.get("itemName") or r.get("gname", ""),
        hs_code=r.get("gcode", ""),
        quantity=_dec(r.get("qty")),
        unit=r.get("unit", ""),
        net_weight_kg=Decimal(0),
        unit_value=_dec(r.get("price")),
        origin_country=_iso(r.get("country", "")),
        spec=r.get("gmodel", ""),
        barcode=r.get("barCode", ""),
        legal_unit=r.get("unit1", ""),
        legal_quantity=_dec(r["qty1"]) if r.get("qty1") else None,
        second_unit=r.get("unit2", ""),
        second_quantity=_dec(r["qty2"]) if r.get("qty2") else None,
        item_record_no=r.get("itemRecordNo", ""),
    )


def _payment(h: dict[str, str]) -> Payment | None:
    if not (h.get("payCode") and h.get("payTransactionId")):
        return None
    return Payment(
        pay_code=h["payCode"],
        pay_name=h.get("payName", ""),
        transaction_id=h["payTransactionId"],
        paid_at=_time(h.get("payTime") or h.get("appTime")),
        amount_paid=_dec(h["amountPaid"]) if h.get("amountPaid") else None,
    )


def _broker(h: dict[str, str]) -> BrokerRegistration | None:
    """The filing agent, when it is not the seller itself."""
    agent = h.get("agentCode")
    if agent and agent != h.get("ebcCode"):
        return BrokerRegistration(agent, h.get("agentName", ""))
    return None


def _order(h: dict[str, str], when: datetime) -> Order:
    return Order(
        order_no=h.get("orderNo", ""),
        flow="import",
        regime="cbec",
        currency="CNY",
        ordered_at=when,
        item_id="",
        logistics_no=h.get("logisticsNo", ""),
        shipping_cost=_dec(h.get("freight")),
        insurance_cost=_dec(h.get("insuredFee")),
        discount=_dec(h.get("discount")),
        gross_weight_kg=_dec(h.get("grossWeight") or h.get("weight")),
        buyer_reg_no=h.get("buyerRegNo", ""),
        note=h.get("note", ""),
    )


#: Snapshot filing field -> CEB element, for the particulars read as they stand.
_FILING_TEXT = {
    "customs_code": "customsCode",
    "port_code": "portCode",
    "traf_name": "trafNo",
    "voyage_no": "voyageNo",
    "bill_no": "billNo",
    "loct_no": "loctNo",
    "licence_no": "licenseNo",
    "assure_code": "assureCode",
    "ems_no": "emsNo",
    "area_code": "areaCode",
    "area_name": "areaName",
    "wrap_type": "wrapType",
    "cop_no": "copNo",
    "pre_no": "preNo",
    "invt_no": "invtNo",
}


def _filing(h: dict[str, str]) -> CustomsFiling:
    return CustomsFiling(
        **{name: h.get(element, "") for name, element in _FILING_TEXT.items()},
        trade_mode=h.get("tradeMode", "9610"),
        traf_mode=h.get("trafMode", "5"),
        declared_on=_date(h.get("declTime")),
        ie_date=_date(h.get("ieDate")),
    )


def transmitter(xml: bytes) -> Transmitter:
    """The BaseTransfer of a message: who sent it over DXP."""
    root = safexml.parse(xml)
    nodes = _children(root, "BaseTransfer")
    if not nodes:
        raise DeclarationError("message has no BaseTransfer")
    f = _fields(nodes[0])
    return Transmitter(
        f.get("copCode", ""), f.get("copName", ""), f.get("dxpId", ""), f.get("note", "")
    )
