"""Inbound postal items from partner posts, as customs clear them (brokers, carriers)."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import roles_required
from ..schemas.inbound import InboundItemDetailOut, InboundListOut, InboundQuery
from ..services import inbound_views

blp = Blueprint(
    "inbound", __name__, url_prefix="/inbound-items", description="Inbound postal items"
)


@blp.route("", methods=["GET"])
@roles_required("broker", "carrier")
@blp.arguments(InboundQuery, location="query")
@blp.response(200, InboundListOut)
def list_items(query):
    """Inbound items, newest first, optionally of one status."""
    return inbound_views.list_items(query.get("status"), query["limit"], query["offset"])


@blp.route("/<item_id>", methods=["GET"])
@roles_required("broker", "carrier")
@blp.response(200, InboundItemDetailOut)
@blp.alt_response(404, description="No inbound item of that id")
def get_item(item_id):
    """One inbound item by its id or S10 id: quote, risks, CUSITM and customs' decisions."""
    return inbound_views.get_item(item_id)
