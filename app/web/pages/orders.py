"""Orders: the list with the API's filters, one order's page, its XML and PDF documents.

Staff (brokers, carriers, admins) see every seller's orders; a seller only its own, and
another seller's order is "not found" (the services decide, as for the API).
"""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from ...models.orders import OPEN_STATUSES, ORDER_STATUSES
from ...schemas.orders import FLOWS, OrderQuery
from ...services import cases, clearance, declaring, tracking
from ...services import orders as order_service
from ...services.case_states import ENDED
from .. import nav
from .. import web as web_bp
from ..query import load
from ..session import page, signed_in_user

# The same roles as the API's order, declaration and parcel-form endpoints.
ORDER_ROLES = ("seller", "broker", "carrier")
PDF_KINDS = ("cn23", "cn23_thermal", "cn22", "label")
PER_PAGE = 50

nav.add("web.orders", _l("Orders"), *ORDER_ROLES)


def _query() -> dict:
    args = {k: v for k, v in request.args.items() if v != ""}
    args.setdefault("per_page", str(PER_PAGE))
    return load(OrderQuery(), args, "The filters are not valid.")


@web_bp.get("/orders")
@page(*ORDER_ROLES)
def orders():
    query = _query()
    result = order_service.list_orders(signed_in_user(), **query)
    pages = max(1, -(-result["total"] // result["per_page"]))
    filters = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template(
        "orders/list.html",
        result=result,
        query=query,
        filters=filters,
        statuses=ORDER_STATUSES,
        flows=FLOWS,
        pages=pages,
        may_hand_over=signed_in_user().role == "seller",
    )


@web_bp.get("/orders/<string:order_id>")
@page(*ORDER_ROLES)
def order(order_id):
    user = signed_in_user()
    found = order_service.get_order(user, order_id)
    case = cases.latest_of_order(user, order_id)
    return render_template(
        "orders/detail.html",
        order=order_service.order_view(found),
        declarations=declaring.overview(user, order_id),
        timeline=clearance.timeline(found),
        case=cases.summary(case, found.order_no) if case else None,
        case_events=list(case.events) if case else [],
        tracking=[tracking.parcel_events(user, p.id) for p in found.parcels],
        pdf_kinds=PDF_KINDS,
        may_change=user.role in ("seller", "admin") and found.status in OPEN_STATUSES,
        may_hand_over=user.role == "seller" and (case is None or case.status in ENDED),
    )


@web_bp.get("/orders/<string:order_id>/documents/<string:kind>.xml")
@page(*ORDER_ROLES)
def order_document(order_id, kind):
    doc = declaring.document(signed_in_user(), order_id, kind)
    return Response(
        doc.content,
        mimetype=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{kind}-{order_id}.xml"'},
    )


@web_bp.get("/parcels/<string:parcel_id>/<any(cn23, cn23_thermal, cn22, label):kind>.pdf")
@page(*ORDER_ROLES)
def parcel_pdf(parcel_id, kind):
    doc = declaring.parcel_document(signed_in_user(), parcel_id, kind)
    return Response(
        doc.content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{kind}-{parcel_id}.pdf"'},
    )
