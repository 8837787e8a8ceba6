"""Sellers' webhooks: register (the secret is shown once), list, delete, the delivery log
and a manual redeliver."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..schemas.tracking import (
    DeliveryOut,
    DeliveryQuery,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
)
from ..services import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks", description="Webhooks")


@blp.route("", methods=["POST"])
@roles_required("seller")
@blp.arguments(WebhookIn)
@blp.response(201, WebhookCreatedOut)
def register(body):
    """Register an endpoint for case and tracking events. The answer carries the signing
    secret: it is not shown again."""
    hook, secret = webhooks.register(current_user(), body["url"], body["events"])
    return {
        "id": hook.id,
        "url": hook.url,
        "events": hook.events,
        "created_at": hook.created_at,
        "secret": secret,
    }


@blp.route("", methods=["GET"])
@roles_required("seller")
@blp.response(200, WebhookOut(many=True))
def list_webhooks():
    """The seller's active webhooks (an admin sees all)."""
    return webhooks.list_webhooks(current_user())


@blp.route("/<string:webhook_id>", methods=["DELETE"])
@roles_required("seller")
@blp.response(204)
def delete(webhook_id):
    """Stop a webhook: nothing more is sent, pending deliveries are cancelled."""
    webhooks.delete(current_user(), webhook_id)


@blp.route("/<string:webhook_id>/deliveries", methods=["GET"])
@roles_required("seller")
@blp.arguments(DeliveryQuery, location="query")
@blp.response(200, DeliveryOut(many=True))
def deliveries(query, webhook_id):
    """The webhook's delivery log, newest first, with every attempt."""
    found = webhooks.deliveries(current_user(), webhook_id, **query)
    return [webhooks.delivery_view(d) for d in found]


@blp.route("/deliveries/<string:delivery_id>/redeliver", methods=["POST"])
@roles_required("seller")
@blp.response(202, DeliveryOut)
@blp.alt_response(409, description="The webhook was deleted")
def redeliver(delivery_id):
    """Send a delivery again now, whatever its state (retried with back-off if it fails)."""
    return webhooks.delivery_view(webhooks.redeliver(current_user(), delivery_id))
