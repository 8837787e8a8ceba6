"""Signing in and out with a password, and switching the language."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import auth_failures
from ...services import users as user_service
from .. import i18n
from .. import web as web_bp
from ..session import safe_next, signed_in_user
from ..session import sign_in as start_session
from ..session import sign_out as end_session

MAX_FIELD = 1024


@web_bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if signed_in_user() is not None:
            return redirect(next_url or url_for("web.home"))
        return render_template("account/sign_in.html", next_url=next_url, name="", failed=False)
    auth_failures.check_allowed()
    name = request.form.get("username", "")[:MAX_FIELD]
    password = request.form.get("password", "")[:MAX_FIELD]
    user = user_service.check_password(name, password) if name and password else None
    if user is None:
        auth_failures.record_failure()
        page = render_template("account/sign_in.html", next_url=next_url, name=name, failed=True)
        return page, 200
    start_session(user)
    return redirect(next_url or url_for("web.home"))


@web_bp.post("/sign-out")
def sign_out():
    end_session()
    return redirect(url_for("web.sign_in"))


@web_bp.post("/language")
def language():
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    chosen = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")) or url_for("web.home"))
    if chosen in i18n.LANGUAGES:
        i18n.set_language_cookie(response, chosen)
    return response


__all__ = ["_"]
