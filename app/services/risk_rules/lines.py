"""Per-line checks on the frozen snapshot: HS code length for CEB filings, description
against the heading's wording, restricted or prohibited goods for the route."""

from __future__ import annotations

from datetime import date

from declarations.snapshot import DeclarationSnapshot
from tariff_tables import nomenclature, restrictions

from . import wording
from .record import Risk

CEB_CODE_LENGTHS = (8, 10)
CEB_CODE_SOURCE = (
    "China Customs CEB 202205 message schemas (ceb-import.xsd, ceb-export.xsd): the inventory "
    "line's gcode is the China customs commodity code (商品编码), 8-digit tariff line plus the "
    "statistical digits"
)


def is_ceb_filing(snapshot: DeclarationSnapshot) -> bool:
    """Imports into China under CBEC and exports from China are filed as CEB messages."""
    return snapshot.order.regime == "cbec"


def hs_needs_10_digits(snapshot: DeclarationSnapshot) -> list[Risk]:
    """A CEB inventory line needs the China commodity code, not a 6-digit HS subheading."""
    if not is_ceb_filing(snapshot):
        return []
    risks = []
    for n, line in enumerate(snapshot.lines):
        digits = nomenclature.normalise(line.hs_code)
        if len(digits) in CEB_CODE_LENGTHS:
            continue
        risks.append(
            Risk(
                code="hs_needs_10_digits",
                severity="blocking",
                field=f"items.{n}.hs_code",
                message=f"HS code {digits} needs an 8/10-digit China commodity code",
                explanation=(
                    f"Line {n + 1} ({line.description}) is declared under {digits}, "
                    f"{len(digits)} digits; a CEB filing names the China commodity code of "
                    f"8 or 10 digits. Amend items.{n}.hs_code."
                ),
                source=CEB_CODE_SOURCE,
            )
        )
    return risks


def hs_wording(snapshot: DeclarationSnapshot) -> list[Risk]:
    """A description that shares no word with its HS heading's wording (a warning)."""
    risks = []
    for n, line in enumerate(snapshot.lines):
        found = wording.match(line.description, line.hs_code)
        if found.plausible:
            continue
        risks.append(
            Risk(
                code="hs_wording",
                severity="warning",
                field=f"items.{n}.description",
                message=(
                    f"'{line.description}' does not match the wording of HS heading {found.heading}"
                ),
                explanation=(
                    f"None of the words compared ({', '.join(found.compared)}) appears in "
                    f"the wording of heading {found.heading} or its subheadings: "
                    f"'{found.heading_text}'. Check the description or the HS code."
                ),
                source=nomenclature.SOURCE,
            )
        )
    return risks


def restricted_goods(snapshot: DeclarationSnapshot, channel: str, on: date) -> list[Risk]:
    """Lines whose HS code falls under a restriction of the route (origin → destination)."""
    risks = []
    for n, line in enumerate(snapshot.lines):
        hits = restrictions.goods_restrictions(
            line.hs_code,
            origin=snapshot.sender.country,
            destination=snapshot.recipient.country,
            channel=channel,
            on=on,
        )
        for row, prefix in hits:
            risks.append(
                Risk(
                    code="restricted_goods",
                    severity=row.severity,
                    field=f"items.{n}.hs_code",
                    message=(
                        f"{row.kind.capitalize()} goods ({row.category}) from "
                        f"{snapshot.sender.country} to {snapshot.recipient.country}: "
                        f"{line.description}"
                    ),
                    explanation=(
                        f"HS {nomenclature.normalise(line.hs_code)} falls under {prefix} "
                        f"(rule {row.id}, in force from {row.valid_from.isoformat()}): "
                        f"{row.rule}"
                    ),
                    source=row.source,
                )
            )
    return risks
