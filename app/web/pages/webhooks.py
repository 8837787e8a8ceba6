"""A seller's webhook settings: register an endpoint (its signing secret shown once),
the list, delete, and each webhook's delivery log with redeliver. Views over the webhook
service of ``/api/v1/webhooks`` (the same URL rules, event kinds and tenant walls).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...errors import ValidationFailed
from ...schemas.tracking import DeliveryQuery, WebhookIn
from ...services import webhooks
from .. import nav
from .. import web as web_bp
from ..query import load
from ..session import page, signed_in_user

WEBHOOK_ROLES = ("seller",)
DEFAULT_EVENTS = ("case.*", "tracking.*")
DELIVERY_STATUSES = ("pending", "delivered", "failed", "cancelled")

nav.add("web.webhook_settings", _l("Webhooks"), *WEBHOOK_ROLES)


def _settings(code: int = 200, **shown):
    html = render_template(
        "webhooks/settings.html",
        hooks=webhooks.list_webhooks(signed_in_user()),
        kinds=webhooks.event_kinds(),
        chosen=shown.pop("chosen", DEFAULT_EVENTS),
        **shown,
    )
    return html, code, {"Cache-Control": "no-store"}


@web_bp.get("/settings/webhooks")
@page(*WEBHOOK_ROLES)
def webhook_settings():
    return _settings()


@web_bp.post("/settings/webhooks")
@page(*WEBHOOK_ROLES)
def webhook_register():
    data = {"url": request.form.get("url", "").strip(), "events": request.form.getlist("events")}
    try:
        body = load(WebhookIn(), data, "The webhook is not valid.")
        hook, secret = webhooks.register(signed_in_user(), body["url"], body["events"])
    except ValidationFailed as exc:
        return _settings(exc.code, problem=exc, url=data["url"], chosen=data["events"])
    return _settings(201, created=hook, secret=secret)


@web_bp.post("/settings/webhooks/<string:webhook_id>/delete")
@page(*WEBHOOK_ROLES)
def webhook_delete(webhook_id):
    hook = webhooks.get_webhook(signed_in_user(), webhook_id)
    url = hook.url
    webhooks.delete(signed_in_user(), webhook_id)
    flash(_("The webhook to %(url)s was deleted; nothing more is sent to it.", url=url))
    return redirect(url_for("web.webhook_settings"), code=303)


@web_bp.get("/settings/webhooks/<string:webhook_id>")
@page(*WEBHOOK_ROLES)
def webhook_deliveries(webhook_id):
    user = signed_in_user()
    args = {k: v for k, v in request.args.items() if v and k in ("status", "limit", "offset")}
    query = load(DeliveryQuery(), args, "The filters are not valid.")
    return render_template(
        "webhooks/deliveries.html",
        hook=webhooks.get_webhook(user, webhook_id),
        deliveries=[
            webhooks.delivery_view(d) for d in webhooks.deliveries(user, webhook_id, **query)
        ],
        query=query,
        statuses=DELIVERY_STATUSES,
    )


@web_bp.post("/settings/webhooks/deliveries/<string:delivery_id>/redeliver")
@page(*WEBHOOK_ROLES)
def webhook_redeliver(delivery_id):
    delivery = webhooks.redeliver(signed_in_user(), delivery_id)
    flash(_("The delivery is sent again now."))
    return redirect(url_for("web.webhook_deliveries", webhook_id=delivery.webhook_id), code=303)
