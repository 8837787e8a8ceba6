"""Tariff lookups: the dated measures that apply to one HS code in one destination."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_smorest import Blueprint
from marshmallow import fields, validate

from ..auth import login_required
from ..schemas.fields import Country
from ..schemas.query import QuerySchema
from ..schemas.times import Day
from ..services import tariff_lookup

blp = Blueprint("tariffs", __name__, url_prefix="/tariffs", description="Tariff measures")


class TariffQuery(QuerySchema):
    as_of = Day(load_default=None)
    origin = Country(load_default=None)
    region = fields.String(load_default=None, validate=validate.Length(min=1, max=10))


@blp.route("/<string:dest>/<string:hs>", methods=["GET"])
@login_required
@blp.arguments(TariffQuery, location="query")
@blp.response(200, description="Duty measures, taxes, thresholds, fees and valuation basis")
def get_tariff(query, dest, hs):
    """The measures for `hs` (6–10 digits, dots allowed) entering `dest` on `as_of` (today).

    With `origin`, only the additional duties on goods of that origin are listed; without
    it, every origin-specific measure is listed with its origins. A destination or HS code
    the tables do not cover is a 404 naming what is missing.
    """
    as_of = query["as_of"] or datetime.now(UTC).date()
    return tariff_lookup.lookup(dest, hs, as_of, query["origin"], query["region"])
