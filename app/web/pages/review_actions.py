"""The broker's decisions on a case page: claim, give up, approve, request changes, reject,
cancel. Each is the review service's own function (``POST /api/v1/clearance/{id}/…``); a
refusal (another broker's claim, the case's state) is shown on the case page with its
reason.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from ...errors import DomainError
from ...schemas.clearance import ReasonIn, RequestChangesIn
from ...services import review
from .. import web as web_bp
from ..query import load
from ..session import page, signed_in_user
from .review import REVIEW_ROLES, case_context


def _form(schema: type[Schema]) -> dict:
    """The form read by the API's own body schema (the same limits and messages); field
    paths may be given one per line or separated by commas."""
    data: dict = {"reason": request.form.get("reason", "")}
    if "paths" in schema().fields:
        raw = request.form.get("fields", "").replace(",", "\n")
        data["fields"] = list(dict.fromkeys(p.strip() for p in raw.splitlines() if p.strip()))
    return load(schema(), data)


def _decide(case_id: str, act: Callable[[], object], done: str):
    """Run ``act``; back to the case page with ``done`` flashed, or the page again with the
    refusal and the form's text kept."""
    try:
        act()
    except DomainError as exc:
        html = render_template(
            "review/case.html", **case_context(case_id), problem=exc, form=request.form
        )
        return html, exc.code
    flash(done)
    return redirect(url_for("web.review_case", case_id=case_id), code=303)


@web_bp.post("/review/<string:case_id>/claim")
@page(*REVIEW_ROLES)
def review_claim(case_id):
    user = signed_in_user()
    return _decide(case_id, lambda: review.claim(user, case_id), _("You hold the claim."))


@web_bp.post("/review/<string:case_id>/release")
@page(*REVIEW_ROLES)
def review_release(case_id):
    user = signed_in_user()
    done = _("The claim was given up.")
    return _decide(case_id, lambda: review.release_claim(user, case_id), done)


@web_bp.post("/review/<string:case_id>/approve")
@page(*REVIEW_ROLES)
def review_approve(case_id):
    user = signed_in_user()
    done = _("Approved: the case is filed with customs by a worker.")
    return _decide(case_id, lambda: review.approve(user, case_id), done)


@web_bp.post("/review/<string:case_id>/request-changes")
@page(*REVIEW_ROLES)
def review_request_changes(case_id):
    user = signed_in_user()
    done = _("Changes were requested from the seller.")

    def act():
        body = _form(RequestChangesIn)
        return review.request_changes(user, case_id, body["reason"], body["paths"])

    return _decide(case_id, act, done)


@web_bp.post("/review/<string:case_id>/reject")
@page(*REVIEW_ROLES)
def review_reject(case_id):
    user = signed_in_user()
    done = _("The case was rejected.")
    return _decide(case_id, lambda: review.reject(user, case_id, _form(ReasonIn)["reason"]), done)


@web_bp.post("/review/<string:case_id>/cancel")
@page(*REVIEW_ROLES)
def review_cancel(case_id):
    user = signed_in_user()
    done = _("The case was withdrawn.")
    return _decide(case_id, lambda: review.cancel(user, case_id, _form(ReasonIn)["reason"]), done)
