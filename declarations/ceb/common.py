"""What every CEB message shares: namespace, field layouts, the message skeleton, the
BaseTransfer/BaseSubscribe nodes, and the steps import and export messages are built in
(goods lines with their customs codes, heads, business nodes, the closing transport part).

Field layouts are written as small tables (one line per element, in schema order, with its
length rule) and drive both the project's structural checks and the element order of the
output, so the two cannot drift apart. A test compares these tables with the official XSDs.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypedDict, TypeVar

from lxml import etree

from declarations import xsd
from declarations.ceb import codes
from declarations.errors import ConsistencyError, IncompleteDataError, Problems
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import compact_datetime, decimal_text, round_money
from declarations.xmlout import Writer, escape_text, is_xml_text, text_needs_care, validate_built
from declarations.xmlout import parse as xmlout_parse

NS = "http://www.chinaport.gov.cn/ceb"
PREFIX = "ceb"
VERSION = "1.0"
MAX_NODES = 100
IMPORT_XSD = "ceb-import.xsd"
EXPORT_XSD = "ceb-export.xsd"

#: Export-side messages: their schemas put ds:Signature before ExtendMessage, and DXP routes
#: them to the export receiver.
EXPORT_MESSAGES = frozenset(
    "CEB213 CEB214 CEB215 CEB216 CEB303 CEB304 CEB403 CEB404 CEB505 CEB506 CEB507 CEB508 "
    "CEB509 CEB510 CEB603 CEB604 CEB605 CEB606 CEB607 CEB608 CEB701 CEB702 CEB792".split()
)

_GUID_NS = uuid.UUID("0f3c2a9e-8d1b-4b6f-a3e4-2c7d5e9b1a00")
_GUID_NS_BYTES = _GUID_NS.bytes


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True, slots=True)
class Field:
    """One element of a layout: name, kind (``s`` text, ``d`` decimal, ``i`` integer),
    whether it may be left out, and the text length bounds; ``open``/``close`` are its
    serialised tags."""

    name: str
    qname: str
    kind: str
    optional: bool
    min_len: int
    max_len: int
    open: str = ""
    close: str = ""

    def __post_init__(self) -> None:
        if not self.open:
            object.__setattr__(self, "open", f"<{PREFIX}:{self.name}>")
            object.__setattr__(self, "close", f"</{PREFIX}:{self.name}>")


class Layout(tuple):
    """The fields of a layout (a tuple of :class:`Field`), with ``rows``: the same as plain
    tuples, which is what :func:`emit` walks."""

    rows: tuple[tuple[str, str, bool, int, int, str, str], ...]


def _rows(fields: Sequence[Field]) -> tuple[tuple[str, str, bool, int, int, str, str], ...]:
    return tuple(
        (f.name, f.kind, f.optional, f.min_len, f.max_len, f.open, f.close) for f in fields
    )


def layout(spec: str) -> Layout:
    """Parse a layout table. Each line is ``name rule`` where rule is ``=N`` (exactly N
    characters), ``A-B`` (A to B characters), ``dec`` or ``int``; a leading ``?`` marks an
    element the schema lets us omit. Blank lines are ignored, so tables may be joined."""
    fields = []
    for raw in spec.strip().splitlines():
        if not raw.strip():
            continue
        name, rule = raw.split()
        optional = rule.startswith("?")
        rule = rule.lstrip("?")
        if rule == "dec":
            fields.append(Field(name, q(name), "d", optional, 1, 40))
        elif rule == "int":
            fields.append(Field(name, q(name), "i", optional, 1, 9))
        elif rule.startswith("="):
            n = int(rule[1:])
            fields.append(Field(name, q(name), "s", optional, n, n))
        else:
            lo, hi = rule.split("-")
            fields.append(Field(name, q(name), "s", optional, int(lo), int(hi)))
    result = Layout(fields)
    result.rows = _rows(result)
    return result


def emit(
    out: Writer,
    fields: Sequence[Field],
    values: Mapping[str, Any],
    problems: Problems,
    where: str,
) -> None:
    """Append one child per field in layout order, checking presence and length.

    Problems are collected, not raised, so one pass reports everything wrong with a document.
    """
    append = out.parts.append
    get = values.get
    rows = fields.rows if isinstance(fields, Layout) else _rows(fields)
    for name, kind, optional, min_len, max_len, open_, close in rows:
        value = get(name)
        if value is None:
            text = ""
        elif kind == "s":
            text = value if type(value) is str else str(value)
        elif type(value) is str and not value:  # (a Decimal compared with "" is slow)
            text = ""
        elif kind == "d":
            try:
                text = decimal_text(value)
            except ValueError as exc:
                problems.add(f"{where}: {name} {exc}")
                continue
        else:
            text = str(int(value))
        if not text:
            if optional:
                continue
            if min_len > 0 or kind != "s":
                problems.add(f"{where}: {name} is required")
                continue
        elif kind == "s" and not min_len <= len(text) <= max_len:
            rule = f"exactly {min_len}" if min_len == max_len else f"{min_len} to {max_len}"
            problems.add(f"{where}: {name} {text!r} must be {rule} characters")
            continue
        if kind == "s" and text_needs_care(text) is not None:  # numbers need no escaping
            if not is_xml_text(text):
                problems.add(f"{where}: {name} contains characters not allowed in XML")
                continue
            text = escape_text(text)
        append(open_ + text + close)


def guid(*parts: object) -> str:
    """Deterministic 36-character upper-case UUID from the business key of a node, so a
    rebuilt message is identical to the stored one (``uuid.uuid5``, computed directly)."""
    name = "|".join([str(p) for p in parts]).encode("utf-8")
    h = bytearray(hashlib.sha1(_GUID_NS_BYTES + name).digest()[:16])  # noqa: S324 - RFC 4122 v5
    h[6] = (h[6] & 0x0F) | 0x50
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex().upper()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@dataclass(frozen=True, slots=True)
class Transmitter:
    """The company whose DXP client sends the message (BaseTransfer): its customs code and
    name, its DXP id, and a free-text note."""

    cop_code: str
    cop_name: str
    dxp_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A copy of data and/or receipts for another DXP user (BaseSubscribe): ALL, DATA or RET."""

    dxp_address: str
    status: str = "ALL"
    note: str = ""


#: The head fields an export filing opens with (CEB507/509/607, the inventory cancel CEB605):
#: the application and the filer's number for it; joined with the message's own fields.
FILING_HEAD = """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    copNo 1-30
    preNo ?=18
"""
#: The fields closing the head of a message written in numbered parts (msgCount/msgSeqNo).
PARTS_TAIL = """
    msgCount int
    msgSeqNo int
    note ?0-1000
"""


BASE_TRANSFER = layout(
    """
    copCode 1-18
    copName 0-100
    dxpMode =3
    dxpId 1-30
    note ?0-1000
    """
)
BASE_SUBSCRIBE = layout(
    """
    status 1-100
    dxpMode =3
    dxpAddress 1-100
    note ?0-1000
    """
)


@dataclass(frozen=True, slots=True)
class Options:
    """Per-message settings shared by the builders (appType 1 add / 2 change / 3 delete,
    appStatus 1 staged / 2 declare, the sending time, who transmits, who gets copies)."""

    app_type: str = "1"
    app_status: str = "2"
    app_time: datetime | None = None
    transmitter: Transmitter | None = None
    subscriptions: Sequence[Subscription] | None = None


def code_or_problem(problems: Problems, where: str, fn, value: str) -> str:
    """A China customs code for ``value``, or "" with the reason added to ``problems``."""
    try:
        return fn(value)
    except codes.UnknownCodeError as exc:
        problems.add(f"{where}: {exc.summary}")
        return ""


def declarer(snapshot: DeclarationSnapshot) -> Transmitter:
    """Who declares inventories, cancels and returns: the broker when one is engaged (agent
    clearance, the agentCode), else the seller."""
    if snapshot.broker is not None:
        b = snapshot.broker
        return Transmitter(b.customs_code, b.name, b.dxp_id)
    return seller_transmitter(snapshot)


def seller_transmitter(snapshot: DeclarationSnapshot) -> Transmitter:
    s = snapshot.seller
    return Transmitter(s.customs_code, s.name, s.dxp_id)


def logistics_transmitter(snapshot: DeclarationSnapshot) -> Transmitter:
    """The logistics operator sends its own waybill when its DXP id is known; otherwise the
    declarer transmits the operator's data for it."""
    lg = snapshot.logistics
    if lg is not None and lg.dxp_id:
        return Transmitter(lg.code, lg.name, lg.dxp_id)
    return declarer(snapshot)


#: Who transmits each message by default (DOMAIN.md §5, "who files"). Orders come from the
#: e-commerce company (or its platform); the payment record and the export receipt of payment
#: are the payment company's data, which the seller transmits; waybills come from the
#: logistics operator. Every other message (inventories, cancels, returns) is filed by the
#: declarer: the broker as agent of the seller, or the seller itself.
FILED_BY: dict[str, Callable[[DeclarationSnapshot], Transmitter]] = {
    "CEB311": seller_transmitter,
    "CEB303": seller_transmitter,
    "CEB411": seller_transmitter,
    "CEB403": seller_transmitter,
    "CEB511": logistics_transmitter,
    "CEB505": logistics_transmitter,
}


def filer(message: str, snapshot: DeclarationSnapshot) -> Transmitter:
    """Who transmits ``message`` (``CEB311``…) for ``snapshot``: its BaseTransfer, and the
    DxpMsg SenderId an envelope of it must carry."""
    return FILED_BY.get(message.upper(), declarer)(snapshot)


def default_subscriptions(
    snapshot: DeclarationSnapshot, sender: Transmitter
) -> tuple[Subscription, ...]:
    """Let the seller and the broker receive copies of the receipts (BaseSubscribe) of a
    message the other of them, or the logistics operator, sends."""
    subs = []
    for dxp in (snapshot.seller.dxp_id, snapshot.broker.dxp_id if snapshot.broker else ""):
        if dxp and dxp != sender.dxp_id and all(s.dxp_address != dxp for s in subs):
            subs.append(Subscription(dxp))
    return tuple(subs)


def message_root(message: str, key: str) -> Writer:
    """A writer holding the open root element of ``message``."""
    out = Writer(PREFIX + ":")
    out.start(
        f"{message}Message",
        f' xmlns:{PREFIX}="{NS}" guid="{guid(message, "message", key)}" version="{VERSION}"',
    )
    return out


def append_transport(
    out: Writer,
    sender: Transmitter,
    subscriptions: Iterable[Subscription],
    problems: Problems,
) -> None:
    out.start("BaseTransfer")
    emit(
        out,
        BASE_TRANSFER,
        {
            "copCode": sender.cop_code,
            "copName": sender.cop_name,
            "dxpMode": "DXP",
            "dxpId": sender.dxp_id,
            "note": sender.note,
        },
        problems,
        "BaseTransfer",
    )
    out.end()
    subs = list(subscriptions)
    if len(subs) > 5:
        problems.add(f"at most 5 BaseSubscribe nodes, got {len(subs)}")
    for sub in subs[:5]:
        out.start("BaseSubscribe")
        values = {"status": sub.status, "dxpMode": "DXP", "dxpAddress": sub.dxp_address}
        emit(out, BASE_SUBSCRIBE, {**values, "note": sub.note}, problems, "BaseSubscribe")
        out.end()


APP_TYPES = {"1": "new", "2": "change"}
APP_STATUSES = {"1": "staged", "2": "declared"}


def check_options(options: Options, problems: Problems) -> None:
    """A declaration is filed new (appType 1) or as a change (2: after a rejection, or an
    amendment customs allow); it is staged (appStatus 1) or declared (2)."""
    if options.app_type not in APP_TYPES:
        problems.add(f"appType {options.app_type!r} must be 1 (new) or 2 (change)")
    if options.app_status not in APP_STATUSES:
        problems.add(f"appStatus {options.app_status!r} must be 1 (staged) or 2 (declared)")


def check_node_count(items: Sequence[object], problems: Problems) -> None:
    if not items:
        problems.add("a message needs at least one business node")
    if len(items) > MAX_NODES:
        problems.add(f"{len(items)} business nodes, at most {MAX_NODES} per message")


def finish(
    out: Writer,
    problems: Problems,
    what: str,
    *,
    signer: Any = None,
    schema_dir: str | Path | None = None,
    schema_file: str,
) -> bytes:
    """Raise on collected problems, serialise, sign if asked, validate if a schema directory
    is configured. Signing happens on the serialised bytes (after final serialisation), and
    what is validated is the parsed form of exactly the bytes returned."""
    problems.raise_if_any(IncompleteDataError, f"{what} cannot be produced")
    data = out.to_bytes()
    if signer is None:
        if schema_dir is not None:
            schema = xsd.load_in(schema_dir, schema_file)
            validate_built(xmlout_parse(data), schema, what)
        return data
    sign_tree = getattr(signer, "sign_with_tree", None)
    if sign_tree is None:
        data, tree = signer.sign(data), None
    else:
        data, tree = sign_tree(data, as_lxml_writes=True)
    if schema_dir is not None:
        schema = xsd.load_in(schema_dir, schema_file)
        # The signed tree in memory is the parse of ``data``; only a failure is reported from
        # a fresh parse, so its line numbers are those of the bytes sent.
        if tree is None or not schema.validate(tree):
            xsd.validate(etree.fromstring(data), schema, what)
    return data


def ten_digit_hs(code: str) -> str | None:
    """The 10-digit China commodity code: 10 digits as given, 8 digits padded with ``00``."""
    digits = (code or "").replace(".", "").replace(" ", "")
    if not digits.isdigit():
        return None
    if len(digits) == 10:
        return digits
    if len(digits) == 8:
        return digits + "00"
    return None


def hs_problem(where: str, hs_code: str) -> str:
    return f"{where}: HS code {hs_code!r} must be an 8- or 10-digit China commodity code"


# --------------------------------------------------------------------------------------------
# Values import and export messages state alike.
# --------------------------------------------------------------------------------------------

Snapshots = DeclarationSnapshot | Iterable[DeclarationSnapshot]


def as_list(snapshots: Snapshots) -> list[DeclarationSnapshot]:
    return [snapshots] if isinstance(snapshots, DeclarationSnapshot) else list(snapshots)


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """One order line as the CEB lists carry it: numbered from 1, amounts rounded to the
    schemas' five decimals, units and origin as customs codes (``""`` where none is known)."""

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


def goods_lines(
    s: DeclarationSnapshot, problems: Problems, *, hs_now: bool, origin: bool
) -> list[GoodsLine]:
    """The snapshot's lines with their customs codes; a code that cannot be found is a
    problem, listed per line in the order unit, HS code (when ``hs_now``: export refuses it
    for every message, import only for those that carry gcode), legal unit, second unit,
    origin (when ``origin``: import lines state it, export ones the destination)."""
    out = []
    for gnum, ln in enumerate(s.lines, 1):
        at = f"{s.order.order_no} line {gnum}"
        qty, price = round_money(ln.quantity), round_money(ln.unit_value)
        unit = code_or_problem(problems, at, codes.unit_code, ln.unit)
        gcode = ten_digit_hs(ln.hs_code)
        if gcode is None and hs_now:
            problems.add(hs_problem(at, ln.hs_code))
        legal_unit = (
            code_or_problem(problems, at, codes.unit_code, ln.legal_unit) if ln.legal_unit else unit
        )
        second_unit = (
            code_or_problem(problems, at, codes.unit_code, ln.second_unit) if ln.second_unit else ""
        )
        country = ""
        if origin and ln.origin_country:
            country = code_or_problem(problems, at, codes.country_code, ln.origin_country)
        name = ln.description_local or ln.description
        out.append(
            GoodsLine(
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
                country=country,
                gcode=gcode or "",
                legal_unit=legal_unit,
                legal_qty=qty if ln.legal_quantity is None else round_money(ln.legal_quantity),
                second_unit=second_unit,
                second_qty=None if ln.second_quantity is None else round_money(ln.second_quantity),
                record_no=ln.item_record_no,
            )
        )
    return out


GOODS_INFO_MAX = 200


def goods_info(lines: Sequence[GoodsLine]) -> str:
    """What a waybill says the parcel holds (goodsInfo): ``name*qty`` per line, cut to the
    200 characters both waybill schemas allow."""
    text = ";".join(f"{ln.name}*{ln.qty.normalize():f}" for ln in lines)
    return text if len(text) <= GOODS_INFO_MAX else text[: GOODS_INFO_MAX - 1] + "…"


def order_line(ln: GoodsLine, currency: str) -> dict[str, Any]:
    """An OrderList row (the export layout has no gmodel or country and skips them)."""
    return {
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
        "currency": currency,
        "country": ln.country,
    }


def inventory_line(ln: GoodsLine, country: str, currency: str) -> dict[str, Any]:
    """An InventoryList row; customs want a barcode, ``无`` (none) when there is none."""
    return {
        "gnum": ln.gnum,
        "itemRecordNo": ln.record_no,
        "itemNo": ln.sku,
        "itemName": ln.name,
        "gcode": ln.gcode,
        "gname": ln.name,
        "gmodel": ln.model,
        "barCode": ln.barcode or "无",
        "country": country,
        "currency": currency,
        "qty": ln.qty,
        "unit": ln.unit,
        "qty1": ln.legal_qty,
        "unit1": ln.legal_unit,
        "qty2": ln.second_qty,
        "unit2": ln.second_unit,
        "price": ln.price,
        "totalPrice": ln.total,
    }


def returned_lines(
    key: str,
    lines: Sequence[GoodsLine],
    returned: Mapping[int, Decimal] | None,
    problems: Problems,
) -> Iterator[tuple[GoodsLine, Decimal]]:
    """The lines a return (CEB625, CEB213) gives back with their quantities: ``returned``
    maps gnum to quantity (every line in full when None); a line not declared, or a
    quantity not in (0, declared], is a problem, and so is returning nothing (added once
    the lines are taken, so problems come in the order the message is written)."""
    wanted = returned if returned is not None else {ln.gnum: ln.qty for ln in lines}
    by_gnum = {ln.gnum: ln for ln in lines}
    for gnum in sorted(wanted):
        ln = by_gnum.get(gnum)
        if ln is None:
            problems.add(f"{key}: returned line {gnum} is not on the inventory")
            continue
        qty = round_money(wanted[gnum])
        if not 0 < qty <= ln.qty:
            problems.add(f"{key}: line {gnum} return quantity {qty} not in (0, {ln.qty}]")
        yield ln, qty
    if not wanted:
        problems.add(f"{key}: a return needs at least one line")


def order_parties(s: DeclarationSnapshot) -> dict[str, Any]:
    """The order number with the platform (ebp) and the seller (ebc) it was sold by."""
    return {
        "orderNo": s.order.order_no,
        "ebpCode": s.seller.ebp_code,
        "ebpName": s.seller.ebp_name,
        "ebcCode": s.seller.customs_code,
        "ebcName": s.seller.name,
    }


def inventory_parties(s: DeclarationSnapshot) -> dict[str, Any]:
    """What identifies an inventory, import or export: the order and its parties, the
    carrier and waybill, the filing agent and the numbers customs issued."""
    f, lg, agent = s.filing, s.logistics, declarer(s)
    return {
        **order_parties(s),
        "customsCode": f.customs_code,
        "logisticsCode": lg.code if lg else "",
        "logisticsName": lg.name if lg else "",
        "logisticsNo": s.order.waybill_no,
        "preNo": f.pre_no,
        "invtNo": f.invt_no,
        "agentCode": agent.cop_code,
        "agentName": agent.cop_name,
    }


def inventory_shipment(s: DeclarationSnapshot) -> dict[str, Any]:
    """The shipment particulars both inventory heads state the same way."""
    f = s.filing
    return {
        "portCode": f.port_code or f.customs_code,
        "emsNo": f.ems_no,
        "tradeMode": f.trade_mode,
        "trafMode": f.traf_mode,
        "voyageNo": f.voyage_no,
        "billNo": f.bill_no,
        "loctNo": f.loct_no,
        "licenseNo": f.licence_no or s.order.licence_no,
        "freight": round_money(s.order.shipping_cost),
        "insuredFee": round_money(s.order.insurance_cost),
        "wrapType": f.wrap_type,
        "packNo": 1,
        "grossWeight": round_money(s.order.gross_weight_kg),
        "netWeight": round_money(s.net_weight_kg),
        "note": s.order.note,
    }


def app_fields(message: str, key: str, options: Options, when: datetime) -> dict[str, Any]:
    """guid, appType, appTime (``options.app_time``, else ``when``) and appStatus of a head."""
    return {
        "guid": guid(message, key, options.app_type),
        "appType": options.app_type,
        "appTime": compact_datetime(options.app_time or when),
        "appStatus": options.app_status,
    }


# --------------------------------------------------------------------------------------------
# Writing a message of business nodes.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A business node: its element (``Order``), its head element and layout and, for a
    node with goods lines, the list element and layout."""

    tag: str
    head: str
    head_fields: Layout
    list: str = ""
    list_fields: Layout | None = None


def write_node(
    out: Writer,
    node: Node,
    head: Mapping[str, Any],
    rows: Iterable[Mapping[str, Any]],
    problems: Problems,
    where: str,
    row_where: Callable[[Mapping[str, Any]], str] | None = None,
) -> None:
    """A business node: its head element and one list element per row; problems are named
    ``where`` in the head and ``row_where(row)`` in a row (by default its gnum)."""
    out.start(node.tag)
    out.start(node.head)
    emit(out, node.head_fields, head, problems, where)
    out.end()
    for row in rows:
        out.start(node.list)
        at = row_where(row) if row_where else f"{where} line {row.get('gnum')}"
        emit(out, node.list_fields, row, problems, at)
        out.end()
    out.end()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A snapshot that passed its flow's checks, with its goods lines (each flow adds the
    figures its messages state)."""

    snap: DeclarationSnapshot
    lines: list[GoodsLine]


class Settings(TypedDict, total=False):
    """What every import and export builder accepts besides the snapshots and the signer:
    the per-message :class:`Options`, and the directory of the official schemas to validate
    the message against (none: the project's own checks only)."""

    options: Options
    schema_dir: str | Path | None


class Signable(Settings, total=False):
    """The settings of a message that may be signed: it is when a signer is given."""

    signer: Any


P = TypeVar("P", bound=Prepared)


@dataclass(frozen=True, slots=True)
class Draft(Generic[P]):
    """A message being written: the snapshots it covers, each prepared by the flow's checks,
    and the problems found so far (reported together when it is closed)."""

    message: str
    options: Options
    schema_dir: str | Path | None
    signer: Any
    snapshots: list[DeclarationSnapshot]
    prepared: list[P]
    problems: Problems
    out: Writer

    def head(
        self, tag: str, fields: Layout, key: str, s: DeclarationSnapshot, values: Mapping
    ) -> None:
        """One head element: the app fields (timed by the snapshot) and ``values``."""
        self.out.start(tag)
        common = app_fields(self.message, key, self.options, s.created_at)
        emit(self.out, fields, {**common, **values}, self.problems, f"{self.message} {key}")
        self.out.end()

    def node(
        self,
        node: Node,
        key: str,
        s: DeclarationSnapshot,
        values: Mapping,
        rows: Iterable[Mapping],
    ) -> None:
        """A business node: its head and one list element per row (rows carry their gnum)."""
        common = app_fields(self.message, key, self.options, s.created_at)
        where = f"{self.message} {key}"
        write_node(self.out, node, {**common, **values}, rows, self.problems, where)

    def orders(
        self,
        node: Node,
        head: Callable[[P], Mapping],
        row: Callable[[P, GoodsLine], Mapping],
        check: Callable[[P, Problems], None] | None = None,
    ) -> None:
        """One ``node`` per order, keyed by the order number: ``check`` first, then the head
        values and a list row per goods line."""
        for pr in self.prepared:
            if check is not None:
                check(pr, self.problems)
            rows = [row(pr, ln) for ln in pr.lines]
            self.node(node, pr.snap.order.order_no, pr.snap, head(pr), rows)

    def close(self) -> bytes:
        """Add the transport part (by default whoever files the message, see :func:`filer`,
        with copies to the seller and broker who do not send it) and finish the message,
        validated against its flow's schema."""
        first = self.snapshots[0]
        sender = self.options.transmitter or filer(self.message, first)
        subs = self.options.subscriptions
        if subs is None:
            subs = default_subscriptions(first, sender)
        append_transport(self.out, sender, subs, self.problems)
        return finish(
            self.out,
            self.problems,
            self.message,
            signer=self.signer,
            schema_dir=self.schema_dir,
            schema_file=EXPORT_XSD if self.message in EXPORT_MESSAGES else IMPORT_XSD,
        )


def open_message(
    message: str,
    snapshots: Snapshots,
    prepare: Callable[[DeclarationSnapshot, Problems, Problems], P],
    mismatch: str,
    *,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
    signer: Any = None,
) -> Draft[P]:
    """Check and prepare every snapshot, then open the message.

    ``prepare(snapshot, problems, consistency)`` runs the flow's checks. Disagreements between
    the documents customs match against each other (``consistency``) are refused first, as a
    :class:`ConsistencyError` listing them before the other problems: they are what the seller
    must fix. The other problems are reported when the message is closed, together with what
    writing it finds. No snapshots at all is refused at once.
    """
    snaps = as_list(snapshots)
    problems, consistency = Problems(), Problems()
    check_options(options, problems)
    check_node_count(snaps, problems)
    if not snaps:
        problems.raise_if_any(IncompleteDataError, f"{message} cannot be produced")
    prepared = [prepare(s, problems, consistency) for s in snaps]
    if consistency:
        raise ConsistencyError(f"{message}: {mismatch}", consistency.items + problems.items)
    key = ",".join(s.order.order_no for s in snaps) + "|" + options.app_type
    root = message_root(message, key)
    return Draft(message, options, schema_dir, signer, snaps, prepared, problems, root)
