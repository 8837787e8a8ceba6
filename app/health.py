"""``/healthz`` (liveness) and ``/readyz`` (readiness), outside the API and the pages.

Errors here are the JSON envelope, as in the API (the pages' blueprint renders HTML).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from .errors import ServiceUnavailable
from .services import readiness

READY_RETRY_AFTER = 5

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Liveness: the web process answers. Asks no dependency (that is ``/readyz``)."""
    return jsonify({"status": "ok"})


@health.get("/readyz")
def readyz():
    """Readiness: database, Redis, live workers and queue depths; 503 naming what is down."""
    report, problems = readiness.check()
    if problems:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(problems)} down.", problems, retry_after=READY_RETRY_AFTER
        )
    return jsonify({"status": "ready", **report})
