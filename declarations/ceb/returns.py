"""Export returns (出口退货): CEB213 return application (退货申请单) for goods of a released
export inventory coming back, filed by the seller or its broker, and CEB215 tally of the
returned parcels when they reach the supervised site (理货明细单（运抵）), filed by the site
operator.

What the schema's documentation says and the builders follow: a return is an inbound
movement (ieFlag 「出口退货填写I」); the returned lines are the original inventory's (gnum
「对应原申报清单表体项号」, codes and names 「与原申报清单一致」, quantities
「不大于原申报清单申报数量」, so the statutory quantities are the original's in proportion);
the return's waybill and carrier may be the original ones (「可以与原出口运单号一致」, the
default here); the bill is the waybill when there is none (「如无则填写物流运单号」); the
country it comes from 「不能为中国」.
CEB215's documentation swaps operatorName and logisticsCode; the names are what count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Unpack

from declarations.ceb import codes
from declarations.ceb.common import (
    EXPORT_XSD,
    MAX_NODES,
    GoodsLine,
    Options,
    Signable,
    Snapshots,
    app_fields,
    append_transport,
    check_options,
    code_or_problem,
    emit,
    finish,
    inventory_parties,
    layout,
    message_root,
    open_message,
    returned_lines,
)
from declarations.ceb.export import prepare
from declarations.ceb.movements import Company, Consignment
from declarations.errors import Problems
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import round_money

__all__ = ["ReturnTransport", "build_ceb213", "build_ceb215"]

REFUND_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    loctNo ?0-10
    ebpCode 1-18
    ebpName 1-100
    ebcCode 1-18
    ebcName 1-100
    logisticsNo 1-80
    logisticsCode 1-18
    logisticsName 1-100
    coElNo 1-30
    preNo ?0-18
    invtNo 1-20
    tradeMode ?=4
    agentCode 1-18
    agentName 1-100
    billNo 1-37
    ieFlag 1-1
    trafMode 1-1
    trafName 1-100
    portCode 1-4
    reason 1-500
    country 1-3
    voyageNo 1-32
    note ?0-500
    """
)
REFUND_LIST = layout(
    """
    gnum int
    gcode 1-10
    gname 1-250
    gmodel 1-250
    qty dec
    qty1 dec
    unit =3
    unit1 =3
    qty2 ?dec
    unit2 ?=3
    note ?0-500
    """
)
REFUND_DETAIL = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    operatorCode 1-18
    operatorName 1-100
    logisticsCode 1-18
    logisticsName 1-100
    logisticsNo 1-80
    invtNo ?0-20
    coElNo 1-20
    preNo ?0-18
    billNo 1-37
    ieFlag =1
    trafMode =1
    trafName 1-100
    voyageNo 1-32
    location ?0-250
    note ?0-250
    """
)
#: How a return moves: inbound, whatever the original inventory's direction.
RETURN_IE_FLAG = "I"


@dataclass(frozen=True, slots=True)
class ReturnTransport:
    """How the returned goods come back, where they differ from the original shipment:
    the filer's number for the application (coElNo; default the inventory's copNo + ``R``),
    the return waybill and carrier, the bill, the transport (mode code, conveyance,
    voyage), the country (ISO) they come from and the port they enter by."""

    co_el_no: str = ""
    logistics_no: str = ""
    logistics: Company | None = None
    bill_no: str = ""
    traf_mode: str = ""
    traf_name: str = ""
    voyage_no: str = ""
    country: str = ""
    port_code: str = ""


_SAME = ReturnTransport()


def build_ceb213(
    snapshots: Snapshots,
    *,
    reason: str,
    returned: Mapping[int, Decimal] | None = None,
    transport: ReturnTransport = _SAME,
    **settings: Unpack[Signable],
) -> bytes:
    """CEB213 return of goods of a released export inventory (needs the customs invtNo).
    ``returned`` maps gnum to the quantity returned (every line in full when omitted)."""
    draft = open_message("CEB213", snapshots, prepare, "order and inventory differ", **settings)
    for pr in draft.prepared:
        s, problems, out = pr.snap, draft.problems, draft.out
        key = s.order.order_no
        if not s.filing.invt_no:
            problems.add(f"{key}: return needs the inventory number (invtNo)")
        out.start("InvtRefund")
        head = _refund_head(s, pr.destination, reason, transport, problems)
        draft.head("InvtRefundHead", REFUND_HEAD, key, s, head)
        for ln, qty in returned_lines(key, pr.lines, returned, problems):
            out.start("InvtRefundList")
            emit(out, REFUND_LIST, _refund_row(ln, qty), problems, f"CEB213 {key}")
            out.end()
        out.end()
    return draft.close()


def _refund_head(
    s: DeclarationSnapshot,
    destination: str,
    reason: str,
    t: ReturnTransport,
    problems: Problems,
) -> dict[str, Any]:
    """The application head: the original inventory's parties and numbers, the return's
    waybill, transport and origin (the original's where ``t`` says nothing)."""
    f, parties = s.filing, inventory_parties(s)
    carrier = t.logistics or Company(parties["logisticsCode"], parties["logisticsName"])
    waybill = t.logistics_no or parties["logisticsNo"]
    country = destination
    if t.country:
        country = code_or_problem(problems, s.order.order_no, codes.country_code, t.country)
    if country == codes.tables().country_by_iso.get("CN"):
        problems.add(f"{s.order.order_no}: a return cannot come from China")
    keep = ("customsCode", "ebpCode", "ebpName", "ebcCode", "ebcName", "invtNo")
    return {
        **{k: parties[k] for k in keep},
        "loctNo": f.loct_no,
        "logisticsNo": waybill,
        "logisticsCode": carrier.code,
        "logisticsName": carrier.name,
        "coElNo": t.co_el_no or f"{f.cop_no or s.order.order_no}R"[:30],
        "tradeMode": f.trade_mode,
        "agentCode": parties["agentCode"],
        "agentName": parties["agentName"],
        "billNo": t.bill_no or waybill,
        "ieFlag": RETURN_IE_FLAG,
        "trafMode": t.traf_mode or f.traf_mode,
        "trafName": t.traf_name or f.traf_name,
        "portCode": t.port_code or f.port_code or f.customs_code,
        "reason": reason,
        "country": country,
        "voyageNo": t.voyage_no or f.voyage_no,
    }


def _refund_row(ln: GoodsLine, qty: Decimal) -> dict[str, Any]:
    """A returned line: the original's codes and names, ``qty`` of the declared quantity and
    the statutory quantities in the same proportion."""
    share = qty / ln.qty if ln.qty else Decimal(0)
    second = round_money(ln.second_qty * share) if ln.second_qty is not None else None
    return {
        "gnum": ln.gnum,
        "gcode": ln.gcode,
        "gname": ln.name,
        "gmodel": ln.model,
        "qty": qty,
        "qty1": round_money(ln.legal_qty * share),
        "unit": ln.unit,
        "unit1": ln.legal_unit,
        "qty2": second,
        "unit2": ln.second_unit,
    }


def build_ceb215(
    consignment: Consignment,
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB215: returned parcels arrived at the supervised site, one tally node per parcel
    (at most 100), each with its own coElNo (``Parcel.cop_no``) and the original inventory
    number when known; filed by the site operator."""
    c = consignment
    problems = Problems()
    check_options(options, problems)
    if c.operator is None:
        problems.add("the site operator is required")
    op = c.operator or Company("", "")
    if not 1 <= len(c.parcels) <= MAX_NODES:
        problems.add(f"CEB215 holds 1 to {MAX_NODES} parcels, got {len(c.parcels)}")
    root = message_root("CEB215", f"{c.customs_code}|{c.cop_no}")
    for p in c.parcels:
        key = f"{c.customs_code}|{p.cop_no}|{p.logistics_no}"
        values = {
            **app_fields("CEB215", key, options, c.at),
            "customsCode": c.customs_code,
            "operatorCode": op.code,
            "operatorName": op.name,
            "logisticsCode": c.logistics.code,
            "logisticsName": c.logistics.name,
            "logisticsNo": p.logistics_no,
            "invtNo": p.invt_no,
            "coElNo": p.cop_no,
            "billNo": c.bill_no or p.logistics_no,
            "ieFlag": RETURN_IE_FLAG,
            "trafMode": c.traf_mode,
            "trafName": c.traf_name,
            "voyageNo": c.voyage_no,
            "location": c.unload_location,
            "note": p.note or c.note,
        }
        root.start("InvtRefundDetail")
        emit(root, REFUND_DETAIL, values, problems, f"CEB215 {p.logistics_no}")
        root.end()
    sender = options.transmitter or op.transmitter()
    append_transport(root, sender, options.subscriptions or (), problems)
    return finish(
        root, problems, "CEB215", signer=signer, schema_dir=schema_dir, schema_file=EXPORT_XSD
    )
