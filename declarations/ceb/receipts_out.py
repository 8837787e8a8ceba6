"""Writing the receipts customs and E-Port send back (the other side of :mod:`receipts`).

Why the service writes receipts at all: its customs simulator answers filings the way E-Port
does, and tests and demos need realistic receipts that the receipts pipeline reads exactly
like the real ones. Builders are pure functions of plain dicts (element name -> value), one
dict per return node, and the output validates against the official 202205 schemas.

Every receipt message holds up to 100 return nodes (the schemas' ``maxOccurs``), except the
CEB900 format-error receipt (one); :func:`build_receipts` splits longer lists. The CEB816 tax
bill and the CEB792 summary result have a head and lines per node and writers of their own
(:func:`build_tax_bill`, :func:`build_summary_results`); :func:`write` writes any of them.
A node's ``guid`` defaults to a deterministic one made from its key fields, status and time,
so a receipt written twice is written identically; ``returnTime`` may be given as a datetime
(written with milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from declarations.ceb.common import (
    EXPORT_XSD,
    IMPORT_XSD,
    MAX_NODES,
    Layout,
    Node,
    emit,
    finish,
    guid,
    layout,
    message_root,
    write_node,
)
from declarations.ceb.receipts import CHINA_TIME
from declarations.errors import IncompleteDataError, Problems
from declarations.xmlfmt import compact_millis

__all__ = [
    "RECEIPTS",
    "build_receipt",
    "build_receipts",
    "build_summary_results",
    "build_tax_bill",
    "capacity",
    "write",
]

_TAIL = """
    returnStatus 1-10
    returnTime =17
    returnInfo 1-1000
"""

#: The order receipt (CEB312, and CEB304 alike).
ORDER_RETURN = layout(
    """
    guid =36
    ebpCode 1-18
    ebcCode 1-18
    orderNo 1-60
    """
    + _TAIL
)
PAYMENT_RETURN = layout(
    """
    guid =36
    payCode 1-18
    payTransactionId 1-60
    """
    + _TAIL
)
IMPORT_LOGISTICS_RETURN = layout(
    """
    guid =36
    logisticsCode 1-18
    logisticsNo 1-60
    """
    + _TAIL
)
IMPORT_INVENTORY_RETURN = layout(
    """
    guid =36
    customsCode ?=4
    ebpCode ?1-18
    ebcCode ?1-18
    agentCode ?1-18
    copNo 1-20
    preNo =18
    invtNo ?=18
    """
    + _TAIL
)
#: Cancel and return receipts (CEB624, CEB626) name the same fields in another order.
IMPORT_CANCEL_RETURN = layout(
    """
    guid =36
    customsCode ?=4
    agentCode ?1-18
    ebpCode ?1-18
    ebcCode ?1-18
    copNo 1-20
    preNo =18
    invtNo ?=18
    """
    + _TAIL
)
MESSAGE_RETURN = layout(
    """
    guid =36
    returnStatus 1-10
    returnInfo 0-5000
    returnTime =17
    oriCopMsgId 0-255
    oriMessageType 0-15
    oriBizMessage 0-100000
    """
)
RECEIPTS_RETURN = layout(
    """
    guid =36
    ebcCode 1-18
    orderNo 1-60
    payNo ?0-60
    """
    + _TAIL
)
EXPORT_LOGISTICS_RETURN = layout(
    """
    guid =36
    logisticsCode 1-18
    logisticsNo 1-32
    """
    + _TAIL
)
EXPORT_INVENTORY_RETURN = layout(
    """
    guid =36
    agentCode 1-18
    copNo 1-30
    preNo =18
    invtNo 1-20
    ebcCode 1-18
    ebpCode 1-18
    orderNo 1-60
    statisticsFlag =1
    """
    + _TAIL
)
EXPORT_CANCEL_RETURN = layout(
    """
    guid =36
    agentCode 1-18
    copNo 1-30
    preNo =18
    invtNo 1-20
    """
    + _TAIL
)
ARRIVAL_RETURN = layout(
    """
    guid =36
    operatorCode 1-18
    logisticsCode 1-18
    preNo =18
    copNo 1-30
    billNo 0-37
    msgSeqNo int
    """
    + _TAIL
)
DEPARTURE_RETURN = layout(
    """
    guid =36
    logisticsCode 1-18
    copNo 1-30
    preNo =18
    msgSeqNo int
    """
    + _TAIL
)
WAYBILL_LIST_RETURN = layout(
    """
    guid =36
    agentCode 1-18
    logisticsCode 1-18
    copNo 1-30
    preNo =18
    billNo 1-37
    msgSeqNo int
    """
    + _TAIL
)
SUMMARY_RETURN = layout(
    """
    guid =36
    agentCode 1-18
    ebcCode 1-18
    copNo 1-30
    preNo =18
    sumNo ?=18
    msgSeqNo int
    """
    + _TAIL
)
#: CEB214: the receipt of an export return application (CEB213).
REFUND_RETURN = layout(
    """
    guid =36
    ebpCode ?1-18
    ebcCode ?1-18
    agentCode 1-18
    coElNo 1-30
    preNo ?1-18
    invtNo 1-20
    """
    + _TAIL
)
#: CEB216: the receipt of the tally on a return's arrival (CEB215).
REFUND_DETAIL_RETURN = layout(
    """
    guid =36
    operatorCode 1-18
    logisticsCode 1-18
    logisticsNo 1-80
    coElNo 1-30
    preNo ?1-18
    """
    + _TAIL
)
#: CEB514: the receipt of a signed-for status (CEB513).
LOGISTICS_STATUS_RETURN = layout(
    """
    guid =36
    logisticsCode 1-18
    logisticsNo 1-60
    logisticsStatus =1
    """
    + _TAIL
)
#: CEB712: the receipt of a supervised site's entry record (CEB711), with the entry number.
DELIVERY_RETURN = layout(
    """
    guid =36
    customsCode ?=4
    operatorCode ?1-18
    copNo ?1-20
    preNo ?1-18
    rkdNo ?1-18
    """
    + _TAIL
)
SUMMARY_RESULT_HEAD = layout(
    """
    guid =36
    customsCode =4
    sumNo =18
    opDate =17
    declSeqNo =18
    decTmpNo ?=18
    decPreNo ?=18
    entryId ?=18
    decState 1-3
    agentCode 1-18
    agentName 1-100
    ebcCode 1-18
    ebcName 1-100
    declAgentCode 1-18
    declAgentName 1-100
    grossWeight dec
    netWeight dec
    msgCount int
    msgSeqNo int
    note ?0-1000
    """
)
SUMMARY_RESULT_LIST = layout(
    """
    invtNo 1-20
    logisticsNo 1-32
    gseqno int
    gnum int
    gcode =10
    """
)
TAX_HEAD = layout(
    """
    guid =36
    returnTime =17
    invtNo 1-18
    taxNo 1-50
    customsTax dec
    valueAddedTax dec
    consumptionTax dec
    status =1
    entDutyNo ?0-50
    note ?0-1000
    assureCode ?0-64
    ebcCode ?0-64
    logisticsCode ?0-64
    agentCode ?1-18
    customsCode ?=4
    """
)
TAX_LIST = layout(
    """
    gnum int
    gcode =10
    taxPrice dec
    customsTax dec
    valueAddedTax dec
    consumptionTax dec
    """
)


TAX = Node("Tax", "TaxHeadRd", TAX_HEAD, "TaxListRd", TAX_LIST)
SUMMARY_RESULT = Node(
    "SummaryResult",
    "SummaryResultHead",
    SUMMARY_RESULT_HEAD,
    "SummaryResultList",
    SUMMARY_RESULT_LIST,
)


@dataclass(frozen=True, slots=True)
class Receipt:
    """One receipt message: its return node, the node's layout, the schema it is in, the
    fields that identify the document it answers, and how many nodes one message holds."""

    node: str
    fields: Layout
    schema_file: str
    keys: tuple[str, ...]
    max_nodes: int = 100


RECEIPTS: dict[str, Receipt] = {
    "CEB312": Receipt("OrderReturn", ORDER_RETURN, IMPORT_XSD, ("ebpCode", "orderNo")),
    "CEB412": Receipt("PaymentReturn", PAYMENT_RETURN, IMPORT_XSD, ("payTransactionId",)),
    "CEB512": Receipt(
        "LogisticsReturn", IMPORT_LOGISTICS_RETURN, IMPORT_XSD, ("logisticsCode", "logisticsNo")
    ),
    "CEB622": Receipt("InventoryReturn", IMPORT_INVENTORY_RETURN, IMPORT_XSD, ("copNo", "preNo")),
    "CEB624": Receipt("InvtCancelReturn", IMPORT_CANCEL_RETURN, IMPORT_XSD, ("copNo", "preNo")),
    "CEB626": Receipt("InvtRefundReturn", IMPORT_CANCEL_RETURN, IMPORT_XSD, ("copNo", "preNo")),
    "CEB900": Receipt("MessageReturn", MESSAGE_RETURN, IMPORT_XSD, ("oriCopMsgId",), 1),
    "CEB304": Receipt("OrderReturn", ORDER_RETURN, EXPORT_XSD, ("ebpCode", "orderNo")),
    "CEB404": Receipt("ReceiptsReturn", RECEIPTS_RETURN, EXPORT_XSD, ("ebcCode", "orderNo")),
    "CEB506": Receipt(
        "LogisticsReturn", EXPORT_LOGISTICS_RETURN, EXPORT_XSD, ("logisticsCode", "logisticsNo")
    ),
    "CEB604": Receipt("InventoryReturn", EXPORT_INVENTORY_RETURN, EXPORT_XSD, ("copNo", "invtNo")),
    "CEB606": Receipt("InvtCancelReturn", EXPORT_CANCEL_RETURN, EXPORT_XSD, ("copNo", "invtNo")),
    "CEB508": Receipt("ArrivalReturn", ARRIVAL_RETURN, EXPORT_XSD, ("copNo", "msgSeqNo")),
    "CEB510": Receipt("DepartureReturn", DEPARTURE_RETURN, EXPORT_XSD, ("copNo", "msgSeqNo")),
    "CEB608": Receipt("WayBillReturn", WAYBILL_LIST_RETURN, EXPORT_XSD, ("copNo", "msgSeqNo")),
    "CEB702": Receipt("SummaryReturn", SUMMARY_RETURN, EXPORT_XSD, ("copNo", "msgSeqNo")),
    "CEB214": Receipt("RefundReturn", REFUND_RETURN, EXPORT_XSD, ("coElNo", "invtNo")),
    "CEB216": Receipt(
        "InvtRefundDetailReturn", REFUND_DETAIL_RETURN, EXPORT_XSD, ("coElNo", "logisticsNo")
    ),
    "CEB514": Receipt(
        "LogisticsStatusReturn",
        LOGISTICS_STATUS_RETURN,
        IMPORT_XSD,
        ("logisticsCode", "logisticsNo"),
    ),
    "CEB712": Receipt("DeliveryReturn", DELIVERY_RETURN, IMPORT_XSD, ("copNo", "preNo")),
}


def china_time(when: datetime) -> datetime:
    """A receipt time as China Standard Time: an aware time is converted; a naive one is
    taken to be in China time already (as the receipts themselves are written)."""
    return when.astimezone(CHINA_TIME) if when.tzinfo is not None else when


def _node_values(msg_type: str, spec: Receipt, given: Mapping[str, Any]) -> dict[str, Any]:
    """The node's values with its time written out and its guid filled in."""
    values = dict(given)
    when = values.get("returnTime")
    if isinstance(when, datetime):
        values["returnTime"] = compact_millis(china_time(when))
    if not values.get("guid"):
        key = [str(values.get(k, "")) for k in spec.keys]
        status, time = values.get("returnStatus", ""), values.get("returnTime", "")
        values["guid"] = guid(msg_type, "return", *key, status, time)
    return values


def build_receipt(
    msg_type: str,
    returns: Sequence[Mapping[str, Any]],
    *,
    schema_dir: str | Path | None = None,
) -> bytes:
    """One receipt message ``msg_type`` (``CEB622``…) of the return nodes ``returns``."""
    spec = RECEIPTS.get(msg_type)
    if spec is None:
        raise IncompleteDataError(
            f"{msg_type} is not a receipt this service writes",
            [f"receipts: {', '.join(sorted(RECEIPTS))}, CEB816"],
        )
    problems = Problems()
    if not 1 <= len(returns) <= spec.max_nodes:
        count = len(returns)
        problems.add(f"{msg_type} holds 1 to {spec.max_nodes} {spec.node} nodes, got {count}")
    nodes = [_node_values(msg_type, spec, r) for r in returns]
    out = message_root(msg_type, ",".join(n["guid"] for n in nodes))
    for n, values in enumerate(nodes, 1):
        out.start(spec.node)
        emit(out, spec.fields, values, problems, f"{msg_type} {spec.node} {n}")
        out.end()
    return finish(out, problems, msg_type, schema_dir=schema_dir, schema_file=spec.schema_file)


def build_receipts(
    msg_type: str,
    returns: Sequence[Mapping[str, Any]],
    *,
    schema_dir: str | Path | None = None,
) -> list[bytes]:
    """As many ``msg_type`` messages as ``returns`` need, each as full as its schema allows."""
    spec = RECEIPTS.get(msg_type)
    size = spec.max_nodes if spec is not None else 1
    chunks = [returns[i : i + size] for i in range(0, len(returns), size)]
    return [build_receipt(msg_type, c, schema_dir=schema_dir) for c in chunks]


MAX_TAX_LINES = 99


def build_tax_bill(
    bills: Sequence[Mapping[str, Any]], *, schema_dir: str | Path | None = None
) -> bytes:
    """A CEB816 electronic tax bill message: each bill is ``{"head": {...}, "lines": [...]}``
    with the TaxHeadRd and TaxListRd fields (1 to 99 lines a bill)."""
    problems = Problems()
    if not bills:
        problems.add("CEB816 needs at least one tax bill")
    heads = []
    for bill in bills:
        head = dict(bill["head"])
        if isinstance(head.get("returnTime"), datetime):
            head["returnTime"] = compact_millis(china_time(head["returnTime"]))
        if not head.get("guid"):
            head["guid"] = guid("CEB816", "tax", head.get("taxNo", ""), head.get("returnTime"))
        heads.append(head)
    out = message_root("CEB816", ",".join(h["guid"] for h in heads))
    for head, bill in zip(heads, bills, strict=True):
        where = f"CEB816 {head.get('taxNo', '')}"
        lines = bill.get("lines", ())
        if not 1 <= len(lines) <= MAX_TAX_LINES:
            problems.add(f"{where}: 1 to {MAX_TAX_LINES} tax lines, got {len(lines)}")
        write_node(out, TAX, head, lines, problems, where)
    return finish(out, problems, "CEB816", schema_dir=schema_dir, schema_file=IMPORT_XSD)


def build_summary_results(
    results: Sequence[Mapping[str, Any]], *, schema_dir: str | Path | None = None
) -> bytes:
    """A CEB792 summary result message: each result is ``{"head": {...}, "lines": [...]}``
    with the SummaryResultHead and SummaryResultList fields, one per export declaration
    (1 to 100 to a message). ``opDate`` may be a datetime."""
    problems = Problems()
    if not 1 <= len(results) <= MAX_NODES:
        problems.add(f"CEB792 holds 1 to {MAX_NODES} summary results, got {len(results)}")
    heads = []
    for result in results:
        head = dict(result["head"])
        if isinstance(head.get("opDate"), datetime):
            head["opDate"] = compact_millis(china_time(head["opDate"]))
        for weight in ("grossWeight", "netWeight"):  # as stored, e.g. in JSON: text
            if isinstance(head.get(weight), str) and head[weight]:
                head[weight] = _weight(head[weight], problems)
        if not head.get("guid"):
            head["guid"] = guid("CEB792", "result", head.get("declSeqNo", ""), head.get("opDate"))
        heads.append(head)
    out = message_root("CEB792", ",".join(h["guid"] for h in heads))
    for head, result in zip(heads, results, strict=True):
        where = f"CEB792 {head.get('declSeqNo', '')}"
        lines = result.get("lines", ())
        write_node(out, SUMMARY_RESULT, head, lines, problems, where, _by_gseqno(where))
    return finish(out, problems, "CEB792", schema_dir=schema_dir, schema_file=EXPORT_XSD)


def _by_gseqno(where: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda line: f"{where} line {line.get('gseqno')}"


def _weight(text: str, problems: Problems) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        problems.add(f"CEB792 weight {text!r} is not a number")
        return None


#: Messages of their own layout (a head and lines per node): writer and nodes per message.
_COMPOSITE = {"CEB792": (build_summary_results, MAX_NODES), "CEB816": (build_tax_bill, MAX_NODES)}


def capacity(msg_type: str) -> int:
    """How many return nodes (or results, or tax bills) one ``msg_type`` message holds."""
    if msg_type in _COMPOSITE:
        return _COMPOSITE[msg_type][1]
    spec = RECEIPTS.get(msg_type)
    return spec.max_nodes if spec is not None else 1


def write(
    msg_type: str, nodes: Sequence[Mapping[str, Any]], *, schema_dir: str | Path | None = None
) -> bytes:
    """One message of any receipt or result this module writes."""
    if msg_type in _COMPOSITE:
        return _COMPOSITE[msg_type][0](nodes, schema_dir=schema_dir)
    return build_receipt(msg_type, nodes, schema_dir=schema_dir)
