"""Reading what China customs and E-Port send back, and folding it into a current state.

Receipts arrive asynchronously, may repeat and may arrive out of order: every receipt of the
202205 set is read (imports CEB312/412/512/514/622/624/626/712, exports CEB304/404/506/508/
510/604/606/608/214/216/702, the CEB792 summary result, CEB816 tax bills and CEB818 their
status, CEB900 format errors). They are matched on business keys (orderNo, payTransactionId,
logisticsNo, copNo/invtNo, coElNo, sumNo, declSeqNo), never on guid. Parsing turns each
return node into a plain :class:`StatusEvent`; :func:`fold` then computes the state from any
collection of events, with a result that does not depend on the order they arrived in: a
release (800) is never undone by a late "accepted" (120).

Receipt times (``returnTime``, ``opDate``) carry no offset: they are China Standard Time,
UTC+08:00 all year (China keeps no daylight saving time), and are read as aware datetimes
in that offset, so they sort and compare with times from anywhere as the instants they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from lxml import etree

from declarations import safexml
from declarations.errors import DeclarationError

#: Inventory (and generic declaration) statuses, DOMAIN.md §5.
STATUS_TEXT = {
    "1": "staged",
    "2": "declaring (accepted by E-Port)",
    "3": "sent to customs",
    "4": "sending failed",
    "100": "rejected",
    "120": "accepted into customs",
    "300": "manual review",
    "399": "decision complete",
    "500": "inspection",
    "501": "detained",
    "502": "detained",
    "503": "detained",
    "599": "detained",
    "700": "returned abroad",
    "800": "released",
    "899": "closed",
}
TAX_STATUS_TEXT = {"1": "tax bill issued", "2": "tax bill summarised", "3": "tax bill void"}

#: Stage of a status: a later stage always wins over an earlier one whatever the times say;
#: within a stage the most recent event wins. E-Port processing < customs processing < final.
_FINAL = frozenset({"700", "800", "899"})


def stage(kind: str, status: str) -> int:
    if kind == "tax":
        return int(status) if status.isdigit() else 0
    if status in _FINAL:
        return 3 if status == "899" else 2
    if status.lstrip("-").isdigit() and int(status) >= 100:
        return 1
    return 0


def status_label(kind: str, status: str) -> str:
    """The status in words; a negative status is E-Port's processing error."""
    if status.startswith("-"):
        return "processing error"
    return (TAX_STATUS_TEXT if kind == "tax" else STATUS_TEXT).get(status, "unknown")


@dataclass(frozen=True, slots=True)
class _Kind:
    kind: str
    key_fields: tuple[str, ...]


#: Return node name -> (kind, business key fields in order of preference).
_RETURNS = {
    ("CEB312", "OrderReturn"): _Kind("order", ("orderNo",)),
    ("CEB304", "OrderReturn"): _Kind("order", ("orderNo",)),
    ("CEB412", "PaymentReturn"): _Kind("payment", ("payTransactionId",)),
    ("CEB404", "ReceiptsReturn"): _Kind("payment", ("orderNo",)),
    ("CEB512", "LogisticsReturn"): _Kind("waybill", ("logisticsNo",)),
    ("CEB506", "LogisticsReturn"): _Kind("waybill", ("logisticsNo",)),
    ("CEB622", "InventoryReturn"): _Kind("inventory", ("copNo", "invtNo", "preNo")),
    ("CEB604", "InventoryReturn"): _Kind("inventory", ("copNo", "invtNo", "preNo")),
    ("CEB624", "InvtCancelReturn"): _Kind("cancel", ("copNo", "invtNo", "preNo")),
    ("CEB606", "InvtCancelReturn"): _Kind("cancel", ("copNo", "invtNo", "preNo")),
    ("CEB626", "InvtRefundReturn"): _Kind("refund", ("copNo", "invtNo", "preNo")),
    ("CEB702", "SummaryReturn"): _Kind("summary", ("copNo", "sumNo")),
    # Parcel movements: a batch's arrival at the supervised site and its departure, the
    # master/sub waybill list, keyed by the batch's own number (the receipts list no
    # parcels); the signed-for status by its waybill; a site's entry record by its number.
    ("CEB508", "ArrivalReturn"): _Kind("arrival", ("copNo", "preNo")),
    ("CEB510", "DepartureReturn"): _Kind("departure", ("copNo", "preNo")),
    ("CEB608", "WayBillReturn"): _Kind("waybill_list", ("copNo", "preNo")),
    ("CEB514", "LogisticsStatusReturn"): _Kind("signed_for", ("logisticsNo",)),
    ("CEB712", "DeliveryReturn"): _Kind("site_entry", ("copNo", "rkdNo", "preNo")),
    # Export returns: the application (the original inventory's number travels in invtNo)
    # and the tally when the returned parcel arrives (its waybill in logisticsNo).
    ("CEB214", "RefundReturn"): _Kind("refund", ("coElNo", "invtNo", "preNo")),
    ("CEB216", "InvtRefundDetailReturn"): _Kind("return_tally", ("coElNo", "logisticsNo")),
}


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One status report about one business document."""

    message_type: str
    kind: str
    business_key: str
    status: str
    time: datetime
    info: str
    keys: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return status_label(self.kind, self.status)


def _local(el: etree._Element) -> str:
    """The element's name without its namespace (string work: QName objects cost more)."""
    tag = el.tag
    return tag[tag.rfind("}") + 1 :]


def _fields(node: etree._Element) -> dict[str, str]:
    return {_local(c): (c.text or "").strip() for c in node if isinstance(c.tag, str)}


#: China Standard Time, the time of every CEB receipt: a fixed offset, no daylight saving.
CHINA_TIME = timezone(timedelta(hours=8))


def parse_time(text: str) -> datetime:
    """``YYYYMMDDhhmmssSSS`` (17 characters, the schemas' length; 14 accepted, without the
    milliseconds) in China Standard Time, as an aware datetime at UTC+08:00."""
    text = text.strip()
    if len(text) in (14, 17) and text.isascii() and text.isdigit():
        try:  # the fields by position (strptime costs ten times as much, per receipt node)
            return datetime(
                int(text[:4]),
                int(text[4:6]),
                int(text[6:8]),
                int(text[8:10]),
                int(text[10:12]),
                int(text[12:14]),
                int(text[14:] or 0) * 1000,
                tzinfo=CHINA_TIME,
            )
        except ValueError:
            pass
    raise DeclarationError(f"receipt time {text!r} is not YYYYMMDDhhmmss[SSS]")


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        raise DeclarationError(f"{text!r} is not a decimal amount") from None


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and _local(c) == name]


def parse(xml: bytes) -> list[StatusEvent]:
    """Status events of one receipt message (untrusted input: parsed with the safe parser)."""
    root = safexml.parse(xml)
    name = _local(root)
    if not (name.startswith("CEB") and name.endswith("Message")):
        raise DeclarationError(f"{name} is not a CEB message")
    mtype = name.removesuffix("Message")
    report = _REPORTS.get(mtype)
    nodes = [node for node in root if isinstance(node.tag, str)]
    if report is not None:
        return [_report_event(mtype, report, node) for node in nodes]
    return [_return_event(mtype, node) for node in nodes]


def _return_event(mtype: str, node: etree._Element) -> StatusEvent:
    """A return node (OrderReturn, InventoryReturn…): its business key, and every field but
    the text and time as keys."""
    kind = _RETURNS.get((mtype, _local(node)))
    if kind is None:
        raise DeclarationError(f"{mtype} {_local(node)} is not a receipt this service reads")
    f = _fields(node)
    key = next((f[k] for k in kind.key_fields if f.get(k)), "")
    if not key:
        raise DeclarationError(f"{mtype} receipt without a business key {kind.key_fields}")
    return StatusEvent(
        message_type=mtype,
        kind=kind.kind,
        business_key=key,
        status=f.get("returnStatus", ""),
        time=parse_time(f.get("returnTime", "")),
        info=f.get("returnInfo", ""),
        keys={k: v for k, v in f.items() if k not in ("returnInfo", "returnTime")},
    )


def _tax_amounts(node: etree._Element, f: dict[str, str]) -> dict[str, object]:
    amounts = {
        k: _decimal(f.get(k, "0")) for k in ("customsTax", "valueAddedTax", "consumptionTax")
    }
    return {**amounts, "total": sum(amounts.values(), Decimal(0)), "taxNo": f.get("taxNo")}


def _summary_lines(node: etree._Element, f: dict[str, str]) -> dict[str, object]:
    """A CEB792's mapping (invtNo, gnum -> gseqno: ``declarations.ceb.summary`` totals the
    declaration lines from it) and the declaration's weights."""
    lines = [_fields(c) for c in _children(node, "SummaryResultList")]
    weights = {k: _decimal(f.get(k, "0")) for k in ("grossWeight", "netWeight")}
    return {"lines": lines, **weights}


def _nothing_more(node: etree._Element, f: dict[str, str]) -> dict[str, object]:
    return {}


@dataclass(frozen=True, slots=True)
class _Report:
    """A message reporting in a layout of its own: the event kind, the element holding its
    fields (the node itself when ``head`` is None), the fields holding the business key
    (the first one present), status, time and text, the keys kept, and any further facts."""

    kind: str
    head: str | None
    key: tuple[str, ...]
    status: str
    time: str
    info: str
    kept: tuple[str, ...]
    extra: Callable[[etree._Element, dict[str, str]], dict[str, object]] = _nothing_more


def message_types(*kinds: str) -> tuple[str, ...]:
    """The receipt message types whose returns are about documents of ``kinds``."""
    return tuple(sorted({message for (message, _), k in _RETURNS.items() if k.kind in kinds}))


_REPORTS = {
    "CEB816": _Report(
        "tax", "TaxHeadRd", ("invtNo",), "status", "returnTime", "note",
        ("invtNo", "taxNo", "ebcCode", "agentCode"), _tax_amounts,
    ),
    "CEB818": _Report(
        "tax", "TaxHeadStatus", ("invtNo",), "status", "returnTime", "note",
        ("invtNo", "taxNo", "entDutyNo", "assureCode"),
    ),
    "CEB792": _Report(
        "summary_result", "SummaryResultHead", ("declSeqNo", "sumNo"), "decState", "opDate",
        "note", ("sumNo", "declSeqNo", "entryId", "decTmpNo", "decPreNo", "ebcCode",
        "customsCode", "agentCode", "declAgentCode"), _summary_lines,
    ),
    "CEB900": _Report(
        "format_error", None, ("oriCopMsgId", "guid"), "returnStatus", "returnTime",
        "returnInfo", ("oriCopMsgId", "oriMessageType"),
    ),
}  # fmt: skip


def _report_event(mtype: str, report: _Report, node: etree._Element) -> StatusEvent:
    head = node
    if report.head is not None:
        heads = _children(node, report.head)
        if not heads:
            raise DeclarationError(f"{mtype} {_local(node)} without {report.head}")
        head = heads[0]
    f = _fields(head)
    extra = report.extra(node, f)
    return StatusEvent(
        message_type=mtype,
        kind=report.kind,
        business_key=next((f[k] for k in report.key if f.get(k)), ""),
        status=f.get(report.status, ""),
        time=parse_time(f.get(report.time, "")),
        info=f.get(report.info, ""),
        keys={k: f[k] for k in report.kept if f.get(k)},
        extra=extra,
    )


# --------------------------------------------------------------------------------------------
# Folding.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    """The current status of one business document and the distinct events behind it."""

    kind: str
    business_key: str
    status: str
    time: datetime
    info: str
    history: tuple[StatusEvent, ...]

    @property
    def label(self) -> str:
        return status_label(self.kind, self.status)

    @property
    def released(self) -> bool:
        return self.kind in ("inventory",) and self.status in ("800", "899")


def _precedence(e: StatusEvent) -> tuple:
    code = int(e.status) if e.status.lstrip("-").isdigit() else 0
    return (stage(e.kind, e.status), e.time, code, e.info)


def fold(events: Iterable[StatusEvent]) -> dict[tuple[str, str], State]:
    """Current state per (kind, business key). Repeats are ignored and the result is the same
    for any arrival order: the event of the latest stage wins, then the latest time. Times
    are aware and compared as instants, whatever offset each is written in."""
    grouped: dict[tuple[str, str], set[StatusEvent]] = {}
    for e in events:
        grouped.setdefault((e.kind, e.business_key), set()).add(e)
    states = {}
    for key, evs in grouped.items():
        history = tuple(sorted(evs, key=lambda e: (e.time, _precedence(e))))
        best = max(evs, key=_precedence)
        states[key] = State(key[0], key[1], best.status, best.time, best.info, history)
    return states


def current(events: Iterable[StatusEvent]) -> State | None:
    """The state of a single document from its events (``None`` without events)."""
    states = fold(events)
    if len(states) > 1:
        raise DeclarationError(f"events of {len(states)} documents given, expected one")
    return next(iter(states.values()), None)
