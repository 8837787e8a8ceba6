"""A broker amends a case's order: the order form, the diff before saving, then the
amendment service (``POST /api/v1/clearance/{id}/amend``'s rules: a reviewable case, the
broker's claim, the order schema, a new snapshot version, the case prepared again).

The diff shown is computed by the order service itself (``amend_preview.changes``) and a
form is saved only as it was reviewed, as on the seller's amendment page.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ...errors import ValidationFailed
from ...services import amend, amend_preview, case_states, cases, review
from ...services import orders as order_service
from .. import order_form
from .. import web as web_bp
from ..session import page, signed_in_user
from .amend import digest, render_form
from .review import REVIEW_ROLES


def _amendable(case_id: str):
    """The case and its order, when the case's state lets it be amended (else a 409)."""
    user = signed_in_user()
    case = cases.get_case(user, case_id)
    if not case_states.allowed("amend", case.status):
        raise cases.refused(case_states.IllegalTransition("amend", case.status))
    return case, order_service.get_order(user, case.order_id)


@web_bp.get("/review/<string:case_id>/amend")
@page(*REVIEW_ROLES)
def review_amend(case_id):
    _case, order = _amendable(case_id)
    return render_form(order, order_service.order_body(order), case_id=case_id)


@web_bp.post("/review/<string:case_id>/amend")
@page(*REVIEW_ROLES)
def review_amend_post(case_id):
    user = signed_in_user()
    case, order = _amendable(case_id)
    body = order_form.body_from(request.form, order.order_no)
    reason = request.form.get("reason", "")
    shown = {"case_id": case_id, "reason": reason}
    try:
        if request.form.get("action") == "save" and request.form.get("reviewed") == digest(body):
            note = review.reason_text(reason, required=False)
            amend.amend_in_clearance(user, order, case, body, note)
            flash(_("The order was amended; the case is prepared again."))
            return redirect(url_for("web.review_case", case_id=case_id), code=303)
        changes = amend_preview.changes(user, order, body)
    except ValidationFailed as exc:
        return render_form(_amendable(case_id)[1], body, problem=exc, code=exc.code, **shown)
    return render_form(_amendable(case_id)[1], body, changes=changes, **shown)
