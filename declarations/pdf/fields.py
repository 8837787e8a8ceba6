"""What the forms print, as strings, derived once from a declaration snapshot.

Why a separate step: CN23, CN22 and the address label print the same facts (parties,
articles, totals, category, references); formatting them in one place keeps the three
documents consistent and lets the drawing code deal with geometry only. Everything here is a
pure function of the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from declarations.snapshot import DeclarationSnapshot, Party

#: Box 10 categories in the order the UPU form prints them.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("gift", "Gift"),
    ("commercial_sample", "Commercial sample"),
    ("documents", "Documents"),
    ("returned_goods", "Returned goods"),
    ("sale_of_goods", "Sale of goods"),
    ("other", "Other"),
)

STATEMENT = (
    "I certify that the particulars given in this customs declaration are correct and that "
    "this item does not contain any dangerous article or articles prohibited by legislation "
    "or by postal or customs regulations."
)


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def kg(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """Quantities without trailing zeros or exponent: 2, 1.5, 100."""
    text = format(value.normalize(), "f")
    return text


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """``Germany (DE)``; the code alone when it is not an ISO 3166 code."""
    if not code:
        return ""
    try:
        import pycountry

        found = pycountry.countries.get(alpha_2=code.upper())
    except (ImportError, LookupError, KeyError):
        found = None
    name = getattr(found, "common_name", None) or getattr(found, "name", None)
    return f"{name} ({code.upper()})" if name else code.upper()


def party_lines(party: Party) -> tuple[str, ...]:
    """Name, business, street, postcode + city + state, country — one per line, empty ones
    left out."""
    city = " ".join(p for p in (party.postcode, party.city) if p)
    lines = (
        party.name,
        party.company,
        party.street,
        city,
        party.state,
        country_name(party.country),
    )
    return tuple(line for line in lines if line)


@dataclass(frozen=True, slots=True)
class Article:
    """One article line as printed."""

    description: str
    quantity: str
    net_weight: str
    value: str
    hs_code: str
    origin: str


@dataclass(frozen=True, slots=True)
class FormFields:
    """Every printed value of the customs forms, as text."""

    item_id: str
    operator: str
    sender: tuple[str, ...]
    sender_contact: str
    sender_reference: str
    recipient: tuple[str, ...]
    recipient_contact: str
    importer_reference: str
    articles: tuple[Article, ...]
    currency: str
    total_gross_weight: str
    total_net_weight: str
    total_value: str
    postal_charges: str
    category: str
    category_explanation: str
    comments: str
    licence: str
    certificate: str
    invoice: str
    office_of_origin: str
    posting_date: str
    signature_date: str
    signatory: str
    mail_class: str


def _contact(party: Party) -> str:
    return "  ".join(p for p in (party.phone, party.email) if p)


def _description(line_description: str, local: str) -> str:
    """English description first, then the local-language one when it says something else."""
    if local and local != line_description:
        return f"{line_description} / {local}" if line_description else local
    return line_description


def _iso(d: date) -> str:
    return d.isoformat()


def form_fields(snapshot: DeclarationSnapshot) -> FormFields:
    """The printed values of ``snapshot``."""
    order = snapshot.order
    articles = tuple(
        Article(
            description=_description(line.description, line.description_local),
            quantity=quantity(line.quantity),
            net_weight=kg(line.net_weight_kg),
            value=money(line.total_value),
            hs_code=line.hs_code,
            origin=line.origin_country.upper(),
        )
        for line in snapshot.lines
    )
    net = snapshot.net_weight_kg
    gross = order.gross_weight_kg if order.gross_weight_kg > 0 else net
    charges = order.shipping_cost + order.insurance_cost
    operator = snapshot.logistics.name if snapshot.logistics else ""
    filing = snapshot.filing
    posting = snapshot.created_at.date()
    return FormFields(
        item_id=order.item_id,
        operator=operator,
        sender=party_lines(snapshot.sender),
        sender_contact=_contact(snapshot.sender),
        sender_reference=snapshot.sender.tax_id,
        recipient=party_lines(snapshot.recipient),
        recipient_contact=_contact(snapshot.recipient),
        importer_reference=snapshot.recipient.tax_id,
        articles=articles,
        currency=order.currency,
        total_gross_weight=kg(gross),
        total_net_weight=kg(net),
        total_value=money(snapshot.goods_value),
        postal_charges=money(charges) if charges else "",
        category=order.category,
        category_explanation=order.category_explanation,
        comments=order.comments,
        licence=order.licence_no or filing.licence_no,
        certificate=order.certificate_no,
        invoice=order.invoice_no,
        office_of_origin=order.posting_office,
        posting_date=_iso(posting),
        signature_date=_iso(posting),
        signatory=snapshot.sender.name,
        mail_class=order.mail_class,
    )
