"""UPU EMSEVT tracking events: the code table, and event files in the project's own schema.

The event codes are those of DOMAIN.md §4. Their labels are the ones the UPU's PTT tracking
service returns (as used by a public client of ``ptt.ptc.post``; see
/work/notes/research/posts.md §5.3). The UPU's EMSEVT message schema is distributed to UPU
members only, so ``schemas/emsevt.xsd`` (namespace ``urn:silkpost:emsevt:1``) defines a
message with the same content, documented element by element; the reason and action code
lists are Silkpost's own too, since no public UPU list was found.

Which codes a recipient may see (``recipient_visible``) is a Silkpost decision: everything
about the item's way to the recipient, including import customs (the recipient may have to
act, e.g. pay duties), but not the origin side's export-control and security events
(EXA/EXB/EXC/EXD/EXX): they concern the sender and the export authorities, and telling the
public that an item is held for security screening helps nobody but someone probing it.

Pure: no Flask, no database. ``build`` writes a message; ``parse`` reads one through the
safe parser (no DTDs, no entities, bounded size), validates it against the schema and runs
the checks the schema cannot express (S10 check digits, reasons that fit their code).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from declarations import s10, safexml, xsd
from declarations.errors import DeclarationError, Problems
from declarations.xmlout import Writer, escape_attr, validate_built

NS = "urn:silkpost:emsevt:1"
SCHEMA_FILE = "emsevt.xsd"
MAX_FILE_BYTES = 10 * 1024 * 1024
_ID_NAMESPACE = uuid.UUID("0c3f6a52-93c1-4f5e-8d0b-6a4d2f7e91b3")


@dataclass(frozen=True, slots=True)
class EventCode:
    code: str
    label: str  # as UPU tracking feeds word it
    stage: str  # posting | export | transit | import | delivery
    recipient_visible: bool
    reasons: str | None = None  # the reason list that applies: "retention" | "non_delivery"


def _code(code, label, stage, visible=True, reasons=None) -> EventCode:
    return EventCode(code, label, stage, visible, reasons)


#: Every EMSEVT code of DOMAIN.md §4, in the order of an item's life (the tie-break when two
#: events carry the same time).
CODES: tuple[EventCode, ...] = (
    _code("EMA", "Posting/collection", "posting"),
    _code("EMB", "Arrival at outward office of exchange", "export"),
    _code("EXA", "Item presented to export customs/security", "export", False),
    _code("EXB", "Item held by export customs/security", "export", False, "retention"),
    _code("EXC", "Item returned from export customs/security", "export", False),
    _code("EXD", "Item held at outward office of exchange", "export", False, "retention"),
    _code("EXX", "Export cancellation", "export", False),
    _code("EMC", "Departure from outward office of exchange", "export"),
    _code("EMJ", "Arrival at transit office of exchange", "transit"),
    _code("EMK", "Departure from transit office of exchange", "transit"),
    _code("EMD", "Arrival at inward office of exchange", "import"),
    _code("EDA", "Held at inward office of exchange", "import", True, "retention"),
    _code("EDB", "Item presented to import customs", "import"),
    _code("EME", "Held by import customs", "import", True, "retention"),
    _code("EDC", "Item returned from customs (import)", "import"),
    _code("EMF", "Departure from inward office of exchange", "import"),
    _code("EDD", "Item into sorting centre", "delivery"),
    _code("EDE", "Item out of sorting centre", "delivery"),
    _code("EMG", "Arrival at delivery office", "delivery"),
    _code("EDF", "Item held at delivery depot", "delivery", True, "retention"),
    _code("EDG", "Item out for physical delivery", "delivery"),
    _code("EDH", "Item arrival at collection point for pick-up (by recipient)", "delivery"),
    _code("EMH", "Unsuccessful (physical) delivery", "delivery", True, "non_delivery"),
    _code("EMI", "Final delivery", "delivery"),
    _code("EDX", "Import terminated", "import"),
)
BY_CODE: dict[str, EventCode] = {c.code: c for c in CODES}
RANK: dict[str, int] = {c.code: n for n, c in enumerate(CODES)}

#: Why an item is held (retention events) — Silkpost's list, to be swapped for the UPU's.
RETENTION_REASONS = {
    "documents": "Documents or information requested",
    "inspection": "Physical inspection",
    "duties": "Awaiting payment of duties and taxes",
    "restricted": "Prohibited or restricted goods",
    "security": "Security screening",
    "other": "Other reason",
}
#: Why a delivery attempt failed (EMH) — Silkpost's list.
NON_DELIVERY_REASONS = {
    "absent": "Addressee absent",
    "refused": "Refused by the addressee",
    "address": "Incorrect or incomplete address",
    "unknown": "Addressee unknown or moved",
    "charges": "Charges unpaid",
    "too_large": "Item too large for the delivery point",
    "force_majeure": "Force majeure",
    "other": "Other reason",
}
#: What was done after a failed delivery attempt (EMH) — Silkpost's list.
NON_DELIVERY_ACTIONS = {
    "notice_left": "Notice left for the addressee",
    "held_at_office": "Held at the delivery office for collection",
    "redelivery": "Delivery attempted again",
    "return_to_sender": "Returned to the sender",
}
REASON_LISTS = {"retention": RETENTION_REASONS, "non_delivery": NON_DELIVERY_REASONS}

SOURCES = ("self", "carrier", "partner")
#: An office of exchange (IMPC: country, location, qualifier) or another location code that
#: starts with the ISO country code.
OFFICE = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
#: The shapes of UPU S9 receptacle (29 characters) and S8 despatch (20) identifiers: both
#: offices of exchange, category, subclass, then digits (year, despatch number, and for a
#: receptacle its serial, indicators and weight).
_DESPATCH = r"[A-Z]{2}[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{4}[A-Z][A-Z0-9]{2}\d{5}"
S9 = re.compile(rf"^{_DESPATCH}\d{{9}}$")
S8 = re.compile(rf"^{_DESPATCH}$")
MAX_NOTE = 200


@dataclass(frozen=True, slots=True)
class Event:
    """One tracking event of one item, as exchanged: the time keeps its sender's offset."""

    item_id: str
    code: str
    at: datetime
    office: str
    reason: str | None = None
    action: str | None = None
    receptacle_id: str | None = None
    despatch_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    created: datetime
    sender: str | None
    recipient: str | None
    events: tuple[Event, ...]


def event_problems(e: Event) -> list[tuple[str, str]]:
    """What is wrong with one event, as (field, message) pairs; none for a good event.

    One rule for every way events come in: carrier scans, partner files, the service's own.
    """
    out: list[tuple[str, str]] = []
    try:
        s10.parse(e.item_id)
    except s10.S10Error as exc:
        out.append(("s10", f"not a valid S10 item id: {exc}"))
    spec = BY_CODE.get(e.code)
    if spec is None:
        out.append(("code", "not an EMSEVT event code (see the event code table)"))
    if not OFFICE.match(e.office or ""):
        out.append(("office", "must be an office code: ISO country + location, e.g. DEFRAA"))
    if e.at.tzinfo is None or e.at.utcoffset() is None:
        out.append(("time", "needs an offset, e.g. 2026-12-03T08:15:00+01:00"))
    if e.note is not None and len(e.note) > MAX_NOTE:
        out.append(("note", f"longer than {MAX_NOTE} characters"))
    if e.receptacle_id is not None and not S9.match(e.receptacle_id):
        out.append(("receptacle_id", "not a 29-character S9 receptacle identifier"))
    if e.despatch_id is not None and not S8.match(e.despatch_id):
        out.append(("despatch_id", "not a 20-character S8 despatch identifier"))
    out.extend(_reason_problems(e, spec))
    return out


def _reason_problems(e: Event, spec: EventCode | None) -> list[tuple[str, str]]:
    out = []
    if e.reason is not None and spec is not None:
        allowed = REASON_LISTS.get(spec.reasons or "")
        if allowed is None:
            out.append(("reason", f"{e.code} takes no reason"))
        elif e.reason not in allowed:
            out.append(("reason", f"not one of {', '.join(allowed)}"))
    if e.action is not None and (e.code != "EMH" or e.action not in NON_DELIVERY_ACTIONS):
        out.append(
            ("action", f"only EMH takes an action: one of {', '.join(NON_DELIVERY_ACTIONS)}")
        )
    return out


# -- writing -------------------------------------------------------------------------------


def message_id_for(sender: str | None, created: datetime, events: Sequence[Event]) -> str:
    """A deterministic id: the same events from the same sender at the same time, same id."""
    first = events[0] if events else None
    key = f"{sender}|{created.isoformat()}|{len(events)}|"
    key += f"{first.item_id}{first.code}{first.at.isoformat()}" if first else ""
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def build(
    events: Sequence[Event],
    *,
    created: datetime,
    sender: str | None = None,
    recipient: str | None = None,
    message_id: str | None = None,
) -> bytes:
    """An EMSEVT message holding ``events``, valid against the project's schema."""
    problems = Problems()
    for n, e in enumerate(events):
        for field, message in event_problems(e):
            problems.add(f"event {n} ({e.item_id} {e.code}): {field}: {message}")
    problems.raise_if_any(DeclarationError, "The EMSEVT message cannot be built")
    attrs = f' xmlns="{NS}" version="1"'
    attrs += f' messageId="{message_id or message_id_for(sender, created, events)}"'
    attrs += f' created="{created.isoformat()}"'
    for name, value in (("sender", sender), ("recipient", recipient)):
        if value:
            attrs += f' {name}="{escape_attr(value)}"'
    w = Writer()
    w.start("EMSEVT", attrs)
    for e in events:
        _write_event(w, e)
    data = w.to_bytes()
    validate_built(safexml.parse(data, max_bytes=len(data) + 1), schema(), "EMSEVT message")
    return data


def _write_event(w: Writer, e: Event) -> None:
    w.start("Event")
    w.leaf("ItemId", e.item_id)
    w.leaf("Code", e.code)
    w.leaf("Time", e.at.isoformat())
    w.leaf("Office", e.office)
    for tag, value in (
        ("Reason", e.reason),
        ("Action", e.action),
        ("ReceptacleId", e.receptacle_id),
        ("DespatchId", e.despatch_id),
        ("Note", e.note),
    ):
        if value is not None:
            w.leaf(tag, value)
    w.end()


# -- reading -------------------------------------------------------------------------------


def schema():
    return xsd.load_in(xsd.PROJECT_SCHEMA_DIR, SCHEMA_FILE)


_Q = f"{{{NS}}}"
_FIELDS = {
    f"{_Q}ItemId": "item_id",
    f"{_Q}Code": "code",
    f"{_Q}Time": "at",
    f"{_Q}Office": "office",
    f"{_Q}Reason": "reason",
    f"{_Q}Action": "action",
    f"{_Q}ReceptacleId": "receptacle_id",
    f"{_Q}DespatchId": "despatch_id",
    f"{_Q}Note": "note",
}


def parse(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> Message:
    """Read an EMSEVT message from outside; raises a :class:`DeclarationError` (unsafe,
    malformed, not valid against the schema, or events that fail the checks) naming
    every problem found."""
    root = safexml.parse(data, max_bytes=max_bytes)
    xsd.validate(root, schema(), "EMSEVT message")
    problems = Problems()
    events = []
    for n, el in enumerate(root, start=1):
        values = {_FIELDS[child.tag]: child.text or "" for child in el}
        try:
            values["at"] = datetime.fromisoformat(values["at"])
        except ValueError:
            problems.add(f"event {n}: time: {values['at']!r} is not a date-time")
            continue
        event = Event(**values)
        for field, message in event_problems(event):
            problems.add(f"event {n} ({event.item_id} {event.code}): {field}: {message}")
        events.append(event)
    try:
        created = datetime.fromisoformat(root.get("created"))
    except ValueError:
        problems.add(f"created: {root.get('created')!r} is not a date-time")
    problems.raise_if_any(DeclarationError, "The EMSEVT message has events that fail the checks")
    return Message(
        message_id=root.get("messageId"),
        created=created,
        sender=root.get("sender"),
        recipient=root.get("recipient"),
        events=tuple(events),
    )
