"""PREDES: the electronic pre-advice of a closed despatch, in the project's own schema.

The UPU's PREDES standard is for members only; ``schemas/predes.xsd`` (namespace
``urn:silkpost:predes:1``) defines the same content and documents each element: the
despatch and its S8 identifier, the planned transport leg, every receptacle with its S9
identifier and the S10 ids of the items inside, each pointing at the ITMATT message that
carries the item's customs data. Every message built here validates against that schema
before it is returned, and the output is a pure function of the despatch: the message id
derives from the despatch identifier and its closing time, so advising the same closed
despatch again gives the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from declarations import xmlout, xsd
from declarations.despatch import LEG_FIELDS, Despatch, Receptacle, Transport
from declarations.errors import IncompleteDataError, Problems
from declarations.s9 import S9Error, check_despatch
from declarations.xmlfmt import decimal_text
from declarations.xmlout import Writer, escape_attr

NS = "urn:silkpost:predes:1"
SCHEMA_FILE = "predes.xsd"
_ID_NAMESPACE = uuid.UUID("8d3f6c52-1c4e-4f57-b1b0-5a4f0e3c9d27")
_TENTH = Decimal("0.1")

#: The element of each leg field, in schema order, per mode.
_LEG_TAGS = {
    "flight": "Flight",
    "airport_of_loading": "AirportOfLoading",
    "airport_of_transhipment": "AirportOfTranshipment",
    "airport_of_unloading": "AirportOfUnloading",
    "air_waybill": "AirWaybill",
    "train": "Train",
    "wagon": "Wagon",
    "seal": "Seal",
    "consignment_note": "ConsignmentNote",
    "truck": "Truck",
    "vessel": "Vessel",
    "voyage": "Voyage",
    "port_of_loading": "PortOfLoading",
    "port_of_discharge": "PortOfDischarge",
}


def message_id(despatch: Despatch) -> str:
    """The same closed despatch always gives the same message id."""
    key = f"{despatch.despatch_id}@{_instant(despatch.closed_at)}"
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def _instant(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise IncompleteDataError(f"time {moment.isoformat()} has no offset")
    return moment.isoformat(timespec="seconds")


def check(despatch: Despatch) -> Problems:
    """The project's checks before any XML is written; all problems at once."""
    p = Problems()
    if not despatch.receptacles:
        p.add("a despatch needs at least one receptacle")
        return p
    try:
        check_despatch([r.s9 for r in despatch.receptacles])
    except S9Error as exc:
        p.add(f"receptacles: {exc.message}")
    for r in despatch.receptacles:
        if not r.items:
            p.add(f"receptacle {r.s9}: no items")
        for item in r.items:
            if not (item.itmatt_message_id and item.itmatt_sha256 and item.itmatt_file):
                p.add(f"item {item.item_id}: no ITMATT message")
    if despatch.transport.mode == "rail" and not despatch.transport.border_crossing:
        p.add("a rail leg needs the border crossing of its lane")
    for moment in (despatch.closed_at, despatch.transport.departure):
        if moment.tzinfo is None or moment.utcoffset() is None:
            p.add(f"time {moment.isoformat()} has no offset")
    return p


def build(
    despatch: Despatch, *, validate: bool = True, schema_dir: str | Path | None = None
) -> bytes:
    """The serialised PREDES (UTF-8 with an XML declaration), validated against the
    project XSD: what is validated is the parse of exactly the bytes returned."""
    check(despatch).raise_if_any(IncompleteDataError, "PREDES cannot be produced")
    out = Writer()
    attrs = (
        f' xmlns="{NS}" version="1" messageId="{message_id(despatch)}"'
        f' created="{_instant(despatch.closed_at)}"'
    )
    for name, code in (
        ("sender", despatch.origin.operator_code),
        ("recipient", despatch.destination.operator_code),
    ):
        if code:
            attrs += f' {name}="{escape_attr(code)}"'
    out.start("PREDES", attrs)
    _despatch(out, despatch)
    _transport(out, despatch.transport)
    for receptacle in despatch.receptacles:
        _receptacle(out, receptacle)
    registered = sum(1 for r in despatch.receptacles if r.s9.is_registered)
    out.parts.append(
        f'<Totals receptacles="{len(despatch.receptacles)}" registeredReceptacles="{registered}"'
        f' items="{despatch.items}" grossWeightKg="{_kg1(despatch.gross_weight_kg)}"/>'
    )
    data = out.to_bytes()
    if validate:
        xmlout.validate_built(xmlout.parse(data), schema(schema_dir), "PREDES")
    return data


def schema(schema_dir: str | Path | None = None) -> etree.XMLSchema:
    return xsd.load_in(schema_dir or xsd.PROJECT_SCHEMA_DIR, SCHEMA_FILE)


def _kg1(value: Decimal) -> str:
    """A weight at the 0.1 kg of the S9 identifier."""
    return format(value.quantize(_TENTH), "f")


def _office(out: Writer, tag: str, code: str, name: str) -> None:
    out.parts.append(f'<{tag} code="{escape_attr(code)}" name="{escape_attr(name[:70])}"/>')


def _despatch(out: Writer, d: Despatch) -> None:
    out.start("Despatch", f' id="{d.despatch_id}"')
    _office(out, "OriginOffice", d.origin.code, d.origin.name)
    _office(out, "DestinationOffice", d.destination.code, d.destination.name)
    out.leaf("MailCategory", d.category)
    out.leaf("MailClass", d.first.mail_class)
    out.leaf("MailSubclass", d.subclass)
    out.leaf("Year", f"{d.year:04d}")
    out.leaf("Number", f"{d.number:04d}")
    out.leaf("Closed", _instant(d.closed_at))
    out.leaf("DeliveryBill", d.form)
    if d.lane:
        out.leaf("Lane", d.lane)
    out.end()


def _transport(out: Writer, t: Transport) -> None:
    out.start("Transport", f' mode="{t.mode}"')
    out.leaf("Departure", _instant(t.departure))
    if t.arrival is not None:
        out.leaf("Arrival", _instant(t.arrival))
    if t.carrier:
        out.leaf("Carrier", t.carrier)
    out.start(t.mode.capitalize())
    for name in LEG_FIELDS[t.mode].names:
        if t.fields.get(name):
            out.leaf(_LEG_TAGS[name], t.fields[name])
    if t.mode == "rail":
        out.leaf("BorderCrossing", t.border_crossing)
    out.end()
    out.end()


def _receptacle(out: Writer, r: Receptacle) -> None:
    s9 = r.s9
    out.start(
        "Receptacle",
        f' id="{s9}" serial="{s9.serial:03d}" last="{str(s9.is_last).lower()}"'
        f' registered="{str(s9.is_registered).lower()}" items="{len(r.items)}"',
    )
    out.leaf("GrossWeightKg", _kg1(r.gross_weight_kg))
    if r.tare_kg is not None:
        out.leaf("TareKg", decimal_text(r.tare_kg, 3, 12))
    for item in r.items:
        out.start("Item", f' id="{escape_attr(item.item_id)}"')
        out.leaf("GrossWeightKg", decimal_text(item.gross_weight_kg, 3, 12))
        out.parts.append(
            f'<Itmatt messageId="{escape_attr(item.itmatt_message_id)}"'
            f' sha256="{escape_attr(item.itmatt_sha256)}" file="{escape_attr(item.itmatt_file)}"/>'
        )
        out.end()
    out.end()
