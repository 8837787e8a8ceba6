"""Buyers of CBEC imports: their annual quota usage (brokers and admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth import roles_required
from ..errors import ValidationFailed
from ..schemas.query import QuerySchema
from ..services import quota_report

blp = Blueprint("buyers", __name__, url_prefix="/buyers", description="CBEC buyers")


class QuotaQuery(QuerySchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


@blp.route("/<string:id_number>/quota", methods=["GET"])
@roles_required("broker")
@blp.arguments(QuotaQuery, location="query")
@blp.response(200, description="limit, used, remaining (CNY) and the ledger rows of the year")
def get_quota(query, id_number):
    """A buyer's CNY 26,000 CBEC annual quota: limit, used, remaining, and per-order rows."""
    id_number = id_number.strip()
    if not 1 <= len(id_number) <= 30:
        raise ValidationFailed("The buyer ID is 1 to 30 characters.", {"id_number": ["length"]})
    year = query["year"] or datetime.now(UTC).year
    return quota_report.buyer_quota(id_number, year)
