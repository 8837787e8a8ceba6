"""Tax and customs identifiers the destination needs, present and well-formed.

Which identifier, on which field and when comes from the dated table
(``tariff_tables.restrictions.tax_id_requirements``); the format and check digits from
``declarations.taxids``.
"""

from __future__ import annotations

from datetime import date

from declarations import taxids
from declarations.snapshot import DeclarationSnapshot
from tariff_tables.restrictions import TaxIdRequirement, tax_id_requirements

from .record import Risk

LABELS = {
    "eu_ioss": "EU IOSS number",
    "eu_eori": "EORI number",
    "br_cpf": "CPF",
    "cn_resident_id": "buyer's resident identity number",
    "kr_pccc": "personal customs clearance code (PCCC)",
}


def _value(snapshot: DeclarationSnapshot, field: str) -> str:
    party, attr = field.split(".")
    if party == "sender":
        holder = snapshot.sender
    elif attr == "id_number":
        holder = snapshot.buyer_party  # the buyer (订购人) of a CBEC import
    else:
        holder = snapshot.recipient
    return getattr(holder, attr) or ""


def _applies(row: TaxIdRequirement, snapshot: DeclarationSnapshot, collects_vat: bool) -> bool:
    if row.when == "seller_collects_vat":
        return collects_vat or taxids.compact(snapshot.sender.tax_id).startswith("IM")
    if row.when == "recipient_company":
        return bool(snapshot.recipient.company)
    if row.when == "cbec_import":
        return snapshot.order.flow == "import" and snapshot.order.regime == "cbec"
    return True


def _risk(row: TaxIdRequirement, severity: str, message: str, why: str) -> Risk:
    return Risk(
        code="missing_tax_id",
        severity=severity,
        field=row.field,
        message=message,
        explanation=f"{why} Rule {row.id} (from {row.valid_from.isoformat()}): {row.rule}",
        source=row.source,
    )


def missing_tax_id(snapshot: DeclarationSnapshot, collects_vat: bool, on: date) -> list[Risk]:
    """Identifiers the destination needs that are absent or malformed.

    ``collects_vat``: the seller collected the destination's VAT at checkout (the order's
    ``seller_collects_vat``), which makes the IOSS number necessary.
    """
    country = snapshot.recipient.country
    risks = []
    for row in tax_id_requirements(destination=country, flow=snapshot.order.flow, on=on):
        if not _applies(row, snapshot, collects_vat):
            continue
        label, value = LABELS.get(row.id_kind, row.id_kind), _value(snapshot, row.field)
        if not value.strip():
            why = f"{row.field} is empty."
            risks.append(_risk(row, row.missing, f"{label} missing for {country}", why))
            continue
        problem = taxids.CHECKS[row.id_kind](value)
        if problem:
            why = f"{row.field} holds '{value}': {problem}."
            risks.append(_risk(row, row.invalid, f"{label} for {country} is not valid", why))
    return risks
