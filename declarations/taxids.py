"""Tax and customs identifiers on a declaration: their formats and check digits.

Pure functions. Each ``check_*`` returns ``None`` for a well-formed identifier, else one
sentence saying what is wrong, so a caller can put it on a field of the error envelope or
explain a risk. Where the issuing authority publishes no check algorithm (EU IOSS, Korean
PCCC) only the format is checked; a number that passes may still not be registered.

Sources:

* China resident identity number (公民身份号码): GB 11643-1999 — 6-digit address code,
  8-digit birth date, 3-digit sequence, check character by ISO 7064 MOD 11-2 (weights
  ``2^(18-i) mod 11``; remainder → ``10X98765432``). Worked examples ``11010519491231002X``,
  ``440524188001010014``.
* Brazil CPF: 11 digits, two mod-11 check digits over weights 10..2 and 11..2 (remainder < 2
  → 0, else 11 − remainder); eleven equal digits are not issued. Worked example
  ``111.444.777-35``.
* EU IOSS VAT identification number: ``IM`` + 10 digits (IMxxxyyyyyyz; the check-digit
  algorithm is not public).
* EU EORI: the ISO 3166 alpha-2 code of the issuing country + up to 15 letters or digits.
* Korea PCCC (개인통관고유부호): ``P`` + 12 digits (year of issue, assigned number, a check
  character whose algorithm is not published).
"""

from __future__ import annotations

import re
from datetime import date

import pycountry

_SPACING = re.compile(r"[\s.\-/]")

_CN_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CN_CHECK = "10X98765432"
_CN_ID = re.compile(r"^\d{17}[\dX]$")
_IOSS = re.compile(r"^IM\d{10}$")
_EORI = re.compile(r"^([A-Z]{2})[A-Z0-9]{1,15}$")
_PCCC = re.compile(r"^P\d{12}$")


def compact(value: str | None) -> str:
    """The identifier without the spaces, dots, dashes and slashes people write in it,
    upper-cased (``111.444.777-35`` → ``11144477735``)."""
    return _SPACING.sub("", value or "").upper()


def cn_resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident id."""
    total = sum(int(d) * w for d, w in zip(first17, _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11]


def check_cn_resident_id(value: str | None) -> str | None:
    """GB 11643-1999 18-character resident identity number."""
    text = compact(value)
    if not _CN_ID.match(text):
        return "a resident identity number has 17 digits and a check digit or X"
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return f"digits 7-14 ({text[6:14]}) are not a birth date"
    expected = cn_resident_id_check_char(text[:17])
    if text[17] != expected:
        return f"check character {text[17]} is wrong (ISO 7064 MOD 11-2 gives {expected})"
    return None


def _cpf_digit(digits: str) -> str:
    weight = len(digits) + 1
    remainder = sum(int(d) * (weight - i) for i, d in enumerate(digits)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def cpf_check_digits(first9: str) -> str:
    """The two check digits of a CPF whose first nine digits are given."""
    d1 = _cpf_digit(first9)
    return d1 + _cpf_digit(first9 + d1)


def check_br_cpf(value: str | None) -> str | None:
    """Brazilian CPF (Cadastro de Pessoas Físicas) of a natural person."""
    text = compact(value)
    if not re.fullmatch(r"\d{11}", text):
        return "a CPF has 11 digits (000.000.000-00)"
    if len(set(text)) == 1:
        return "a CPF of eleven equal digits is not issued"
    expected = cpf_check_digits(text[:9])
    if text[9:] != expected:
        return f"check digits {text[9:]} are wrong (mod 11 gives {expected})"
    return None


def check_eu_ioss(value: str | None) -> str | None:
    """EU IOSS VAT identification number of the seller or its intermediary."""
    if not _IOSS.match(compact(value)):
        return "an IOSS number is IM followed by 10 digits (IMxxxyyyyyyz)"
    return None


def check_eu_eori(value: str | None) -> str | None:
    """EORI number: a country code and up to 15 letters or digits."""
    match = _EORI.match(compact(value))
    if not match:
        return "an EORI number is a country code and up to 15 letters or digits"
    if pycountry.countries.get(alpha_2=match.group(1)) is None:
        return f"{match.group(1)} is not an ISO 3166 country code"
    return None


def check_kr_pccc(value: str | None) -> str | None:
    """Korean personal customs clearance code."""
    if not _PCCC.match(compact(value)):
        return "a personal customs clearance code is P followed by 12 digits"
    return None


CHECKS = {
    "cn_resident_id": check_cn_resident_id,
    "br_cpf": check_br_cpf,
    "eu_ioss": check_eu_ioss,
    "eu_eori": check_eu_eori,
    "kr_pccc": check_kr_pccc,
}
"""The checks by identifier kind, as the dated requirement tables name them."""
