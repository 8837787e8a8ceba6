"""The public tracking lookup by S10 id: no token, only what a recipient may see."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint, abort
from limits import RateLimitItemPerMinute

from .. import limiter
from ..schemas.tracking import TrackOut
from ..services import tracking

blp = Blueprint("track", __name__, url_prefix="", description="Public tracking")

CACHE_SECONDS = 60
CACHE_CONTROL = f"public, max-age={CACHE_SECONDS}"


@blp.route("/track/<string:s10>", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, TrackOut)
@blp.alt_response(404, description="Unknown or malformed item id (the same answer)")
@blp.alt_response(429, description="Too many lookups from this client; see Retry-After")
def track(s10):
    """An item's recipient-visible events: code, label, the office's city and country,
    time. No names, values, addresses or notes. Cacheable for a minute; each client may
    make ``TRACK_RATE_LIMIT`` lookups a minute (RateLimit-* headers say how many remain)."""
    allowance = _lookup_allowance(int(current_app.config.get("TRACK_RATE_LIMIT", 60)))
    if allowance is not None and not allowance.allowed:
        abort(
            429, message="Too many tracking lookups; try again later.", headers=allowance.headers()
        )
    headers = {**(allowance.headers() if allowance else {}), "Cache-Control": CACHE_CONTROL}
    return tracking.public_track(s10), 200, headers


def _lookup_allowance(per_minute: int) -> limiter.Window | None:
    """Count the lookup against the client (None: no limit, or the store did not answer)."""
    if per_minute <= 0:
        return None
    return limiter.ask("hit", "track", RateLimitItemPerMinute(per_minute))
