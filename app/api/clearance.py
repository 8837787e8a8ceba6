"""Agent clearance: sellers hand orders over, brokers review, amend, approve and cancel."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import DomainError
from ..schemas.clearance import (
    AmendIn,
    ApproveManyIn,
    ApproveManyOut,
    CaseDetailOut,
    CaseOut,
    CasePageOut,
    CaseQuery,
    HandOverIn,
    HandOverOut,
    ReasonIn,
    RequestChangesIn,
)
from ..services import amend, cases, review

blp = Blueprint("clearance", __name__, url_prefix="", description="Agent clearance cases")

CONFLICT = "The action is not allowed in the case's state, or another broker holds the claim"


@blp.route("/clearance", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(CaseQuery, location="query")
@blp.response(200, CasePageOut)
def list_cases(query):
    """The review queue, oldest first, with the number of cases in each state (sellers
    see their own cases)."""
    return cases.list_cases(current_user(), query)


@blp.route("/clearance", methods=["POST"])
@roles_required("seller")
@blp.arguments(HandOverIn)
@blp.response(201, HandOverOut)
def hand_over_many(body):
    """Hand orders over to clearance (one case per parcel); refusals are listed per order."""
    made, refused = cases.hand_over(current_user(), body["order_ids"])
    return {"cases": [cases.summary(c) for c in made], "refused": refused}


@blp.route("/orders/<string:order_id>/clearance", methods=["POST"])
@roles_required("seller")
@blp.response(201, CaseOut)
@blp.alt_response(409, description="The order already has an open case, or is not filed")
def hand_over(order_id):
    """Hand one order over to clearance."""
    made, refused = cases.hand_over(current_user(), [order_id])
    if refused:
        message = refused[order_id]
        code = 404 if message == "No such order." else 409
        raise _error(code, message)
    return cases.summary(made[0])


def _error(code: int, message: str) -> DomainError:
    from ..errors import Conflict, NotFound

    return (NotFound if code == 404 else Conflict)(message, {"order_id": [message]})


@blp.route("/clearance/approve", methods=["POST"])
@roles_required("broker")
@blp.arguments(ApproveManyIn)
@blp.response(200, ApproveManyOut)
def approve_many(body):
    """Approve several cases; each is filed by a batched job."""
    return review.approve_many(current_user(), body["case_ids"])


@blp.route("/clearance/<string:case_id>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, CaseDetailOut)
@blp.alt_response(404, description="No such case (or another seller's)")
def get_case(case_id):
    """A case with its documents, messages, risks, quote, events, audit and receipts."""
    return cases.detail(cases.get_case(current_user(), case_id))


@blp.route("/clearance/<string:case_id>/documents/<string:kind>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, description="The XML document", content_type="application/xml")
@blp.alt_response(404, description="No such case, or no document of that kind")
def case_document(case_id, kind):
    """A stored document of the case's filing (the XML customs get, before its envelope)."""
    doc = cases.document(current_user(), case_id, kind)
    return Response(doc.content, mimetype=doc.media_type, headers={"ETag": doc.sha256})


def _action(route: str, schema=None, roles=("broker",)):
    """A POST on a case answering the case, 409 when its state refuses it."""

    def decorator(view):
        wrapped = blp.alt_response(404, description="No such case (or another seller's)")(view)
        wrapped = blp.alt_response(409, description=CONFLICT)(wrapped)
        wrapped = blp.response(200, CaseOut)(wrapped)
        if schema is not None:
            wrapped = blp.arguments(schema)(wrapped)
        wrapped = roles_required(*roles)(wrapped)
        return blp.route(f"/clearance/<string:case_id>/{route}", methods=["POST"])(wrapped)

    return decorator


@_action("claim")
def claim(case_id):
    """Claim the case for review (expires after CLAIM_MINUTES)."""
    return cases.summary(review.claim(current_user(), case_id))


@blp.route("/clearance/<string:case_id>/claim", methods=["DELETE"])
@roles_required("broker")
@blp.response(200, CaseOut)
def release_claim(case_id):
    """Give the claim up."""
    return cases.summary(review.release_claim(current_user(), case_id))


@_action("approve")
def approve(case_id):
    """Approve the case for filing; a job files it."""
    return cases.summary(review.approve(current_user(), case_id))


@_action("request-changes", RequestChangesIn)
def request_changes(body, case_id):
    """Ask the seller to change the named fields."""
    case = review.request_changes(current_user(), case_id, body["reason"], body["paths"])
    return cases.summary(case)


@_action("reject", ReasonIn)
def reject(body, case_id):
    """Decline to file the case."""
    return cases.summary(review.reject(current_user(), case_id, body["reason"]))


@_action("amend", AmendIn, roles=("broker", "seller"))
def amend_case(body, case_id):
    """Change the order by field paths; a new snapshot is frozen and checked again."""
    case = amend.amend(current_user(), case_id, body["changes"], body.get("reason"))
    return cases.summary(case)


@_action("cancel", ReasonIn, roles=("broker", "seller"))
def cancel(body, case_id):
    """Withdraw the case: at once before filing, else by filing a cancel with customs."""
    return cases.summary(review.cancel(current_user(), case_id, body["reason"]))
