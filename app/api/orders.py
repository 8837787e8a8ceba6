"""Orders: create (idempotent on seller + order_no), read, list, amend and cancel."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import DomainError, Forbidden
from ..schemas.orders import OrderOut, OrderPageOut, OrderQuery
from ..services import order_changes
from ..services import orders as order_service

blp = Blueprint("orders", __name__, url_prefix="/orders", description="Orders from sellers")

_ORDER_BODY = {"required": True, "content": {"application/json": {"schema": "OrderIn"}}}
_MERGE_PATCH = {
    "required": True,
    "content": {
        "application/merge-patch+json": {
            "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of the stored order body (OrderIn): "
                "objects merge, null removes a field, a list (items) is replaced whole",
            }
        }
    },
}
_FILED = "The order is filed with customs (cancel it through its clearance case) or cancelled"


def _json_body() -> object:
    payload = request.get_json(silent=True)
    if payload is None:
        raise DomainError("The body is not valid JSON.", {"_body": ["malformed JSON"]})
    return payload


@blp.route("", methods=["POST"])
@roles_required("seller")
@blp.doc(requestBody=_ORDER_BODY)
@blp.response(201, OrderOut, description="Created")
@blp.alt_response(200, schema=OrderOut, description="The same order was already stored")
def create_order():
    """Store an order; sending the same body again returns the stored order (200)."""
    payload = _json_body()
    user = current_user()
    if user.seller is None:
        raise Forbidden("Only sellers create orders.")
    order, created = order_service.create_order(user.seller, payload, user)
    return order_service.order_view(order), 201 if created else 200


@blp.route("", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.arguments(OrderQuery, location="query")
@blp.response(200, OrderPageOut)
def list_orders(query):
    """Orders the caller may see (a seller its own, brokers and carriers all), newest
    first; every filter given must match."""
    return order_service.list_orders(current_user(), **query)


@blp.route("/<string:order_id>", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, OrderOut)
def get_order(order_id):
    return order_service.order_view(order_service.get_order(current_user(), order_id))


@blp.route("/<string:order_id>", methods=["PUT"])
@roles_required("seller")
@blp.doc(requestBody=_ORDER_BODY)
@blp.response(200, OrderOut)
@blp.alt_response(409, description=_FILED)
def replace_order(order_id):
    """Replace the whole order while nothing is filed: validated as on creation, quoted
    again; a frozen declaration snapshot gets a new version."""
    order = order_changes.amend_order(current_user(), order_id, _json_body(), partial=False)
    return order_service.order_view(order)


@blp.route("/<string:order_id>", methods=["PATCH"])
@roles_required("seller")
@blp.doc(requestBody=_MERGE_PATCH)
@blp.response(200, OrderOut)
@blp.alt_response(409, description=_FILED)
def patch_order(order_id):
    """Change some fields while nothing is filed (a JSON merge patch of the stored body);
    then as PUT."""
    order = order_changes.amend_order(current_user(), order_id, _json_body(), partial=True)
    return order_service.order_view(order)


@blp.route("/<string:order_id>", methods=["DELETE"])
@roles_required("seller")
@blp.response(200, OrderOut, description="The order, now cancelled")
@blp.alt_response(409, description=_FILED)
def cancel_order(order_id):
    """Cancel the order while nothing is filed (its status becomes `cancelled`)."""
    return order_service.order_view(order_changes.cancel_order(current_user(), order_id))
