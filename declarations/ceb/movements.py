"""Parcel movements under customs control: CEB507 arrival at the supervised site (运抵单),
CEB509 departure (离境单), CEB607 master/sub waybill list (清单总分单) on the export side;
CEB711 entry record of a supervised site (入库明细单) and CEB513 signed-for status on the
import side.

Why these are not built from declaration snapshots: they describe a batch (a truck at the
site, a flight, a bag of mail) listing its parcels by waybill number, filed by whoever moves
the batch: the site operator (507, 711; for post, the postal logistics company), the carrier
(509, 513), the declarer (607). A :class:`Consignment` holds one batch. What the schemas make
of it, and where the project follows their documentation rather than their types:

* a list too long for one message is split into numbered messages (msgCount/msgSeqNo) that
  keep the batch's copNo, as the receipts (CEB508/510/608) tell the parts apart by msgSeqNo;
* CEB607 appStatus 2 (declare) 「需要业务加签申报即Signature节点必须填写」: refused unsigned;
* CEB711 is a list of waybill numbers only (no goods, quantities or values): it records that
  parcels arrived at the site, not a stock entry by SKU; its schema requires the signature;
* CEB513 logisticsStatus 「限定S」 (signed for), the only status written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Unpack

from declarations.ceb.common import (
    EXPORT_XSD,
    FILING_HEAD,
    IMPORT_XSD,
    MAX_NODES,
    PARTS_TAIL,
    Node,
    Options,
    Signable,
    Transmitter,
    app_fields,
    append_transport,
    check_options,
    emit,
    finish,
    layout,
    message_root,
    write_node,
)
from declarations.errors import Problems
from declarations.xmlfmt import compact_datetime, round_money

__all__ = [
    "Company",
    "Consignment",
    "Parcel",
    "SignedFor",
    "build_ceb507",
    "build_ceb509",
    "build_ceb513",
    "build_ceb607",
    "build_ceb711",
]

ARRIVAL_HEAD = layout(
    FILING_HEAD
    + """
    operatorCode 1-18
    operatorName 1-100
    loctNo ?0-10
    ieFlag =1
    trafMode =1
    billNo ?0-37
    domesticTrafNo 1-100
    logisticsCode 1-18
    logisticsName 1-100
    """
    + PARTS_TAIL
)
ARRIVAL_LIST = layout(
    """
    gnum int
    logisticsNo 1-32
    totalPackageNo ?0-37
    note ?0-1000
    """
)
DEPARTURE_HEAD = layout(
    FILING_HEAD
    + """
    logisticsCode 1-18
    logisticsName 1-100
    trafMode =1
    trafName ?0-100
    voyageNo ?0-32
    billNo ?0-37
    leaveTime =14
    """
    + PARTS_TAIL
)
DEPARTURE_LIST = layout(
    """
    gnum int
    totalPackageNo ?0-37
    logisticsNo 1-32
    note ?0-1000
    """
)
WAYBILL_HEAD = layout(
    FILING_HEAD
    + """
    agentCode 1-18
    agentName 1-100
    loctNo ?0-10
    trafMode =1
    trafName 1-100
    voyageNo 1-32
    billNo 1-37
    domesticTrafNo ?0-100
    grossWeight dec
    logisticsCode 1-18
    logisticsName 1-100
    """
    + PARTS_TAIL
)
WAYBILL_LIST = layout(
    """
    gnum int
    totalPackageNo ?0-60
    logisticsNo 1-32
    invtNo ?0-20
    note ?0-1000
    """
)
DELIVERY_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    customsCode =4
    copNo ?0-20
    preNo ?0-18
    rkdNo ?0-18
    operatorCode 1-18
    operatorName 1-100
    ieFlag =1
    trafMode =1
    trafNo 1-100
    voyageNo 1-32
    billNo 1-37
    logisticsCode 1-18
    logisticsName 1-100
    unloadLocation ?0-100
    note ?0-1000
    """
)
DELIVERY_LIST = layout(
    """
    gnum int
    logisticsNo 1-60
    note ?0-1000
    """
)
LOGISTICS_STATUS = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus 1-3
    logisticsCode 1-18
    logisticsName 1-100
    logisticsNo 1-60
    logisticsStatus =1
    logisticsTime =14
    note ?0-1000
    """
)


class BatchSettings(Signable, total=False):
    """The settings of a batch message: :class:`Signable`'s and the parcels a message
    holds before the batch is split."""

    max_per_message: int


#: The only logistics status CEB513 carries: 「物流签收状态，限定S」.
SIGNED_FOR = "S"


@dataclass(frozen=True, slots=True)
class Company:
    """A company in a movement message: customs code, registered name, and the DXP id it
    sends from (needed only when it transmits the message itself)."""

    code: str
    name: str
    dxp_id: str = ""

    def transmitter(self) -> Transmitter:
        return Transmitter(self.code, self.name, self.dxp_id)


@dataclass(frozen=True, slots=True)
class Parcel:
    """One parcel of a batch: its waybill number, the bag or pallet it travels in
    (totalPackageNo), the export inventory declaring it (invtNo, on a CEB607) and the
    filer's own number for its document (coElNo, on a CEB215 return tally)."""

    logistics_no: str
    total_package_no: str = ""
    invt_no: str = ""
    cop_no: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Consignment:
    """Parcels moving together: the filer's number for the batch (copNo), the customs office,
    the carrier, the transport mode (customs code), the parcels and when it happened (the
    application time; CEB509 also states it as leaveTime), with the site operator and its
    site (CEB507, CEB711, CEB215), the declarer (CEB607) and the conveyance particulars."""

    cop_no: str
    customs_code: str
    logistics: Company
    traf_mode: str
    parcels: tuple[Parcel, ...]
    at: datetime
    operator: Company | None = None
    agent: Company | None = None
    loct_no: str = ""
    ie_flag: str = "E"
    traf_name: str = ""
    voyage_no: str = ""
    bill_no: str = ""
    domestic_traf_no: str = ""
    gross_weight: Decimal | None = None
    unload_location: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class SignedFor:
    """A parcel the carrier delivered and the buyer signed for (CEB513)."""

    logistics: Company
    logistics_no: str
    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Batch:
    """How one movement message is written: its name, business node and head, the layouts,
    who files it by default, and its head and list values."""

    message: str
    node: Node
    filer: Callable[[Consignment], Company | None]
    values: Callable[[Consignment], dict[str, Any]]
    row: Callable[[Parcel], dict[str, Any]]


def _company(role: str, company: Company | None, problems: Problems) -> Company:
    if company is None:
        problems.add(f"the {role} is required")
        return Company("", "")
    return company


def _arrival(c: Consignment) -> dict[str, Any]:
    op = c.operator or Company("", "")
    return {
        "customsCode": c.customs_code,
        "operatorCode": op.code,
        "operatorName": op.name,
        "loctNo": c.loct_no,
        "ieFlag": c.ie_flag,
        "trafMode": c.traf_mode,
        "billNo": c.bill_no,
        "domesticTrafNo": c.domestic_traf_no,
        **_carrier(c),
        "note": c.note,
    }


def _departure(c: Consignment) -> dict[str, Any]:
    return {
        "customsCode": c.customs_code,
        **_carrier(c),
        "trafMode": c.traf_mode,
        "trafName": c.traf_name,
        "voyageNo": c.voyage_no,
        "billNo": c.bill_no,
        "leaveTime": compact_datetime(c.at),
        "note": c.note,
    }


def _waybill_list(c: Consignment) -> dict[str, Any]:
    agent = c.agent or Company("", "")
    weight = round_money(c.gross_weight) if c.gross_weight is not None else None
    return {
        "customsCode": c.customs_code,
        "agentCode": agent.code,
        "agentName": agent.name,
        "loctNo": c.loct_no,
        "trafMode": c.traf_mode,
        "trafName": c.traf_name,
        "voyageNo": c.voyage_no,
        "billNo": c.bill_no,
        "domesticTrafNo": c.domestic_traf_no,
        "grossWeight": weight,
        **_carrier(c),
        "note": c.note,
    }


def _carrier(c: Consignment) -> dict[str, Any]:
    return {"logisticsCode": c.logistics.code, "logisticsName": c.logistics.name}


def _row(p: Parcel) -> dict[str, Any]:
    return {
        "logisticsNo": p.logistics_no,
        "totalPackageNo": p.total_package_no,
        "invtNo": p.invt_no,
        "note": p.note,
    }


ARRIVAL = _Batch(
    "CEB507", Node("Arrival", "ArrivalHead", ARRIVAL_HEAD, "ArrivalList", ARRIVAL_LIST),
    lambda c: c.operator, _arrival, _row,
)  # fmt: skip
DEPARTURE = _Batch(
    "CEB509", Node("Departure", "DepartureHead", DEPARTURE_HEAD, "DepartureList", DEPARTURE_LIST),
    lambda c: c.logistics, _departure, _row,
)  # fmt: skip
WAYBILL = _Batch(
    "CEB607", Node("WayBill", "WayBillHead", WAYBILL_HEAD, "WayBillList", WAYBILL_LIST),
    lambda c: c.agent, _waybill_list, _row,
)  # fmt: skip
DELIVERY = Node("Delivery", "DeliveryHead", DELIVERY_HEAD, "DeliveryList", DELIVERY_LIST)


def build_ceb507(consignment: Consignment, **settings: Unpack[BatchSettings]) -> list[bytes]:
    """CEB507: the batch arrived at the supervised site (运抵), filed by the site operator
    (for post, the postal logistics company)."""
    c = consignment
    problems = Problems()
    _company("site operator", c.operator, problems)
    if not c.domestic_traf_no:
        problems.add("domesticTrafNo (the vehicle that brought the batch) is required")
    return _split(ARRIVAL, c, problems, **settings)


def build_ceb509(consignment: Consignment, **settings: Unpack[BatchSettings]) -> list[bytes]:
    """CEB509: the batch left the country (离境), filed by the carrier; ``at`` is the
    departure time."""
    return _split(DEPARTURE, consignment, Problems(), **settings)


def build_ceb607(consignment: Consignment, **settings: Unpack[BatchSettings]) -> list[bytes]:
    """CEB607: the master waybill (billNo) and the parcels (sub waybills) under it, each
    with the inventory declaring it, filed by the declarer; declared (appStatus 2) only
    signed."""
    c = consignment
    problems = Problems()
    _company("declarer (agent)", c.agent, problems)
    options = settings.get("options") or Options()
    if options.app_status == "2" and settings.get("signer") is None:
        problems.add("CEB607 declared (appStatus 2) must be signed (Signature 必须填写)")
    if c.gross_weight is None:
        problems.add("grossWeight of the batch is required")
    return _split(WAYBILL, c, problems, **settings)


def _split(
    batch: _Batch,
    c: Consignment,
    problems: Problems,
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
    max_per_message: int = 1000,
) -> list[bytes]:
    """The batch's message(s): at most ``max_per_message`` parcels each, numbered
    msgSeqNo 1..msgCount under the batch's copNo; sent by the filer (``options.
    transmitter`` overrides)."""
    check_options(options, problems)
    if not c.parcels:
        problems.add(f"{batch.message} {c.cop_no}: no parcels")
    filer = batch.filer(c)
    sender = options.transmitter or (filer.transmitter() if filer else Transmitter("", "", ""))
    size = max(1, max_per_message)
    parcels = list(enumerate(c.parcels, 1))
    chunks = [parcels[i : i + size] for i in range(0, len(parcels), size)] or [[]]
    out = []
    for seq, chunk in enumerate(chunks, 1):
        key = f"{c.customs_code}|{c.cop_no}|{seq}"
        root = message_root(batch.message, key)
        head = {**app_fields(batch.message, key, options, c.at), **batch.values(c)}
        head.update(copNo=c.cop_no, msgCount=len(chunks), msgSeqNo=seq)
        rows = [{**batch.row(parcel), "gnum": gnum} for gnum, parcel in chunk]
        write_node(root, batch.node, head, rows, problems, f"{batch.message} {c.cop_no}")
        append_transport(root, sender, options.subscriptions or (), problems)
        data = finish(
            root,
            problems,
            batch.message,
            signer=signer,
            schema_dir=schema_dir,
            schema_file=EXPORT_XSD,
        )
        out.append(data)
    return out


def build_ceb711(
    consignment: Consignment,
    *,
    signer: Any,
    options: Options = Options(),
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB711: the parcels of a batch entered the supervised site (入库明细单), filed and
    signed by the site operator (the schema requires the signature)."""
    c = consignment
    problems = Problems()
    check_options(options, problems)
    op = _company("site operator", c.operator, problems)
    if signer is None:
        problems.add("CEB711 must be signed by the site operator (ds:Signature is required)")
    if not c.parcels:
        problems.add(f"CEB711 {c.cop_no}: no parcels")
    key = f"{c.customs_code}|{c.cop_no}"
    root = message_root("CEB711", key)
    head = {
        **app_fields("CEB711", key, options, c.at),
        "customsCode": c.customs_code,
        "copNo": c.cop_no,
        "operatorCode": op.code,
        "operatorName": op.name,
        "ieFlag": c.ie_flag,
        "trafMode": c.traf_mode,
        "trafNo": c.traf_name,
        "voyageNo": c.voyage_no,
        "billNo": c.bill_no,
        **_carrier(c),
        "unloadLocation": c.unload_location,
        "note": c.note,
    }
    rows = [
        {"gnum": gnum, "logisticsNo": parcel.logistics_no, "note": parcel.note}
        for gnum, parcel in enumerate(c.parcels, 1)
    ]
    write_node(root, DELIVERY, head, rows, problems, f"CEB711 {c.cop_no}")
    sender = options.transmitter or op.transmitter()
    append_transport(root, sender, options.subscriptions or (), problems)
    return finish(
        root, problems, "CEB711", signer=signer, schema_dir=schema_dir, schema_file=IMPORT_XSD
    )


def build_ceb513(
    parcels: Sequence[SignedFor],
    *,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """CEB513: parcels signed for by their buyers (status S), one node each (at most 100),
    filed by the carrier of the first."""
    problems = Problems()
    check_options(options, problems)
    if not 1 <= len(parcels) <= MAX_NODES:
        problems.add(f"CEB513 holds 1 to {MAX_NODES} parcels, got {len(parcels)}")
    key = ",".join(f"{p.logistics.code}|{p.logistics_no}" for p in parcels)
    root = message_root("CEB513", key)
    for p in parcels:
        node_key = f"{p.logistics.code}|{p.logistics_no}"
        values = {
            **app_fields("CEB513", node_key, options, p.at),
            "logisticsCode": p.logistics.code,
            "logisticsName": p.logistics.name,
            "logisticsNo": p.logistics_no,
            "logisticsStatus": SIGNED_FOR,
            "logisticsTime": compact_datetime(p.at),
            "note": p.note,
        }
        root.start("LogisticsStatus")
        emit(root, LOGISTICS_STATUS, values, problems, f"CEB513 {p.logistics_no}")
        root.end()
    first = parcels[0].logistics if parcels else Company("", "")
    sender = options.transmitter or first.transmitter()
    append_transport(root, sender, options.subscriptions or (), problems)
    return finish(
        root, problems, "CEB513", signer=signer, schema_dir=schema_dir, schema_file=IMPORT_XSD
    )
