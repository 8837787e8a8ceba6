"""A seller changes or cancels an order (``PUT`` and ``DELETE /orders/{id}`` on a page).

Changing takes two steps: the form is sent to be reviewed, the page shows the diff the
order service computes for it, and only a form that was reviewed unchanged is saved. The
rules (what may change, when, and what is valid) are the order service's.
"""

from __future__ import annotations

import hashlib
import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...errors import ValidationFailed
from ...services import amend_preview, order_changes
from ...services import orders as order_service
from .. import order_form
from .. import web as web_bp
from ..session import page, signed_in_user


def digest(body: dict) -> str:
    """What a reviewed form is recognised by when it comes back to be saved."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def render_form(order, body: dict, *, changes=None, problem=None, code: int = 200, **extra):
    """The order form with ``body`` filled in, the reviewed changes and any refusal;
    ``extra`` (``case_id``, ``reason``) makes it a broker's amendment of a case."""
    values = order_form.values_of(body)
    lines = len(body.get("items") or [])
    values.setdefault(f"items.{lines}.unit", "piece")  # the blank line to add
    html = render_template(
        "orders/amend.html",
        order=order,
        values=values,
        lines=lines,
        form=order_form,
        changes=changes,
        reviewed=digest(body) if changes else "",
        problem=problem,
        errors=(problem.errors if problem else {}) or {},
        **extra,
    )
    return html, code


def _open_order(order_id: str):
    order = order_service.get_order(signed_in_user(), order_id)
    order_changes.ensure_open(order)
    return order


@web_bp.get("/orders/<string:order_id>/amend")
@page("seller")
def amend_order(order_id):
    order = _open_order(order_id)
    return render_form(order, order_service.order_body(order))


@web_bp.post("/orders/<string:order_id>/amend")
@page("seller")
def amend_order_post(order_id):
    user = signed_in_user()
    order = _open_order(order_id)
    order_no = order.order_no
    body = order_form.body_from(request.form, order_no)
    if request.form.get("action") == "save" and request.form.get("reviewed") == digest(body):
        order_changes.amend_order(user, order_id, body, partial=False)
        flash(_("Order %(no)s was changed.", no=order_no))
        # An explicit fragment: the form's own (#review) would otherwise carry over.
        return redirect(url_for("web.order", order_id=order_id, _anchor="main"), code=303)
    try:
        changes = amend_preview.preview(user, order_id, body)
    except ValidationFailed as exc:
        return render_form(_open_order(order_id), body, problem=exc, code=exc.code)
    return render_form(_open_order(order_id), body, changes=changes)


@web_bp.post("/orders/<string:order_id>/cancel")
@page("seller")
def cancel_order(order_id):
    order = order_changes.cancel_order(signed_in_user(), order_id)
    flash(_("Order %(no)s was cancelled.", no=order.order_no))
    return redirect(url_for("web.order", order_id=order_id), code=303)
