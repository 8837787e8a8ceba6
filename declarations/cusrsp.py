"""CUSRSP: customs' decision on a postal item presented by CUSITM, in the project's schema.

The UPU's CUSRSP (messaging standard M44) is distributed to UPU members only, so
``schemas/cusrsp.xsd`` (namespace ``urn:silkpost:cusrsp:1``) defines what Silkpost reads and
its customs simulator writes: per item, the decision (``release``, ``hold``, ``refer``,
``return``), when it was taken, the reason of a hold or referral (the retention reasons of
the tracking events), a note and, on release, the tax customs charge. A message holds one
decision or many; decisions repeat and may arrive out of order, so a reader keys them on
(item, decision, time), never on the message.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from declarations import emsevt, safexml, xmlout, xsd
from declarations.errors import DeclarationError, IncompleteDataError, Problems
from declarations.xmlfmt import decimal_text
from declarations.xmlout import Writer, escape_attr

NS = "urn:silkpost:cusrsp:1"
SCHEMA_FILE = "cusrsp.xsd"
MAX_FILE_BYTES = 5 * 1024 * 1024
DECISIONS = ("release", "hold", "refer", "return")
#: Reasons of a hold or referral: the retention reasons of the EMSEVT events it becomes.
REASONS = tuple(emsevt.RETENTION_REASONS)
_ID_NAMESPACE = uuid.UUID("9d4e2b1a-3c5f-4a6b-8c7d-2e1f0a9b8c7d")
_NS = f"{{{NS}}}"


@dataclass(frozen=True, slots=True)
class Decision:
    """Customs' answer on one item: which CUSITM it answers, the decision, when, why."""

    item_id: str
    cusitm_message_id: str
    decision: str
    at: datetime
    reason: str = ""
    note: str = ""
    tax: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    created: datetime
    sender: str
    recipient: str
    decisions: tuple[Decision, ...]


def problems_of(d: Decision) -> list[str]:
    """What the schema cannot say: an offset on the time, reasons only where they fit."""
    found = []
    if d.decision not in DECISIONS:
        found.append(f"{d.item_id}: decision {d.decision!r} is not one of {', '.join(DECISIONS)}")
    if d.at.utcoffset() is None:
        found.append(f"{d.item_id}: decision time has no UTC offset")
    if d.decision in ("hold", "refer") and d.reason not in REASONS:
        found.append(f"{d.item_id}: a {d.decision} needs a reason, one of {', '.join(REASONS)}")
    if d.decision in ("release", "return") and d.reason:
        found.append(f"{d.item_id}: a {d.decision} takes no reason")
    if (d.tax is None) != (not d.currency):
        found.append(f"{d.item_id}: a tax needs its currency")
    return found


def message_id(decisions: Sequence[Decision], created: datetime) -> str:
    key = ",".join(f"{d.item_id}:{d.decision}" for d in decisions) + "@" + created.isoformat()
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def build(
    decisions: Sequence[Decision],
    *,
    created: datetime,
    sender: str,
    recipient: str,
    schema_dir: str | Path | None = None,
) -> bytes:
    """Serialised CUSRSP, after the checks, validated against the project XSD."""
    if not decisions:
        raise IncompleteDataError("a CUSRSP message needs at least one decision")
    p = Problems()
    for d in decisions:
        for problem in problems_of(d):
            p.add(problem)
    p.raise_if_any(IncompleteDataError, "CUSRSP cannot be produced")
    out = Writer()
    out.start(
        "CUSRSP",
        f' xmlns="{NS}" version="1" messageId="{message_id(decisions, created)}"'
        f' created="{escape_attr(created.isoformat(timespec="seconds"))}"'
        f' sender="{escape_attr(sender)}" recipient="{escape_attr(recipient)}"',
    )
    for d in decisions:
        out.start("Decision")
        out.leaf("ItemId", d.item_id)
        out.leaf("CusitmMessageId", d.cusitm_message_id)
        out.leaf("Outcome", d.decision)
        out.leaf("Time", d.at.isoformat(timespec="seconds"))
        for tag, value in (("Reason", d.reason), ("Note", d.note)):
            if value:
                out.leaf(tag, value)
        if d.tax is not None:
            out.leaf("Tax", decimal_text(d.tax, 2), f' currency="{d.currency}"')
        out.end()
    data = out.to_bytes()
    xmlout.validate_built(xmlout.parse(data), schema(schema_dir), "CUSRSP")
    return data


def schema(schema_dir: str | Path | None = None) -> etree.XMLSchema:
    return xsd.load_in(schema_dir or xsd.PROJECT_SCHEMA_DIR, SCHEMA_FILE)


def is_cusrsp(data: bytes) -> bool:
    """Whether a file looks like a CUSRSP (its root element in the first kilobyte)."""
    return b"<CUSRSP" in data[:1024] and NS.encode() in data[:1024]


def _decision(el: etree._Element) -> Decision:
    tax = el.find(f"{_NS}Tax")
    return Decision(
        item_id=el.findtext(f"{_NS}ItemId") or "",
        cusitm_message_id=el.findtext(f"{_NS}CusitmMessageId") or "",
        decision=el.findtext(f"{_NS}Outcome") or "",
        at=datetime.fromisoformat(el.findtext(f"{_NS}Time") or ""),
        reason=el.findtext(f"{_NS}Reason") or "",
        note=el.findtext(f"{_NS}Note") or "",
        tax=Decimal(tax.text or "0") if tax is not None else None,
        currency=tax.get("currency", "") if tax is not None else "",
    )


def parse(data: bytes) -> Message:
    """Read a CUSRSP from outside (safe parser, schema, checks); raises
    :class:`DeclarationError` naming every problem."""
    root = safexml.parse(data, max_bytes=MAX_FILE_BYTES)
    xsd.validate(root, schema(), "CUSRSP message")
    try:
        decisions = tuple(_decision(el) for el in root.findall(f"{_NS}Decision"))
        created = datetime.fromisoformat(root.get("created", ""))
    except ValueError as exc:
        raise DeclarationError("CUSRSP has a time that cannot be read", [str(exc)]) from None
    p = Problems()
    for d in decisions:
        for problem in problems_of(d):
            p.add(problem)
    p.raise_if_any(DeclarationError, "The CUSRSP message has decisions that fail the checks")
    sender, recipient = root.get("sender", ""), root.get("recipient", "")
    return Message(root.get("messageId", ""), created, sender, recipient, decisions)
