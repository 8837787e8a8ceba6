"""Analysis of the post's own data: lanes and modes compared."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import roles_required
from ..schemas.tracking import LaneAnalyticsOut, LaneQuery
from ..services import analytics

blp = Blueprint("analytics", __name__, url_prefix="/analytics", description="Analysis")


@blp.route("/lanes", methods=["GET"])
@roles_required("carrier", "broker")
@blp.arguments(LaneQuery, location="query")
@blp.response(200, LaneAnalyticsOut)
def lanes(query):
    """Per lane and mode: parcels, receptacles, weight, median and p90 hours from hand-over
    to release and from despatch to final delivery, and the share held by customs."""
    return analytics.lanes(query.get("since"), query.get("until"))
