"""Despatches of receptacles on a transport leg: the records the documents are built from,
and the rules of the postal channel that are not about the S9 identifier itself.

A *despatch* is the set of receptacles one office of exchange sends another at one time,
sharing origin, destination, mail category, class, subclass, year and despatch number (UPU,
"PREDES and RESDES message exchanges", 2019); it travels on one transport leg. The delivery
bill that goes with it is the CN 38 for air mail, the CN 41 for S.A.L. (surface air lifted)
mail and the CN 37 for surface mail by road, rail or sea (DOMAIN.md §8; the UPU Letter Post
Regulations article "preparing and checking delivery bills CN 37, CN 38 or CN 41").

The records here are plain frozen values: :mod:`declarations.predes`, the delivery bill and
the receptacle label are pure functions of a :class:`Despatch`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from declarations import mail_codes
from declarations.s9 import ReceptacleId

MODES = ("air", "rail", "road", "sea")

#: Which transport modes carry each mail category. A (priority/air) and B (S.A.L., surface
#: mail lifted by air on space available) fly; C (surface) and D (priority by surface) go
#: by road, rail or sea (code list 115 meanings, /work/notes/research/posts.md §7).
CATEGORY_MODES: dict[str, tuple[str, ...]] = {
    "A": ("air",),
    "B": ("air",),
    "C": ("rail", "road", "sea"),
    "D": ("rail", "road", "sea"),
}

#: The delivery bill of each mail category (DOMAIN.md §8).
BILL_FORMS = {"A": "CN38", "B": "CN41", "C": "CN37", "D": "CN37"}
BILL_TITLES = {
    "CN38": "Delivery bill - air mails",
    "CN41": "Delivery bill - surface airlifted (S.A.L.) mails",
    "CN37": "Delivery bill - surface mails",
}


@dataclass(frozen=True, slots=True)
class LegFields:
    """What a transport leg of one mode states besides its departure: ``required`` and
    ``optional`` field names, each a key of :data:`FIELD_RULES`."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.required + self.optional


#: The fields of a leg per mode (research notes §4.2: flight and airports for air; train,
#: wagon or container, seal and CIM/SMGS consignment note for rail; truck and seal for road;
#: vessel and voyage for sea).
LEG_FIELDS: dict[str, LegFields] = {
    "air": LegFields(
        ("flight",),
        ("airport_of_loading", "airport_of_transhipment", "airport_of_unloading", "air_waybill"),
    ),
    "rail": LegFields(("train", "wagon"), ("seal", "consignment_note")),
    "road": LegFields(("truck",), ("seal",)),
    "sea": LegFields(("vessel", "voyage"), ("port_of_loading", "port_of_discharge")),
}

#: Every leg field: its printed caption and the form its value must have.
_FREE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,34}$")
FIELD_RULES: dict[str, tuple[str, re.Pattern[str], str]] = {
    "flight": (
        "Flight",
        re.compile(r"^([A-Z0-9]{2}|[A-Z]{3})\d{1,4}[A-Z]?$"),
        "an airline designator (2 characters, or 3 letters) and a 1-4 digit number, e.g. CA931",
    ),
    "airport_of_loading": ("Airport of loading", re.compile(r"^[A-Z]{3}$"), "a 3-letter code"),
    "airport_of_transhipment": (
        "Airport of transhipment",
        re.compile(r"^[A-Z]{3}$"),
        "a 3-letter code",
    ),
    "airport_of_unloading": (
        "Airport of unloading",
        re.compile(r"^[A-Z]{3}$"),
        "a 3-letter code",
    ),
    "air_waybill": ("Air waybill", re.compile(r"^\d{3}-?\d{8}$"), "3 digits and 8 digits"),
    "train": ("Train", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "wagon": ("Wagon / container", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "seal": ("Seal", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "consignment_note": ("CIM/SMGS note", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "truck": ("Truck", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "vessel": ("Vessel", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "voyage": ("Voyage", _FREE, "up to 35 letters, digits, spaces, . / -"),
    "port_of_loading": ("Port of loading", re.compile(r"^[A-Z]{5}$"), "a 5-letter UN/LOCODE"),
    "port_of_discharge": (
        "Port of discharge",
        re.compile(r"^[A-Z]{5}$"),
        "a 5-letter UN/LOCODE",
    ),
}


def leg_problems(mode: str, fields: Mapping[str, str]) -> dict[str, list[str]]:
    """What is wrong with a leg's ``fields`` (besides mode and times) by field name: a
    required field missing, a field of another mode, a value of the wrong form."""
    leg = LEG_FIELDS[mode]
    problems: dict[str, list[str]] = {}
    for name in leg.required:
        if not fields.get(name):
            problems[name] = [f"required for a {mode} leg"]
    for name, value in fields.items():
        if name not in leg.names:
            modes = [m for m, f in LEG_FIELDS.items() if name in f.names]
            where = f"a field of {' and '.join(modes)} legs" if modes else "not a leg field"
            problems[name] = [f"{where}; a {mode} leg takes {', '.join(leg.names)}"]
        elif value:
            _, pattern, form = FIELD_RULES[name]
            if not pattern.match(value):
                problems[name] = [f"{value!r} is not {form}"]
    return problems


def category_problem(category: str, mode: str) -> str | None:
    """Why mail of ``category`` cannot travel on a ``mode`` leg, or None."""
    modes = CATEGORY_MODES.get(category, ())
    if mode in modes:
        return None
    name = mail_codes.load().categories[category].name if category in CATEGORY_MODES else ""
    return f"category {category} ({name}) travels by {' or '.join(modes)}, not by {mode}"


# -- weights ---------------------------------------------------------------------------------

#: How far a receptacle's weighed gross weight may lie from its parcels' declared gross
#: weights plus the empty receptacle (tare): the larger of 0.1 kg (the resolution of the S9
#: weight) and 1 % of the expected weight (scales and sellers' declared weights differ by a
#: few grams a parcel). A choice of the project, not a UPU figure.
WEIGHT_TOLERANCE_KG = Decimal("0.1")
WEIGHT_TOLERANCE_SHARE = Decimal("0.01")


def weight_tolerance(expected_kg: Decimal) -> Decimal:
    return max(WEIGHT_TOLERANCE_KG, expected_kg * WEIGHT_TOLERANCE_SHARE)


def weight_problem(declared_kg: Decimal, contents_kg: Decimal, tare_kg: Decimal) -> str | None:
    """Why a declared receptacle weight does not add up, or None when it does."""
    expected = contents_kg + tare_kg
    allowed = weight_tolerance(expected)
    if abs(declared_kg - expected) <= allowed:
        return None
    return (
        f"{_kg(declared_kg)} kg declared, but the parcels weigh {_kg(contents_kg)} kg and the "
        f"empty receptacle {_kg(tare_kg)} kg: {_kg(expected)} kg, more than {_kg(allowed)} kg apart"
    )


def _kg(value: Decimal) -> str:
    """A weight without trailing zeros or an exponent: 3.600 -> 3.6, 30.00 -> 30."""
    return format(value.normalize(), "f")


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Office:
    code: str
    name: str
    operator_code: str = ""
    operator_name: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True, slots=True)
class Transport:
    """The leg: mode, planned departure (and arrival) with their offsets, the mode's fields
    (:data:`LEG_FIELDS`) and, for rail, the border crossing of the lane."""

    mode: str
    departure: datetime
    fields: Mapping[str, str] = field(default_factory=dict)
    arrival: datetime | None = None
    border_crossing: str = ""
    carrier: str = ""

    def items(self) -> list[tuple[str, str]]:
        """(caption, value) of every field given, in the order of :data:`LEG_FIELDS`."""
        names = LEG_FIELDS[self.mode].names
        out = [(FIELD_RULES[n][0], self.fields[n]) for n in names if self.fields.get(n)]
        if self.border_crossing:
            out.append(("Border crossing", self.border_crossing))
        return out


@dataclass(frozen=True, slots=True)
class Item:
    """A postal item in a receptacle and the ITMATT message that describes it."""

    item_id: str
    gross_weight_kg: Decimal
    itmatt_message_id: str = ""
    itmatt_sha256: str = ""
    itmatt_file: str = ""


@dataclass(frozen=True, slots=True)
class Receptacle:
    s9: ReceptacleId
    items: tuple[Item, ...]
    tare_kg: Decimal | None = None

    @property
    def gross_weight_kg(self) -> Decimal:
        return self.s9.weight_kg


@dataclass(frozen=True, slots=True)
class Despatch:
    """A closed despatch: its offices, receptacles (in serial order), leg and closing
    time (aware; documents show it at the origin office's offset)."""

    origin: Office
    destination: Office
    year: int
    receptacles: tuple[Receptacle, ...]
    transport: Transport
    closed_at: datetime
    lane: str = ""

    @property
    def first(self) -> ReceptacleId:
        return self.receptacles[0].s9

    @property
    def despatch_id(self) -> str:
        return self.first.despatch_id

    @property
    def category(self) -> str:
        return self.first.category

    @property
    def subclass(self) -> str:
        return self.first.subclass

    @property
    def number(self) -> int:
        return self.first.despatch_number

    @property
    def form(self) -> str:
        return BILL_FORMS[self.category]

    @property
    def items(self) -> int:
        return sum(len(r.items) for r in self.receptacles)

    @property
    def gross_weight_kg(self) -> Decimal:
        return sum((r.gross_weight_kg for r in self.receptacles), Decimal("0.0"))
