"""The order as an HTML form and back: one input per field of the order body.

Inputs are named by the field paths of the error envelope (``recipient.city``,
``items.0.hs_code``), so the service's errors land beside their inputs. Which fields
exist, their kinds and their choices are read from the order schema (``OrderIn`` and its
nested schemas); the form never judges a value: the order service validates what comes
back, exactly as it validates a PUT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from ..schemas.orders import LineSchema, OrderIn, PartySchema, PaymentSchema

PARTIES = ("sender", "recipient")
NESTED = (*PARTIES, "payment", "items")
KEPT = ("order_no",)  # shown, never sent back changed
MAX_LINES = 100  # OrderIn's limit


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | decimal | date | checkbox | select | email
    required: bool
    choices: tuple[str, ...] = ()
    max_length: int | None = None

    def path(self, prefix: str = "") -> str:
        return f"{prefix}{self.name}"


def _choices(field: fields.Field) -> tuple[str, ...]:
    validators = field.validators if hasattr(field, "validators") else []
    for v in validators:
        if isinstance(v, validate.OneOf):
            return tuple(v.choices)
    return ()


def _kind(field: fields.Field) -> str:
    if isinstance(field, fields.Boolean):
        return "checkbox"
    if isinstance(field, fields.Date):
        return "date"
    if isinstance(field, fields.Email):
        return "email"
    if _choices(field):
        return "select"
    if type(field).__name__ == "ExactDecimal":
        return "decimal"
    return "text"


def fields_of(schema: type[Schema], skip: tuple[str, ...] = ()) -> tuple[Field, ...]:
    out = []
    for name, field in schema().fields.items():
        if name in skip:
            continue
        out.append(
            Field(
                name=name,
                kind=_kind(field),
                required=field.required,
                choices=_choices(field),
                max_length=getattr(field, "max_length", None),
            )
        )
    return tuple(out)


ORDER_FIELDS = fields_of(OrderIn, skip=(*NESTED, *KEPT))
PARTY_FIELDS = fields_of(PartySchema)
PAYMENT_FIELDS = fields_of(PaymentSchema)
LINE_FIELDS = fields_of(LineSchema)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def values_of(body: Mapping[str, Any]) -> dict[str, str]:
    """The order body (``orders.order_body``) as the form's input values by path."""
    values = {f.name: _text(body.get(f.name)) for f in ORDER_FIELDS}
    for party in PARTIES:
        for f in PARTY_FIELDS:
            values[f.path(f"{party}.")] = _text((body.get(party) or {}).get(f.name))
    for f in PAYMENT_FIELDS:
        values[f.path("payment.")] = _text((body.get("payment") or {}).get(f.name))
    for n, line in enumerate(body.get("items") or []):
        for f in LINE_FIELDS:
            values[f.path(f"items.{n}.")] = _text(line.get(f.name))
    return values


def line_count(form: Mapping[str, str]) -> int:
    """How many lines the form holds (the stored ones and one blank line to add)."""
    raw = form.get("line_count", "0")
    count = int(raw) if raw.isdigit() else 0
    return min(count, MAX_LINES + 1)


def _value(f: Field, form: Mapping[str, str], path: str) -> Any:
    if f.kind == "checkbox":
        return bool(form.get(path))  # an unchecked box is not sent
    raw = form.get(path, "").strip()
    return raw or None


def _group(form: Mapping[str, str], prefix: str, group: tuple[Field, ...]) -> dict:
    return {f.name: _value(f, form, f.path(prefix)) for f in group}


def _line_is_blank(line: dict) -> bool:
    return not any(v for k, v in line.items() if k != "unit")


def body_from(form: Mapping[str, str], order_no: str) -> dict:
    """The order body the form describes: what the order service is asked to store.

    Empty party fields are left out (as the stored body leaves them); a line marked for
    removal, or a blank added line, is dropped; no payment field filled means no payment.
    """
    body: dict[str, Any] = {"order_no": order_no, **_group(form, "", ORDER_FIELDS)}
    for party in PARTIES:
        given = _group(form, f"{party}.", PARTY_FIELDS)
        body[party] = {k: v for k, v in given.items() if v is not None}
    payment = _group(form, "payment.", PAYMENT_FIELDS)
    body["payment"] = payment if any(payment.values()) else None
    items = []
    for n in range(line_count(form)):
        if form.get(f"items.{n}.remove"):
            continue
        line = _group(form, f"items.{n}.", LINE_FIELDS)
        if not _line_is_blank(line):
            items.append(line)
    body["items"] = items
    return body


__all__ = [
    "LINE_FIELDS",
    "ORDER_FIELDS",
    "PARTY_FIELDS",
    "PAYMENT_FIELDS",
    "body_from",
    "line_count",
    "values_of",
]
