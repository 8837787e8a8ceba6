"""UPU S9 postal receptacle identifiers: 29 characters, built, read and checked here.

Layout (1-based positions; /work/notes/research/posts.md §1.2 gives the source of each):

====== ==== =============================================================================
pos    len  field
====== ==== =============================================================================
1-6    6    origin office of exchange (IMPC code, :mod:`declarations.impc`)
7-12   6    destination office of exchange (IMPC code), not the origin
13     1    mail category A, B, C or D (code list 115)
14-15  2    mail subclass (code list 117); its first letter is the mail class
16     1    last digit of the despatch year
17-20  4    despatch serial number 0001-9999
21-23  3    receptacle serial number 001-999 within the despatch
24     1    highest-numbered (last) receptacle indicator: 0, 1 or 9
25     1    registered/insured indicator: 0 none, 1 holds such items, 9 no information
26-29  4    gross weight in units of 0.1 kg (0002 = 0.2 kg, at most 999.9 kg)
====== ==== =============================================================================

Sources: TagTrak's decoded example ``USJFKK AUSYDX A CB 7 0089 045 1 0 0002`` (weight "in
0.1 Kg increments"), IBS iCargo's checks (field lengths, "HNI can be either 0,1 or 9",
"RI can be either 0,1 or 9", origin and destination differ), the Sweden Post paper to the
UPU POC (2003) for the meanings of position 25 and for position 24 being "the last
receptacle indicator". S9 has no check digit: every position is a data field.

Choices of the project (the S9 text itself is sold by the UPU and was not read):

* the meanings 1 = last, 0 = not last, 9 = no information for position 24 are taken by
  analogy with position 25;
* serial numbers 0000 and 000 are refused (iCargo test data shows ``000``; a despatch and
  its receptacles are numbered from 1);
* the weight is the receptacle's gross weight rounded half-up to 0.1 kg;
* the first 20 characters are the despatch identifier (UPU S8), shared by every receptacle
  of a despatch, exactly one of which carries position 24 = 1: the highest-numbered.

Every refusal is an :class:`S9Error` with a ``reason`` code from :data:`REASONS`, the field
it is about and a message with the offending value.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from declarations import impc, mail_codes

LENGTH = 29
DESPATCH_ID_LENGTH = 20
INDICATORS = ("0", "1", "9")
MAX_WEIGHT_KG = Decimal("999.9")
_TENTH = Decimal("0.1")

#: Every reason a receptacle identifier is refused, and what it means.
REASONS = {
    "length": "an S9 identifier is exactly 29 characters",
    "office_format": "positions 1-6 and 7-12 are IMPC codes (" + impc.FORMAT + ")",
    "unknown_office": "the office is not an open office of exchange in the office table",
    "same_office": "origin and destination offices of exchange differ",
    "bad_category": "position 13 is a mail category: A, B, C or D",
    "bad_subclass": "positions 14-15 are a mail subclass of code list 117",
    "bad_year": "position 16 is the last digit of the despatch year",
    "year_mismatch": "position 16 equals the last digit of the despatch year",
    "bad_despatch_number": "positions 17-20 are the despatch number 0001-9999",
    "bad_receptacle_serial": "positions 21-23 are the receptacle serial number 001-999",
    "bad_last_flag": "position 24 (last receptacle) is 0, 1 or 9",
    "bad_registered_flag": "position 25 (registered/insured) is 0, 1 or 9",
    "bad_weight": "positions 26-29 are the weight in 0.1 kg, four digits",
    "weight_range": "the weight is 0.0 to 999.9 kg",
    "weight_mismatch": "the weight equals the receptacle's gross weight rounded to 0.1 kg",
    "mixed_despatch": "all receptacles of a despatch share positions 1-20",
    "duplicate_serial": "each receptacle of a despatch has its own serial number",
    "last_flag": "exactly one receptacle of a despatch, the highest-numbered, is the last",
}


class S9Error(ValueError):
    """A refused receptacle identifier: ``reason`` (a key of :data:`REASONS`), ``field``."""

    def __init__(self, reason: str, field: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.field, self.message = reason, field, message


@dataclass(frozen=True, slots=True)
class ReceptacleId:
    origin: str
    destination: str
    category: str
    subclass: str
    year_digit: int
    despatch_number: int
    serial: int
    last: str
    registered: str
    weight_hg: int

    def __str__(self) -> str:
        return (
            f"{self.despatch_id}{self.serial:03d}{self.last}{self.registered}{self.weight_hg:04d}"
        )

    @property
    def despatch_id(self) -> str:
        """Positions 1-20: the despatch this receptacle belongs to (UPU S8)."""
        return (
            f"{self.origin}{self.destination}{self.category}{self.subclass}"
            f"{self.year_digit}{self.despatch_number:04d}"
        )

    @property
    def mail_class(self) -> str:
        return self.subclass[0]

    @property
    def weight_kg(self) -> Decimal:
        return (Decimal(self.weight_hg) * _TENTH).quantize(_TENTH)

    @property
    def is_last(self) -> bool:
        return self.last == "1"

    @property
    def is_registered(self) -> bool:
        return self.registered == "1"

    @property
    def grouped_despatch(self) -> str:
        """The despatch identifier with its fields apart: ``USJFKK AUSYDX A CB 7 0089``."""
        return (
            f"{self.origin} {self.destination} {self.category} {self.subclass} {self.year_digit}"
            f" {self.despatch_number:04d}"
        )

    @property
    def grouped(self) -> str:
        """The fields apart, as printed under the barcode and in TagTrak's example:
        ``USJFKK AUSYDX A CB 7 0089 045 1 0 0002``."""
        return (
            f"{self.grouped_despatch} {self.serial:03d} {self.last} {self.registered}"
            f" {self.weight_hg:04d}"
        )


_DIGITS = re.compile(r"^\d+$")
_SUBCLASS = re.compile(r"^[A-Z0-9]{2}$")


def _refuse(reason: str, field: str, detail: str) -> S9Error:
    return S9Error(reason, field, f"{detail}: {REASONS[reason]}")


def _number(text: str, reason: str, field: str, low: int) -> int:
    if not _DIGITS.match(text) or int(text) < low:
        raise _refuse(reason, field, f"{field} {text!r}")
    return int(text)


def _flag(text: str, reason: str, field: str) -> str:
    if text not in INDICATORS:
        raise _refuse(reason, field, f"{field} {text!r}")
    return text


def parse(value: str) -> ReceptacleId:
    """Read a 29-character identifier (spaces between the fields are allowed) and check
    its form: every rule that needs no office table, date or weighing. Raises
    :class:`S9Error` with the first field that is wrong, left to right."""
    text = (value or "").replace(" ", "")
    if len(text) != LENGTH:
        raise _refuse("length", "s9", f"{len(text)} characters")
    origin, destination = text[0:6], text[6:12]
    for field, code in (("origin", origin), ("destination", destination)):
        if not impc.is_impc(code):
            raise _refuse("office_format", field, f"{field} {code!r}")
    if origin == destination:
        raise _refuse("same_office", "destination", f"both are {origin}")
    if text[12] not in mail_codes.load().categories:
        raise _refuse("bad_category", "category", f"category {text[12]!r}")
    if not _SUBCLASS.match(text[13:15]):
        raise _refuse("bad_subclass", "subclass", f"subclass {text[13:15]!r}")
    return ReceptacleId(
        origin=origin,
        destination=destination,
        category=text[12],
        subclass=text[13:15],
        year_digit=_number(text[15], "bad_year", "year", 0),
        despatch_number=_number(text[16:20], "bad_despatch_number", "despatch_number", 1),
        serial=_number(text[20:23], "bad_receptacle_serial", "serial", 1),
        last=_flag(text[23], "bad_last_flag", "last"),
        registered=_flag(text[24], "bad_registered_flag", "registered"),
        weight_hg=_number(text[25:29], "bad_weight", "weight", 0),
    )


def weight_units(weight_kg: Decimal) -> int:
    """The weight field for a gross weight in kg: tenths of a kg, rounded half-up."""
    tenths = (Decimal(weight_kg) / _TENTH).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if tenths < 0 or tenths > 9999:
        raise _refuse("weight_range", "weight", f"{weight_kg} kg")
    return int(tenths)


def build(
    *,
    origin: str,
    destination: str,
    category: str,
    subclass: str,
    year: int,
    despatch_number: int,
    serial: int,
    weight_kg: Decimal,
    last: bool = False,
    registered: bool = False,
) -> ReceptacleId:
    """The identifier of these fields, checked by the same rules as :func:`parse` (a
    number too large for its positions is refused as the field it belongs to)."""
    fields = (
        (despatch_number, 9999, "bad_despatch_number", "despatch_number"),
        (serial, 999, "bad_receptacle_serial", "serial"),
    )
    for number, highest, reason, field in fields:
        if not 1 <= number <= highest:
            raise _refuse(reason, field, f"{field} {number}")
    text = (
        f"{origin}{destination}{category}{subclass}{year % 10}{despatch_number:04d}"
        f"{serial:03d}{'1' if last else '0'}{'1' if registered else '0'}"
        f"{weight_units(weight_kg):04d}"
    )
    return parse(text)


def verify(
    rid: ReceptacleId,
    *,
    offices: Container[str] | None = None,
    subclasses: Container[str] | None = None,
    despatch_year: int | None = None,
    weight_kg: Decimal | None = None,
) -> None:
    """The rules that need context: ``offices`` (the codes open on the despatch date),
    the subclass table (code list 117 by default), the despatch year, the weighed gross
    weight. A context left out is not checked."""
    if offices is not None:
        for field, code in (("origin", rid.origin), ("destination", rid.destination)):
            if code not in offices:
                raise _refuse("unknown_office", field, f"{field} {code}")
    known = mail_codes.load().subclasses if subclasses is None else subclasses
    if rid.subclass not in known:
        raise _refuse("bad_subclass", "subclass", f"subclass {rid.subclass!r}")
    if despatch_year is not None and rid.year_digit != despatch_year % 10:
        raise _refuse("year_mismatch", "year", f"year digit {rid.year_digit}, year {despatch_year}")
    if weight_kg is not None and rid.weight_hg != weight_units(weight_kg):
        raise _refuse(
            "weight_mismatch", "weight", f"{rid.weight_kg} kg in the id, weighed {weight_kg} kg"
        )


def check_despatch(ids: Sequence[ReceptacleId]) -> None:
    """The rules over the receptacles of one despatch: one despatch identifier, distinct
    serial numbers, and the last-receptacle flag on the highest-numbered one only."""
    if not ids:
        return
    first = ids[0].despatch_id
    for rid in ids:
        if rid.despatch_id != first:
            raise _refuse("mixed_despatch", "despatch", f"{rid.despatch_id} beside {first}")
    serials = [rid.serial for rid in ids]
    repeated = sorted({s for s in serials if serials.count(s) > 1})
    if repeated:
        raise _refuse("duplicate_serial", "serial", f"serials {repeated} repeat")
    last = [rid for rid in ids if rid.is_last]
    highest = max(serials)
    if len(last) != 1 or last[0].serial != highest:
        flagged = [f"{rid.serial:03d}" for rid in last] or "none"
        raise _refuse("last_flag", "last", f"flagged {flagged}, highest {highest:03d}")
