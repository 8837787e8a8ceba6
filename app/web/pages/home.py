"""The home page: what each role can do, with the counts that matter to it."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from ...models.orders import ORDER_STATUSES
from ...services import orders as order_service
from .. import nav
from .. import web as web_bp
from ..session import page, signed_in_user

nav.add("web.home", _l("Home"))


@web_bp.get("/home")
@page()
def home():
    user = signed_in_user()
    counts = {}
    if user.role in ("seller", "broker", "carrier", "admin"):
        counts = {
            status: order_service.list_orders(user, status, 1, 1)["total"]
            for status in ORDER_STATUSES
        }
    return render_template("home.html", counts=counts)
