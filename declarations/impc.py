"""Office-of-exchange codes: the six-character IMPC codes of UPU standard S34 (code list 108).

An IMPC (international mail processing centre) code is a two-letter country code, a
three-letter location (an IATA-style city or airport code: BJS, FRA, WAW) and a qualifier
that tells apart the offices of one location, e.g. ``CNBJSA`` BEIJING and ``CNBJSD``
BEIJING EMS. The qualifier carries no standard meaning; the operator assigns it.

Sources: UPU "International Mail Processing Centres" page (code lists 108, 108a, 108b;
S34), the USPS Mail.dat guide v19.0 table B-14, which splits the code into country,
location and "OE qualifier", and the Russian Letter Post Regulations ("six-character IMPC
codes"); see /work/notes/research/posts.md §2. The country part is checked for its form
here only: UPU also assigns codes outside ISO 3166 (XZ, ZZ), so whether a code is a real
office is a question for the office table (code list 108b), not for this rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^([A-Z]{2})([A-Z]{3})([A-Z0-9])$")

#: What an IMPC code looks like, for error messages and the OpenAPI document.
FORMAT = "2-letter country, 3-letter location and a letter or digit qualifier, e.g. CNBJSA"
PATTERN = _PATTERN.pattern


class ImpcError(ValueError):
    """Not an IMPC code; the message says why."""


@dataclass(frozen=True, slots=True)
class Impc:
    country: str
    location: str
    qualifier: str

    def __str__(self) -> str:
        return f"{self.country}{self.location}{self.qualifier}"


def parse(value: str) -> Impc:
    """The code's three parts; raises :class:`ImpcError` unless ``value`` has the form."""
    m = _PATTERN.match(value or "")
    if m is None:
        raise ImpcError(f"{value!r} is not an IMPC code ({FORMAT})")
    return Impc(*m.groups())


def is_impc(value: str) -> bool:
    return _PATTERN.match(value or "") is not None
