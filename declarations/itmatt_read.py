"""Reading ITMATT messages received from partner posts, back into declaration snapshots.

The inverse of :mod:`declarations.itmatt`: a message from outside is parsed by the safe
parser (no DTD, no entities, bounded size), validated against the project's ITMATT schema,
and each item becomes a :class:`DeclarationSnapshot` of an import under the postal regime,
so every later step (the quote, the risk checks, the CUSITM) reads the same record the
project's own items use. The project checks of :func:`declarations.itmatt.check` run on
every item (S10 check digit, specific descriptions, HS codes for goods, weights); a message
is taken whole or refused whole, naming every problem.

A piece carries its total value; the snapshot line's unit value is that total divided by
the quantity (exact where the division is, else to 28 significant digits: the tax is
rounded to the fen after multiplying back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal

from lxml import etree

from declarations import itmatt, safexml, xsd
from declarations.errors import DeclarationError, Problems
from declarations.snapshot import DeclarationSnapshot, Line, Order, Party, SellerRegistration

MAX_FILE_BYTES = 10 * 1024 * 1024
_NS = f"{{{itmatt.NS}}}"
_FIVE_PLACES = Decimal("0.00001")


@dataclass(frozen=True, slots=True)
class Received:
    """A parsed ITMATT message: its id, creation time, sending and receiving operators, and
    one snapshot per item (in message order)."""

    message_id: str
    created: datetime
    sender: str
    recipient: str
    items: tuple[DeclarationSnapshot, ...]


def _text(el: etree._Element, tag: str) -> str:
    return (el.findtext(f"{_NS}{tag}") or "").strip()


def _money(el: etree._Element, tag: str) -> tuple[Decimal, str]:
    found = el.find(f"{_NS}{tag}")
    if found is None:
        return Decimal(0), ""
    return Decimal(found.text or "0"), found.get("currency", "")


def _party(el: etree._Element) -> Party:
    lines = [(a.text or "").strip() for a in el.findall(f"{_NS}AddressLine")]
    return Party(
        name=_text(el, "Name"),
        company=_text(el, "Company"),
        street="\n".join(lines),
        city=_text(el, "City"),
        postcode=_text(el, "Postcode"),
        state=_text(el, "State"),
        country=_text(el, "Country"),
        phone=_text(el, "Phone"),
        email=_text(el, "Email"),
        tax_id=_text(el, "TaxId"),
    )


def _unit_value(total: Decimal, quantity: Decimal) -> Decimal:
    value = total / quantity
    return value.normalize() if value * quantity == total else value


def _line(piece: etree._Element) -> tuple[Line, str]:
    quantity = Decimal(_text(piece, "Quantity"))
    value, currency = _money(piece, "Value")
    line = Line(
        sku="",
        description=_text(piece, "Description"),
        hs_code=_text(piece, "HsCode"),
        quantity=quantity,
        unit="piece",
        net_weight_kg=Decimal(_text(piece, "NetWeightKg")),
        unit_value=_unit_value(value, quantity),
        origin_country=_text(piece, "OriginCountry"),
    )
    return line, currency


def _places(value: Decimal) -> Decimal:
    """An amount to the schema's five decimals (how the sender wrote it)."""
    return value.quantize(_FIVE_PLACES)


def _posted_at(item: etree._Element, created: datetime) -> datetime:
    """The posting date as a time: midnight of that date in the message's offset."""
    day = datetime.fromisoformat(item.findtext(f"{_NS}Posting/{_NS}Date") or "").date()
    return datetime.combine(day, time(0), created.tzinfo or UTC)


def _item(item: etree._Element, created: datetime, sender: str, p: Problems) -> DeclarationSnapshot:
    item_id = _text(item, "ItemId")
    total, currency = _money(item, "TotalValue")
    charges, charges_cur = _money(item, "PostalCharges")
    insurance, insurance_cur = _money(item, "Insurance")
    pieces = [_line(el) for el in item.findall(f"{_NS}Contents/{_NS}Piece")]
    currencies = {currency, charges_cur, *(c for _, c in pieces)} | (
        {insurance_cur} if insurance_cur else set()
    )
    if len(currencies) > 1:
        p.add(f"{item_id}: amounts in more than one currency ({', '.join(sorted(currencies))})")
    lines = tuple(line for line, _ in pieces)
    category = item.find(f"{_NS}Category")
    order = Order(
        order_no=item_id,
        flow="import",
        regime="postal",
        currency=currency,
        ordered_at=_posted_at(item, created),
        item_id=item_id,
        shipping_cost=charges,
        insurance_cost=insurance,
        category=category.get("code", "") if category is not None else "",
        category_explanation=_text(category, "Explanation") if category is not None else "",
        gross_weight_kg=Decimal(_text(item, "GrossWeightKg")),
        invoice_no=_text(item, "InvoiceNumber"),
        licence_no=_text(item, "LicenceNumber"),
        certificate_no=_text(item, "CertificateNumber"),
        comments=_text(item, "Comments"),
        posting_office=item.findtext(f"{_NS}Posting/{_NS}Office") or "",
        mail_class=_text(item, "MailClass"),
    )
    snap = DeclarationSnapshot(
        order=order,
        sender=_party(item.find(f"{_NS}Sender")),
        recipient=_party(item.find(f"{_NS}Addressee")),
        lines=lines,
        seller=SellerRegistration(customs_code="", name=sender),
        created_at=created,
    )
    if _places(sum((ln.total_value for ln in lines), Decimal(0))) != _places(total):
        p.add(f"{item_id}: total value {total} is not the sum of the pieces' values")
    itmatt.check(snap, p)
    return snap


def parse(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> Received:
    """Read an ITMATT message from outside; raises :class:`DeclarationError` (unsafe,
    malformed, not valid against the schema, or items failing the checks) naming every
    problem found."""
    root = safexml.parse(data, max_bytes=max_bytes)
    xsd.validate(root, itmatt.schema(), "ITMATT message")
    created = datetime.fromisoformat(root.get("created", ""))
    if created.tzinfo is None:
        raise DeclarationError("ITMATT created time has no UTC offset", [root.get("created")])
    sender = root.get("sender", "")
    problems = Problems()
    items = tuple(_item(el, created, sender, problems) for el in root.findall(f"{_NS}Item"))
    seen: set[str] = set()
    for snap in items:
        if snap.order.item_id in seen:
            problems.add(f"{snap.order.item_id}: item listed twice")
        seen.add(snap.order.item_id)
    problems.raise_if_any(DeclarationError, "The ITMATT message has items that fail the checks")
    return Received(root.get("messageId", ""), created, sender, root.get("recipient", ""), items)
