"""UPU S10 item identifiers (DOMAIN.md §2).

An S10 id is 13 characters: a two-letter service indicator, an eight-digit serial, a
check digit, and the ISO 3166-1 alpha-2 code of the issuing operator, e.g.
``RR473124829GB``. The check digit is a weighted mod-11 sum over the serial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
RESERVED_FIRST_LETTERS = frozenset("JKSTW")
UNALLOCATED_FIRST_LETTERS = frozenset("FIOXY")
_PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


class S10Error(ValueError):
    """An identifier that is not a valid S10 id; the message says why."""


@dataclass(frozen=True, slots=True)
class S10Id:
    service: str
    serial: str
    check: int
    country: str

    def __str__(self) -> str:
        return f"{self.service}{self.serial}{self.check}{self.country}"

    @property
    def grouped(self) -> str:
        """Human-readable form printed under the barcode: ``RR 473 124 829 GB``."""
        digits = f"{self.serial}{self.check}"
        return f"{self.service} {digits[0:3]} {digits[3:6]} {digits[6:9]} {self.country}"


def check_digit(serial: str) -> int:
    """Check digit for an eight-digit serial: C = 11 - (S mod 11); 10 -> 0, 11 -> 5."""
    if len(serial) != 8 or not serial.isdigit():
        raise S10Error(f"serial must be 8 digits, got {serial!r}")
    total = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True))
    c = 11 - (total % 11)
    if c == 10:
        return 0
    if c == 11:
        return 5
    return c


def parse(value: str) -> S10Id:
    """Parse and fully validate an S10 id; raises :class:`S10Error` with the reason."""
    text = (value or "").strip().upper().replace(" ", "")
    m = _PATTERN.match(text)
    if not m:
        raise S10Error(
            "must be 2 letters, 8 digits, a check digit and a 2-letter country (e.g. RR473124829GB)"
        )
    service, serial, check, country = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    if service[0] in RESERVED_FIRST_LETTERS:
        raise S10Error(f"service indicator {service!r} starts with a reserved letter")
    expected = check_digit(serial)
    if check != expected:
        raise S10Error(f"check digit is {check}, expected {expected}")
    return S10Id(service, serial, check, country)


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except S10Error:
        return False
    return True


def warnings_for(value: str) -> list[str]:
    """Non-fatal remarks on a valid id (unallocated service letters)."""
    s = parse(value)
    if s.service[0] in UNALLOCATED_FIRST_LETTERS:
        return [f"service indicator {s.service!r} starts with an unallocated letter"]
    return []


def build(service: str, number: int, country: str) -> S10Id:
    """Make an id from a service indicator, a serial number (0..99,999,999) and a country."""
    service, country = service.upper(), country.upper()
    if not re.fullmatch(r"[A-Z]{2}", service) or service[0] in RESERVED_FIRST_LETTERS:
        raise S10Error(f"invalid service indicator {service!r}")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise S10Error(f"invalid country {country!r}")
    if not 0 <= number <= 99_999_999:
        raise S10Error(f"serial {number} outside 0..99999999")
    serial = f"{number:08d}"
    return S10Id(service, serial, check_digit(serial), country)
