"""CUSITM: a postal item presented by the destination post to its customs, in the project's
own schema.

The UPU's CUSITM (messaging standard M43) is distributed to UPU members only, so
``schemas/cusitm.xsd`` (namespace ``urn:silkpost:cusitm:1``) defines what Silkpost sends:
the item's ITMATT content (the electronic CN22/CN23 the origin post sent), the reference of
that ITMATT, the postal-articles tax the service assessed with the tariff engine (or why it
could not), and the risk checks' findings, so customs decide on the same figures the post
holds. Customs answer with a CUSRSP (:mod:`declarations.cusrsp`).

The builder is a pure function of its records: the message id is derived from the item ids
and the creation time, so rebuilding gives the same bytes, and every message is validated
against the schema before it is returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from declarations import itmatt, xmlout, xsd
from declarations.errors import IncompleteDataError, Problems
from declarations.snapshot import DeclarationSnapshot
from declarations.xmlfmt import decimal_text
from declarations.xmlout import Writer, escape_attr

NS = "urn:silkpost:cusitm:1"
SCHEMA_FILE = "cusitm.xsd"
_ID_NAMESPACE = uuid.UUID("0c1f4a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b")


@dataclass(frozen=True, slots=True)
class TaxLine:
    """The tax of one piece (``piece`` is its 1-based position): base, rate and amount."""

    piece: int
    base: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Assessment:
    """The tax the service assessed: the regime the engine applied, the currency, the
    dutiable value, the tax per piece and the total payable."""

    regime: str
    currency: str
    dutiable_value: Decimal
    taxes: tuple[TaxLine, ...]
    tax_total: Decimal


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """A finding of the risk checks: code, severity (info|warning|blocking), one line."""

    code: str
    severity: str
    message: str
    field: str = ""


@dataclass(frozen=True, slots=True)
class Presentation:
    """One item as presented: its snapshot, the ITMATT it came in and from which post, the
    assessment (or ``not_assessed``: why there is none) and the risk findings."""

    snapshot: DeclarationSnapshot
    itmatt_message_id: str
    origin_post: str
    assessment: Assessment | None
    not_assessed: str = ""
    risks: tuple[RiskFlag, ...] = ()


def assessment_from_quote(quote: dict) -> Assessment:
    """The assessment of a quote of the tariff engine (its JSON form): one tax per piece."""
    taxes = tuple(
        TaxLine(n, Decimal(t["base"]), Decimal(t["rate"]), Decimal(t["amount"]))
        for n, t in enumerate(quote["taxes"], start=1)
    )
    return Assessment(
        quote["regime"],
        quote["currency"],
        Decimal(quote["customs_value"]),
        taxes,
        Decimal(quote["tax_total"]),
    )


def message_id(items: Sequence[Presentation], created: datetime) -> str:
    """Deterministic message UUID: same items and time give the same id."""
    key = ",".join(p.snapshot.order.item_id for p in items) + "@" + created.isoformat()
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def _check(p: Presentation, problems: Problems) -> None:
    item = p.snapshot.order.item_id
    itmatt.check(p.snapshot, problems)
    if (p.assessment is None) == (not p.not_assessed):
        problems.add(f"{item}: give either an assessment or why there is none")
    if p.assessment is not None and len(p.assessment.taxes) > len(p.snapshot.lines):
        problems.add(f"{item}: more tax lines than pieces")
    for flag in p.risks:
        if flag.severity not in ("info", "warning", "blocking"):
            problems.add(f"{item}: risk {flag.code} has severity {flag.severity!r}")


def build(
    items: Sequence[Presentation],
    *,
    created: datetime,
    sender_operator: str,
    recipient: str,
    validate: bool = True,
    schema_dir: str | Path | None = None,
) -> bytes:
    """Serialised CUSITM (UTF-8, with XML declaration), validated against the project XSD."""
    if not items:
        raise IncompleteDataError("a CUSITM message needs at least one item")
    problems = Problems()
    for p in items:
        _check(p, problems)
    problems.raise_if_any(IncompleteDataError, "CUSITM cannot be produced")
    attrs = (
        f' xmlns="{NS}" version="1" messageId="{message_id(items, created)}"'
        f' created="{escape_attr(created.isoformat(timespec="seconds"))}"'
        f' sender="{escape_attr(sender_operator)}" recipient="{escape_attr(recipient)}"'
    )
    out = Writer()
    out.start("CUSITM", attrs)
    for p in items:
        _item(out, p)
    data = out.to_bytes()
    if validate:
        xmlout.validate_built(xmlout.parse(data), schema(schema_dir), "CUSITM")
    return data


def schema(schema_dir: str | Path | None = None) -> etree.XMLSchema:
    return xsd.load_in(schema_dir or xsd.PROJECT_SCHEMA_DIR, SCHEMA_FILE)


def _item(out: Writer, p: Presentation) -> None:
    snap, o = p.snapshot, p.snapshot.order
    leaf = out.leaf
    out.start("Item")
    leaf("ItemId", o.item_id)
    leaf("ItmattMessageId", p.itmatt_message_id)
    leaf("OriginPost", p.origin_post)
    leaf("PostingDate", o.ordered_at.date().isoformat())
    itmatt.write_route_and_value(out, snap)
    for tag, value in (("InvoiceNumber", o.invoice_no), ("Comments", o.comments)):
        if value:
            leaf(tag, value)
    for tag, party in (("Sender", snap.sender), ("Addressee", snap.recipient)):
        out.start(tag)
        itmatt.write_party(out, party)
        out.end()
    _contents(out, snap)
    _assessment(out, p)
    if p.risks:
        out.start("Risks")
        for flag in p.risks:
            attrs = f' code="{escape_attr(flag.code)}" severity="{flag.severity}"'
            if flag.field:
                attrs += f' field="{escape_attr(flag.field)}"'
            leaf("Risk", flag.message, attrs)
        out.end()
    out.end()


def _contents(out: Writer, snap: DeclarationSnapshot) -> None:
    out.start("Contents")
    for seq, line in enumerate(snap.lines, 1):
        out.start("Piece", f' seq="{seq}"')
        out.leaf("Description", line.description.strip())
        out.leaf("Quantity", decimal_text(line.quantity))
        out.leaf("NetWeightKg", decimal_text(line.net_weight_kg, 3, 12))
        itmatt.write_money(out, "Value", line.total_value, snap.order.currency)
        if line.hs_code:
            out.leaf("HsCode", line.hs_code)
        out.leaf("OriginCountry", line.origin_country)
        out.end()
    out.end()


def _assessment(out: Writer, p: Presentation) -> None:
    a = p.assessment
    if a is None:
        out.leaf("NotAssessed", p.not_assessed)
        return
    out.start("Assessment", f' regime="{escape_attr(a.regime)}" currency="{a.currency}"')
    out.leaf("DutiableValue", decimal_text(a.dutiable_value, 2))
    for t in a.taxes:
        attrs = f' piece="{t.piece}" base="{decimal_text(t.base, 2)}" rate="{decimal_text(t.rate)}"'
        out.leaf("Tax", decimal_text(t.amount, 2), attrs)
    out.leaf("TaxTotal", decimal_text(a.tax_total, 2))
    out.end()
