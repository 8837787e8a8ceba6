"""UPU ITMATT: the electronic CN22/CN23 of postal items, in the project's own schema.

The UPU's ITMATT schema is available to members only; ``schemas/itmatt.xsd`` defines the same
content (DOMAIN.md §4) and every message built here validates against it. A message holds one
item or a batch. The output is a pure function of the snapshots: the message id is derived from
the item ids and the creation time, so rebuilding a stored message gives the same bytes.

Before any XML is produced the project checks run (valid S10 id, ISO country codes, category
explanation, specific descriptions, HS codes for goods, gross weight at least the net weight),
and all problems are reported together.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from lxml import etree

from declarations import s10, xmlout, xsd
from declarations.errors import IncompleteDataError, Problems
from declarations.snapshot import DeclarationSnapshot, Party
from declarations.xmlfmt import decimal_text
from declarations.xmlout import Writer, escape_attr, escape_text

NS = "urn:silkpost:itmatt:1"
SCHEMA_FILE = "itmatt.xsd"
_ID_NAMESPACE = uuid.UUID("5b0f7c1e-6a55-4d0e-9a57-6b1e1f2d7a01")

CATEGORIES = frozenset(
    {"gift", "documents", "commercial_sample", "returned_goods", "sale_of_goods", "other"}
)
#: Descriptions customs refuse because they do not say what the thing is (DOMAIN.md §3).
GENERIC_DESCRIPTIONS = frozenset(
    {
        "gift",
        "gifts",
        "goods",
        "sample",
        "samples",
        "spare parts",
        "parts",
        "clothes",
        "clothing",
        "merchandise",
        "item",
        "items",
        "stuff",
        "products",
        "product",
        "misc",
    }
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HS = re.compile(r"^\d{6,10}$")

_LIMITS = {"name": 70, "company": 70, "city": 70, "state": 70, "postcode": 35, "phone": 35}
_LIMITS.update({"email": 256, "tax_id": 35})


def check(snapshot: DeclarationSnapshot, problems: Problems | None = None) -> Problems:
    """The project's structural checks for one item; returns the problems found."""
    p = problems if problems is not None else Problems()
    o = snapshot.order
    where = o.item_id or o.order_no
    try:
        s10.parse(o.item_id)
    except s10.S10Error as exc:
        p.add(f"{where}: item id {o.item_id!r} is not a valid S10 id ({exc})")
    if o.category not in CATEGORIES:
        p.add(f"{where}: category {o.category!r} is not one of {sorted(CATEGORIES)}")
    if o.category == "other" and not o.category_explanation.strip():
        p.add(f"{where}: category 'other' needs an explanation")
    if not re.fullmatch(r"[A-Z]{3}", o.currency):
        p.add(f"{where}: currency {o.currency!r} is not an ISO 4217 code")
    for role, party in (("sender", snapshot.sender), ("addressee", snapshot.recipient)):
        _check_party(p, f"{where}: {role}", party)
    if not snapshot.lines:
        p.add(f"{where}: no content pieces")
    if len(snapshot.lines) > 999:
        p.add(f"{where}: {len(snapshot.lines)} pieces, at most 999")
    goods = o.category != "documents"
    for i, line in enumerate(snapshot.lines, 1):
        tag = f"{where}: piece {i}"
        desc = line.description.strip()
        if not desc:
            p.add(f"{tag}: description is empty")
        elif desc.lower() in GENERIC_DESCRIPTIONS:
            p.add(f"{tag}: description {desc!r} is too generic; say what the article is")
        elif len(desc) > 256:
            p.add(f"{tag}: description longer than 256 characters")
        if goods and not _HS.match(line.hs_code or ""):
            p.add(f"{tag}: HS code {line.hs_code!r} must be 6 to 10 digits for goods")
        if line.quantity <= 0:
            p.add(f"{tag}: quantity must be positive")
        if line.net_weight_kg < 0 or line.unit_value < 0:
            p.add(f"{tag}: weight and value must not be negative")
        if not _COUNTRY.match(line.origin_country or ""):
            p.add(f"{tag}: origin {line.origin_country!r} is not an ISO 3166-1 alpha-2 code")
    if o.gross_weight_kg < snapshot.net_weight_kg:
        p.add(
            f"{where}: gross weight {o.gross_weight_kg} kg is less than the sum of net weights "
            f"{snapshot.net_weight_kg} kg"
        )
    for label, text, limit in (
        ("comments", o.comments, 512),
        ("licence number", o.licence_no, 70),
        ("certificate number", o.certificate_no, 70),
        ("invoice number", o.invoice_no, 70),
        ("posting office", o.posting_office, 70),
        ("mail class", o.mail_class, 35),
        ("category explanation", o.category_explanation, 256),
    ):
        if len(text) > limit:
            p.add(f"{where}: {label} longer than {limit} characters")
    return p


def _check_party(p: Problems, tag: str, party: Party) -> None:
    if not party.name.strip():
        p.add(f"{tag}: name is required")
    if not party.street.strip():
        p.add(f"{tag}: street address is required")
    if not party.city.strip():
        p.add(f"{tag}: city is required")
    if not _COUNTRY.match(party.country or ""):
        p.add(f"{tag}: country {party.country!r} is not an ISO 3166-1 alpha-2 code")
    if len(_address_lines(party.street)) > 3 or any(
        len(x) > 256 for x in _address_lines(party.street)
    ):
        p.add(f"{tag}: street address must fit 3 lines of 256 characters")
    for attr, limit in _LIMITS.items():
        if len(getattr(party, attr)) > limit:
            p.add(f"{tag}: {attr} longer than {limit} characters")


def _address_lines(street: str) -> list[str]:
    return [s.strip() for s in street.splitlines() if s.strip()]


def message_id(snapshots: Sequence[DeclarationSnapshot], created: datetime) -> str:
    """Deterministic message UUID: same items and time give the same id."""
    key = ",".join(s.order.item_id for s in snapshots) + "@" + created.isoformat()
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def _write(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    created: datetime | None,
    sender_operator: str,
    recipient_operator: str,
) -> bytes:
    """The serialised message for one snapshot or a batch, after the project checks."""
    items = [snapshots] if isinstance(snapshots, DeclarationSnapshot) else list(snapshots)
    if not items:
        raise IncompleteDataError("an ITMATT message needs at least one item")
    problems = Problems()
    for snap in items:
        check(snap, problems)
    problems.raise_if_any(IncompleteDataError, "ITMATT cannot be produced")
    created = created or max(s.created_at for s in items)
    attrs = (
        f' xmlns="{NS}" version="1" messageId="{escape_attr(message_id(items, created))}"'
        f' created="{escape_attr(created.isoformat(timespec="seconds"))}"'
    )
    if sender_operator:
        attrs += f' sender="{escape_attr(sender_operator)}"'
    if recipient_operator:
        attrs += f' recipient="{escape_attr(recipient_operator)}"'
    out = Writer()
    out.start("ITMATT", attrs)
    for snap in items:
        _item(out, snap)
    return out.to_bytes()


def build(
    snapshots: DeclarationSnapshot | Iterable[DeclarationSnapshot],
    *,
    created: datetime | None = None,
    sender_operator: str = "",
    recipient_operator: str = "",
    validate: bool = True,
    schema_dir: str | Path | None = None,
) -> bytes:
    """Serialised ITMATT (UTF-8, with XML declaration), validated against the project XSD.

    What is validated is the parse of exactly the bytes returned."""
    data = _write(
        snapshots,
        created=created,
        sender_operator=sender_operator,
        recipient_operator=recipient_operator,
    )
    if validate:
        xmlout.validate_built(xmlout.parse(data), schema(schema_dir), "ITMATT")
    return data


def schema(schema_dir: str | Path | None = None) -> etree.XMLSchema:
    return xsd.load_in(schema_dir or xsd.PROJECT_SCHEMA_DIR, SCHEMA_FILE)


def write_money(out: Writer, tag: str, amount, currency: str) -> None:
    """An amount with its currency attribute (also written by the CUSITM builder)."""
    text = escape_text(decimal_text(amount))
    out.parts.append(f'<{tag} currency="{escape_attr(currency)}">{text}</{tag}>')


def _item(out: Writer, snap: DeclarationSnapshot) -> None:
    o = snap.order
    cur = o.currency
    leaf = out.leaf
    out.start("Item")
    leaf("ItemId", o.item_id)
    leaf("Form", snap.form.form if snap.form else "CN23")
    out.start("Posting")
    if o.posting_office:
        leaf("Office", o.posting_office)
    leaf("Date", snap.created_at.date().isoformat())
    out.end()
    write_route_and_value(out, snap)
    if o.incoterm:
        leaf("Incoterm", o.incoterm)
    for tag, value in (
        ("LicenceNumber", o.licence_no),
        ("CertificateNumber", o.certificate_no),
        ("InvoiceNumber", o.invoice_no),
        ("Comments", o.comments),
    ):
        if value:
            leaf(tag, value)
    out.start("Sender")
    write_party(out, snap.sender)
    out.end()
    out.start("Addressee")
    write_party(out, snap.recipient)
    out.end()
    out.start("Contents")
    goods = o.category != "documents"
    for seq, line in enumerate(snap.lines, 1):
        out.start("Piece", f' seq="{seq}"')
        leaf("Description", line.description.strip())
        leaf("Quantity", decimal_text(line.quantity))
        leaf("NetWeightKg", decimal_text(line.net_weight_kg, 3, 12))
        write_money(out, "Value", line.total_value, cur)
        if goods or _HS.match(line.hs_code or ""):
            leaf("HsCode", line.hs_code)
        leaf("OriginCountry", line.origin_country)
        out.end()
    out.end()
    out.end()


def write_route_and_value(out: Writer, snap: DeclarationSnapshot) -> None:
    """Countries, mail class, category, gross weight and the item's amounts, in the order
    ITMATT and CUSITM both carry them."""
    o, leaf, cur = snap.order, out.leaf, snap.order.currency
    leaf("OriginCountry", snap.sender.country)
    leaf("DestinationCountry", snap.recipient.country)
    if o.mail_class:
        leaf("MailClass", o.mail_class)
    out.start("Category", f' code="{escape_attr(o.category)}"')
    if o.category_explanation:
        leaf("Explanation", o.category_explanation)
    out.end()
    leaf("GrossWeightKg", decimal_text(o.gross_weight_kg, 3, 12))
    write_money(out, "TotalValue", snap.goods_value, cur)
    write_money(out, "PostalCharges", o.shipping_cost, cur)
    if o.insurance_cost:
        write_money(out, "Insurance", o.insurance_cost, cur)


def write_party(out: Writer, party: Party) -> None:
    """A party's elements, as ITMATT and CUSITM both carry them."""
    leaf = out.leaf
    leaf("Name", party.name)
    if party.company:
        leaf("Company", party.company)
    for line in _address_lines(party.street):
        leaf("AddressLine", line)
    if party.postcode:
        leaf("Postcode", party.postcode)
    leaf("City", party.city)
    if party.state:
        leaf("State", party.state)
    leaf("Country", party.country)
    for tag, value in (("Phone", party.phone), ("Email", party.email), ("TaxId", party.tax_id)):
        if value:
            leaf(tag, value)
