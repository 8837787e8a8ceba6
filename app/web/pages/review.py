"""The broker's review queue and case page: views over the clearance case services.

The queue is ``GET /api/v1/clearance`` (the same query schema, filters and counts per
state, oldest first); the case page is ``GET /api/v1/clearance/{id}`` with its stored XML
documents shown. Brokers (and admins) only: a seller follows its case on the order page.
"""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from ...schemas.clearance import CaseQuery
from ...services import case_states, cases, seller_directory, users
from ...services import orders as order_service
from .. import nav
from .. import web as web_bp
from ..query import load
from ..session import page, signed_in_user

REVIEW_ROLES = ("broker",)
PER_PAGE = 50
FILTERS = ("status", "seller_id", "destination", "risk", "flow")

nav.add("web.review_queue", _l("Review queue"), *REVIEW_ROLES)


def _query() -> dict:
    args = {k: v.strip() for k, v in request.args.items() if k in FILTERS + ("page",)}
    args = {k: v for k, v in args.items() if v}
    args.setdefault("per_page", str(PER_PAGE))
    return load(CaseQuery(), args, "The filters are not valid.")


@web_bp.get("/review")
@page(*REVIEW_ROLES)
def review_queue():
    user = signed_in_user()
    query = _query()
    result = cases.list_cases(user, query)
    sellers = seller_directory.sellers_for(user)
    filters = {k: v for k, v in request.args.items() if v and k in FILTERS}
    return render_template(
        "review/queue.html",
        result=result,
        query=query,
        filters=filters,
        states=case_states.STATES,
        sellers=sellers,
        seller_names={s["id"]: s["name"] for s in sellers},
        claimers=users.names_of(c["claimed_by"] for c in result["items"]),
        pages=max(1, -(-result["total"] // result["per_page"])),
    )


def _xml_documents(user, case_id: str, documents: list[dict]) -> list[dict]:
    """Each stored document of the filing with its XML text, as customs get it."""
    shown = []
    for doc in documents:
        stored = cases.document(user, case_id, doc["kind"])
        shown.append({**doc, "xml": stored.content.decode("utf-8", errors="replace")})
    return shown


def case_context(case_id: str) -> dict:
    """What the case page shows (also re-rendered after a refused action)."""
    user = signed_in_user()
    detail = cases.detail(cases.get_case(user, case_id))
    order = order_service.order_view(order_service.get_order(user, detail["order_id"]))
    actors = [e.actor_id for e in detail["events"]] + [a.actor_id for a in detail["audit"]]
    return {
        "case": detail,
        "order": order,
        "documents": _xml_documents(user, case_id, detail["documents"]),
        "timeline": detail["customs"],
        "names": users.names_of([*actors, detail["claimed_by"]]),
        "mine": detail["claimed_by"] == user.id,
        "may": {a: case_states.allowed(a, detail["status"]) for a in ACTIONS},
        "reviewable": detail["status"] in case_states.REVIEWABLE,
    }


ACTIONS = ("approve", "request_changes", "reject", "amend", "cancel")


@web_bp.get("/review/<string:case_id>")
@page(*REVIEW_ROLES)
def review_case(case_id):
    return render_template("review/case.html", **case_context(case_id))


@web_bp.get("/review/<string:case_id>/documents/<string:kind>.xml")
@page(*REVIEW_ROLES)
def review_document(case_id, kind):
    doc = cases.document(signed_in_user(), case_id, kind)
    return Response(
        doc.content,
        mimetype=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{kind}-{case_id}.xml"'},
    )
