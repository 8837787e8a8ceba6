"""Plain pages and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect
from sqlalchemy import text

from ..extensions import db
from ..jobs.queues import queues

web = Blueprint("web", __name__)


@web.get("/")
def index():
    return redirect("/api/docs")


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
