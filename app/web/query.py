"""Reading a page's query string: what a filter form sends."""

from __future__ import annotations

from datetime import date

from flask import request
from marshmallow import Schema, ValidationError

from ..errors import ValidationFailed, flatten_errors


def date_arg(name: str) -> date | None:
    """The ISO date in ``?name=``; None when empty; a 422 naming the field when not a date."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed("A date is not valid.", {name: ["use the form YYYY-MM-DD"]}) from exc


def load(schema: Schema, data: dict, message: str = "The form is not valid.") -> dict:
    """``data`` (a query or a form) read by the API's own schema: its limits and messages;
    a refusal is a 422 naming each field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(message, flatten_errors(exc.messages)) from exc
