"""Reading a page's query string: what a filter form sends."""

from __future__ import annotations

from datetime import date

from flask import request

from ..errors import ValidationFailed


def date_arg(name: str) -> date | None:
    """The ISO date in ``?name=``; None when empty; a 422 naming the field when not a date."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed("A date is not valid.", {name: ["use the form YYYY-MM-DD"]}) from exc
