"""A seller hands orders over to clearance: ticked on the orders list, or one from its
order page. The case service decides (``POST /api/v1/clearance``): one case per order, and
each refusal is told with its reason while the others go ahead.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...services import cases
from .. import web as web_bp
from ..session import page, safe_next, signed_in_user


@web_bp.post("/orders/hand-over")
@page("seller")
def hand_over_orders():
    order_ids = request.form.getlist("order_id")
    back = safe_next(request.form.get("next")) or url_for("web.orders")
    if not order_ids:
        flash(_("Tick at least one order to hand over."))
        return redirect(back, code=303)
    made, refused = cases.hand_over(signed_in_user(), order_ids)
    if made:
        flash(
            ngettext(
                "%(num)s order was handed over to clearance.",
                "%(num)s orders were handed over to clearance.",
                len(made),
            )
        )
    for reason in refused.values():
        flash(_("Not handed over: %(reason)s", reason=reason))
    return redirect(back, code=303)
