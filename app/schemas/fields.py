"""Marshmallow fields for customs data: ISO codes, HS codes, S10 ids, exact decimals."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pycountry
from marshmallow import ValidationError, fields, validate

from declarations import s10
from tariff_tables import nomenclature, request


@lru_cache(maxsize=512)
def _is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


@lru_cache(maxsize=512)
def _is_currency(code: str) -> bool:
    return len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None


class _IsoCode(fields.String):
    """An ISO code, stripped and upper-cased, that ``known`` accepts."""

    standard: str  # named in the error message
    known: Callable[[str], bool]
    letters: int  # how many letters the code has (the pattern in the OpenAPI document)

    def __init__(self, **kwargs: Any):
        metadata = {
            "pattern": rf"^\s*[A-Za-z]{{{self.letters}}}\s*$",
            "description": f"An {self.standard} (case and surrounding spaces do not matter)",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not self.known(text):
            raise ValidationError(f"{value!r} is not an {self.standard}")
        return text


class Country(_IsoCode):
    """ISO 3166-1 alpha-2 country code, normalised to upper case."""

    standard = "ISO 3166-1 alpha-2 country code"
    letters = 2
    known = staticmethod(_is_country)


class Currency(_IsoCode):
    """ISO 4217 alphabetic currency code."""

    standard = "ISO 4217 currency code"
    letters = 3
    known = staticmethod(_is_currency)


class CustomsCode(fields.String):
    """A China customs registration: the 10-character customs code or the 18-character
    unified social credit code (the pattern is stated in the OpenAPI document)."""

    PATTERN = r"^[0-9A-Z]{10}$|^[0-9A-Z]{18}$"

    def __init__(self, **kwargs: Any):
        error = "a 10-character customs code or 18-character credit code"
        super().__init__(validate=validate.Regexp(self.PATTERN, error=error), **kwargs)


class HsCode(fields.String):
    """HS code, 6–10 digits, whose chapter and heading exist; dots and spaces removed."""

    def __init__(self, **kwargs: Any):
        metadata = {
            "pattern": nomenclature.WRITTEN_PATTERN,
            "description": "6 to 10 digits (dots and spaces between them are removed) "
            f"whose HS chapter and heading exist in {nomenclature.HS_EDITION}",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = nomenclature.check(text)
        if problem:
            raise ValidationError(f"{value!r}: {problem}")
        return nomenclature.normalise(text)


class Unit(fields.String):
    """A unit of quantity, read through the one unit table (``tariff_tables.request``):
    customs names, China customs codes and UN/ECE Rec 20 codes, stored as the customs unit
    they name (``PCE`` → ``piece``, ``KGM`` → ``kg``)."""

    def __init__(self, **kwargs: Any):
        metadata = {
            "description": "Unit of the quantity, case-insensitive, one of: "
            + ", ".join(request.ACCEPTED_UNITS)
            + ". Stored as the customs unit it names (kg, g, l, ml, piece, set, pair).",
            "maxLength": max(len(unit) for unit in request.ACCEPTED_UNITS),
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        unit = request.customs_unit(text)
        if unit is None:
            raise ValidationError(request.unknown_unit_message(text))
        return unit


class S10Field(fields.String):
    """UPU S10 item identifier with a verified check digit."""

    def __init__(self, **kwargs: Any):
        metadata = {
            "format": "s10",
            "description": "A UPU S10 item id: 2 letters, 8 digits, a check digit and a "
            "2-letter country (e.g. RR473124829GB)",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return str(s10.parse(text))
        except s10.S10Error as exc:
            raise ValidationError(f"{value!r} is not a valid S10 id: {exc}") from exc


class ExactDecimal(fields.Field):
    """A decimal read exactly (floats via their shortest repr), with limits on sign and scale.

    JSON numbers arrive as floats; ``Decimal(str(x))`` keeps what the client wrote
    (``12.5``) instead of the binary expansion.
    """

    def __init__(
        self,
        *,
        places: int,
        positive: bool = True,
        allow_zero: bool = False,
        max_value: decimal.Decimal | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.places = places
        self.positive = positive
        self.allow_zero = allow_zero
        self.max_value = max_value

    def _deserialize(self, value: Any, attr, data, **kwargs) -> decimal.Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float | decimal.Decimal):
            raise ValidationError("must be a number")
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation as exc:
            raise ValidationError(f"{value!r} is not a number") from exc
        if not number.is_finite():
            raise ValidationError("must be a finite number")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise ValidationError(f"at most {self.places} decimal places")
        if self.positive:
            if number < 0 or (number == 0 and not self.allow_zero):
                raise ValidationError(
                    "must be greater than zero" if not self.allow_zero else "must not be negative"
                )
        limit = self.max_value or decimal.Decimal("1e12")
        if abs(number) >= limit:
            raise ValidationError(f"must be less than {limit}")
        return number

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        return format(decimal.Decimal(value).normalize(), "f")


class Amount(fields.String):
    """A stored money amount as text with its cents: PostgreSQL's NUMERIC(18, 5) gives
    ``160.00000`` where SQLite keeps the text it was given; both leave as ``160.00``. An
    amount with more places than two keeps them (nothing is rounded)."""

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        amount = decimal.Decimal(value)
        cents = amount.quantize(decimal.Decimal("0.01"))
        return format(cents if cents == amount else amount.normalize(), "f")


class Text(fields.String):
    """Stripped text with a length limit, checked inline (this runs for every cell of an
    import, so it avoids the generic validator machinery)."""

    def __init__(self, max_length: int, *, required: bool = False, **kwargs: Any):
        self.max_length = max_length
        self.min_length = 1 if required else 0
        bounds = {"maxLength": max_length, **({"minLength": 1} if required else {})}
        metadata = {**bounds, **kwargs.pop("metadata", {})}
        super().__init__(required=required, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) < self.min_length:
            raise ValidationError("must not be empty")
        if len(text) > self.max_length:
            raise ValidationError(f"at most {self.max_length} characters")
        return text


class MemoNested(fields.Nested):
    """A nested schema whose successful results are remembered by input.

    A seller's files repeat the same sender block on every row; validating it once per
    distinct value keeps imports fast. Only flat inputs of plain values are cached, only
    successes are cached, and callers get a fresh copy each time.
    """

    MAX_ENTRIES = 4096

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._memo: dict = {}

    def _deserialize(self, value: Any, attr, data, partial=None, **kwargs):
        key = None
        if isinstance(value, dict) and partial is None:
            try:
                key = tuple(sorted(value.items()))
                hash(key)
            except TypeError:
                key = None
        if key is not None:
            hit = self._memo.get(key)
            if hit is not None:
                return dict(hit)
        result = super()._deserialize(value, attr, data, partial=partial, **kwargs)
        if key is not None and isinstance(result, dict):
            if len(self._memo) >= self.MAX_ENTRIES:
                self._memo.clear()
            self._memo[key] = dict(result)
        return result
