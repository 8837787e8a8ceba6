"""The web pages (server-rendered, over the same services as the API) and the health check.

One blueprint (``web``) holds every page; each page family is a module in ``pages/`` that
adds its routes and navigation entries. ``init_app`` (in ``setup``) binds Babel and CSRF.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, redirect, url_for
from sqlalchemy import text

from ..extensions import db
from ..jobs.queues import queues

web = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)


@web.get("/")
def index():
    return redirect(url_for("web.home"))


@web.get("/healthz")
def healthz():
    """Ready when the database answers; Redis is reported but not required to be up."""
    db.session.execute(text("SELECT 1"))
    status = {"status": "ok", "database": "ok"}
    try:
        queues.connection.ping()
        status["redis"] = "ok"
    except Exception as exc:  # report, don't fail readiness on a Redis hiccup
        status["redis"] = f"error: {exc.__class__.__name__}"
    return jsonify(status)


def init_app(app: Flask) -> None:
    from .setup import init_app as setup

    setup(app)
