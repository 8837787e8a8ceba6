"""Customs receipts in (from the E-Port transfer client), clearance timelines out."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import current_user, roles_required
from ..errors import UnsupportedMediaType
from ..services import clearance
from ..services.orders import get_order

blp = Blueprint("receipts", __name__, url_prefix="", description="Customs receipts and status")

XML_TYPES = ("application/xml", "text/xml")


class ReceiptResultOut(Schema):
    events = fields.Integer()
    new_events = fields.Integer()
    orders = fields.List(fields.String())
    unmatched = fields.List(fields.String())
    summaries = fields.List(
        fields.String(), metadata={"description": "Summaries a CEB702 or CEB792 answered"}
    )
    movements = fields.List(
        fields.String(),
        metadata={"description": "Returns, tallies, arrivals, departures a receipt answered"},
    )


@blp.route("/receipts", methods=["POST"])
@roles_required("broker")
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/xml": {
                "schema": {
                    "type": "string",
                    "description": "A CEB receipt message, or a DxpMsg envelope",
                }
            }
        },
    }
)
@blp.response(200, ReceiptResultOut)
def post_receipt():
    """Read a CEB receipt (CEB312/412/512/622/624/626, 816 …); repeats are harmless."""
    if request.mimetype not in XML_TYPES:
        raise UnsupportedMediaType("Send the receipt as application/xml.")
    return clearance.ingest(request.get_data(cache=False), current_user())


@blp.route("/orders/<string:order_id>/clearance", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, description="Customs status events and current state per document")
def order_clearance(order_id):
    return clearance.timeline(get_order(current_user(), order_id))
