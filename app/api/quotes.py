"""Landed-cost quotes for an order body, without storing anything."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth import roles_required
from ..errors import DomainError
from ..schemas.orders import OrderIn
from ..schemas.times import Day
from ..services import quoting
from ..services.orders import validate_order

blp = Blueprint("quotes", __name__, url_prefix="/quotes", description="Landed-cost quotes")


class QuoteIn(OrderIn):
    """An order body (``order_no`` optional) plus the date to quote at."""

    order_no = fields.String(load_default="QUOTE", validate=validate.Length(min=1, max=60))
    as_of = Day(load_default=None)


_quote_schema = QuoteIn()


@blp.route("", methods=["POST"])
@roles_required("seller", "broker")
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": "QuoteIn"}}})
@blp.response(200, description="The duty, tax and fee breakdown (amounts as decimal strings)")
def create_quote():
    """Quote duties, taxes and fees for an order as of a date (default: today)."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise DomainError("The body is not valid JSON.", {"_body": ["malformed JSON"]})
    data = validate_order(payload, schema=_quote_schema)
    as_of = data.pop("as_of", None) or datetime.now(UTC).date()
    return quoting.quote_json(data, as_of)
