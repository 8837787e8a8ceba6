"""The ``/api/v1`` API: flask-smorest blueprints sharing one error envelope."""

from __future__ import annotations

import copy

from flask import current_app, request
from flask_smorest import Api

from ..errors import UnsupportedMediaType, ValidationFailed, _http_exception
from ..schemas.openapi import RulesPlugin


class SilkpostApi(Api):
    """flask-smorest's Api with field-path errors in the one envelope."""

    def handle_http_exception(self, error):
        return _http_exception(error)


def make_api() -> SilkpostApi:
    """A fresh Api per app: the OpenAPI spec belongs to one app, not to the process."""
    return SilkpostApi(
        spec_kwargs={**copy.deepcopy(SPEC_KWARGS), "marshmallow_plugin": RulesPlugin()}
    )


SPEC_KWARGS = {
    "info": {"description": "Cross-border parcel clearance: orders, quotes, declarations."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


NON_JSON_ENDPOINTS = (
    "/api/v1/imports",
    "/api/v1/receipts",
    "/api/v1/events",
    "/api/v1/payments-received",
    "/api/v1/summaries/results",
)


def require_json() -> None:
    """Bodies of JSON endpoints must say they are JSON (415 otherwise); an endpoint whose
    document declares a required JSON body refuses a request without one (422)."""
    if not (
        request.path.startswith("/api/v1/")
        and request.method in ("POST", "PUT", "PATCH")
        and request.path.rstrip("/") not in NON_JSON_ENDPOINTS
    ):
        return
    has_body = bool(request.content_length or request.headers.get("Transfer-Encoding"))
    if has_body and not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    if not has_body and _declares_required_body():
        raise ValidationFailed("A JSON body is required.", {"_body": ["send a JSON object"]})


def _declares_required_body() -> bool:
    """What the OpenAPI document says of this view (flask-smorest's ``arguments``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" and p.get("required") for p in declared)


def register_blueprints(api: Api) -> None:
    from ..schemas.orders import OrderIn
    from .admin import blp as admin_blp
    from .analytics import blp as analytics_blp
    from .buyers import blp as buyers_blp
    from .clearance import blp as clearance_blp
    from .declarations import blp as declarations_blp
    from .events import blp as events_blp
    from .imports import blp as imports_blp
    from .inbound import blp as inbound_blp
    from .movements import blp as movements_blp
    from .orders import blp as orders_blp
    from .parcels import blp as parcels_blp
    from .payments import blp as payments_blp
    from .posts import blp as posts_blp
    from .profile import blp as profile_blp
    from .quotes import QuoteIn
    from .quotes import blp as quotes_blp
    from .receipts import blp as receipts_blp
    from .reports import blp as reports_blp
    from .summaries import blp as summaries_blp
    from .tariffs import blp as tariffs_blp
    from .track import blp as track_blp
    from .warehouses import blp as warehouses_blp
    from .webhooks import blp as webhooks_blp

    api.spec.components.schema("OrderIn", schema=OrderIn)
    api.spec.components.schema("QuoteIn", schema=QuoteIn)
    for blp in (
        orders_blp,
        declarations_blp,
        imports_blp,
        profile_blp,
        quotes_blp,
        receipts_blp,
        tariffs_blp,
        buyers_blp,
        reports_blp,
        parcels_blp,
        clearance_blp,
        admin_blp,
        posts_blp,
        events_blp,
        track_blp,
        webhooks_blp,
        analytics_blp,
        inbound_blp,
        payments_blp,
        warehouses_blp,
        summaries_blp,
        movements_blp,
    ):
        api.register_blueprint(blp, url_prefix=f"/api/v1{blp.url_prefix or ''}")
