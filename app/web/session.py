"""Who is signed in to the pages: a signed session cookie naming the user.

The session carries the user id and a fingerprint of the password hash, so changing a
password signs out every other browser. Role checks are the API's own (``require_role``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import g, make_response, redirect, request, session, url_for

from ..auth import require_role
from ..extensions import db
from ..models import User


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    """Start a fresh session (never reuse one from before signing in)."""
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["pw"] = _fingerprint(user)


def sign_out() -> None:
    session.clear()


def forget_user() -> None:
    """Before each request: the user is read from this request's cookie, not a previous one."""
    g.pop("page_user", None)


def signed_in_user() -> User | None:
    """The session's user, loaded once per request; None when signed out or stale."""
    if "page_user" not in g:
        user = None
        user_id = session.get("user_id")
        if user_id:
            user = db.session.get(User, user_id)
            if user is not None and session.get("pw") != _fingerprint(user):
                user = None
        g.page_user = user
        if user is not None:
            g.current_user = user  # what app.auth.current_user() answers
    return g.page_user


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after signing in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _to_sign_in():
    """Back to the sign-in page; a fragment polled by htmx sends the whole page there."""
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url_for("web.sign_in")
        return response
    return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))


def page(*roles: str) -> Callable:
    """A page for signed-in users with one of ``roles`` (admin always; none = any role).

    Signed out → the sign-in page, coming back here afterwards; wrong role → 403.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            user = signed_in_user()
            if user is None:
                return _to_sign_in()
            require_role(user, roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator
