"""Orders: create (idempotent on seller + order_no), read, list."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import DomainError, Forbidden
from ..schemas.orders import OrderOut, OrderPageOut, OrderQuery
from ..services import orders as order_service

blp = Blueprint("orders", __name__, url_prefix="/orders", description="Orders from sellers")


@blp.route("", methods=["POST"])
@roles_required("seller")
@blp.doc(
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": "OrderIn"}},
    }
)
@blp.response(201, OrderOut, description="Created")
@blp.alt_response(200, schema=OrderOut, description="The same order was already stored")
def create_order():
    """Store an order; sending the same body again returns the stored order (200)."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise DomainError("The body is not valid JSON.", {"_body": ["malformed JSON"]})
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
    """Orders the caller may see: a seller its own, brokers and carriers all."""
    return order_service.list_orders(
        current_user(), query.get("status"), query["page"], query["per_page"]
    )


@blp.route("/<string:order_id>", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, OrderOut)
def get_order(order_id):
    return order_service.order_view(order_service.get_order(current_user(), order_id))
